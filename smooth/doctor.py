"""`bench doctor`: what a site is configured with and whether each part answers.

Each check is ok, a warning or an error. Errors are the site itself: its config loads, its
metadata and hooks resolve, its database answers and matches the doctype JSON, and a Redis the
config names (sessions and throttling live there, so logins fail without it). Warnings are
optional parts that are missing or do not answer: wkhtmltopdf (PDFs), Chromium (browser tests),
Redis when none is configured (jobs run inline), no live worker, a scheduler that has not
ticked, an SMTP server (emails stay queued), no `host_name` (the address links in mails, PDFs and QR
codes name). Only
errors make doctor exit 1, so `scripts/run` serves on a machine that has nothing but Python.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from sqlalchemy import text

from smooth.backups import backups_check
from smooth.context import unit_of_work
from smooth.db.sync import pending
from smooth.exceptions import SiteNotFoundError
from smooth.integrations.google_calendar import doctor_check
from smooth.jobs.status import outbox_check, queue_check, scheduler_check
from smooth.site import Site, get_site

OK, WARN, ERROR = "ok", "WARN", "BAD"
Check = tuple[str, str, str]  # (label, OK / WARN / ERROR, detail)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 2


def diagnose(site_name: str, sites_path: Path) -> list[Check]:
    """(label, status, detail) for each part of the site; only a missing site raises."""
    checks: list[Check] = []
    try:
        site = get_site(site_name, sites_path)
    except SiteNotFoundError:
        raise  # nothing to diagnose: the CLI says which sites exist
    except Exception as exc:
        return [("site", ERROR, f"{site_name}: {exc}")]
    checks.append(("site", OK, f"{site.name} at {site.path}"))
    checks.append(("apps", OK, ", ".join(app.name for app in site.apps)))
    checks.append(("doctypes", OK, f"{len(site.registry.metas)} loaded, hooks resolved"))
    url = site.engine.url.render_as_string(hide_password=True)
    try:
        with site.engine.connect() as conn:
            version = conn.execute(text("SELECT sqlite_version()" if site.db_type == "sqlite"
                                        else "SELECT VERSION()")).scalar()
        checks.append(("database", OK, f"{site.db_type} {version} ({url})"))
        plan = pending(site.engine, site.metadata)
        checks.append(("schema", OK if not plan.changes else ERROR,
                       "up to date" if not plan.changes
                       else f"{len(plan.changes)} pending change(s): run bench migrate"))
    except Exception as exc:
        checks.append(("database", ERROR, f"{url} unreachable: {exc}"))
    checks.append(_redis(site))
    checks.append(queue_check(site))
    checks.append(outbox_check(site, sites_path))
    checks.append(scheduler_check(site, site.path))
    checks.append(_google(site_name, sites_path))
    checks.append(_pdf(site))
    checks.append(_smtp(site))
    checks.append(_chromium(site))
    checks.append(("time zone", OK, site.time_zone))
    checks.append(_host_name(site))
    label, healthy, detail = backups_check(site)
    checks.append((label, OK if healthy else WARN, detail))
    return checks


def has_errors(checks: list[Check]) -> bool:
    return any(status == ERROR for _, status, _ in checks)


def line(check: Check) -> str:
    label, status, detail = check
    return f"{status:4} {label:18} {detail}"


def _redis(site: Site) -> Check:
    url = site.config.get("redis_url")
    if not url:
        return ("redis", WARN, "no redis_url: sessions live in the database and login throttling is per process")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS).ping()
        return ("redis", OK, url)
    except Exception as exc:
        return ("redis", ERROR, f"{url} unreachable: {exc} (sessions and login throttling use it: start Redis "
                                "or remove redis_url from site_config.json)")


def _google(site_name: str, sites_path: Path) -> Check:
    try:
        with unit_of_work(site_name, sites_path=sites_path, commit=False):
            healthy, detail = doctor_check()
    except Exception as exc:
        return ("google", WARN, f"cannot read Google Settings: {exc}")
    return ("google", OK if healthy else WARN, detail)


def _pdf(site: Site) -> Check:
    configured = site.config.get("wkhtmltopdf")
    found = shutil.which(configured) if configured else shutil.which("wkhtmltopdf")
    if found:
        return ("pdf", OK, found)
    where = f"{configured!r} (site config wkhtmltopdf)" if configured else "wkhtmltopdf"
    return ("pdf", WARN, f"{where} not found: PDFs (certificates, reports) cannot be rendered until "
                         "wkhtmltopdf is installed")


def _smtp(site: Site) -> Check:
    server = site.config.get("mail_server")
    if not server:
        return ("smtp", WARN, "no mail_server in site config: emails stay queued until SMTP is configured")
    try:
        port = int(site.config.get("mail_port") or (587 if site.config.get("use_tls") else 25))
        socket.create_connection((server, port), timeout=TIMEOUT_SECONDS).close()
    except ValueError:
        return ("smtp", WARN, f"mail_port {site.config.get('mail_port')!r} is not a port number: emails stay queued")
    except OSError as exc:
        return ("smtp", WARN, f"{server}:{port} does not answer ({exc}): emails stay queued until it does")
    return ("smtp", OK, f"{server}:{port}")


def _host_name(site: Site) -> Check:
    host_name = site.config.get("host_name")
    if host_name:
        return ("host_name", OK, str(host_name))
    return ("host_name", WARN, f"no host_name in site config: links in mails, PDFs and QR codes use the address of "
                               f"the request that made them, else http://{site.name}; set it with "
                               f"`bench --site {site.name} set-config host_name https://...`")


def _chromium(site: Site) -> Check:
    configured = site.config.get("chromium")
    found = shutil.which(configured) if configured else next(
        (path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)
    if found:
        return ("chromium", OK, found)
    return ("chromium", WARN, "Chromium not found: the browser tests (Playwright) cannot run; the site does not "
                              "need it")
