"""`bench doctor`: what a site is configured with and whether each part answers."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text

from smooth.db.sync import pending
from smooth.exceptions import SiteNotFoundError
from smooth.site import get_site

Check = tuple[str, bool, str]


def diagnose(site_name: str, sites_path: Path) -> list[Check]:
    """(label, ok, detail) for each part of the site; only a missing site raises."""
    checks: list[Check] = []
    try:
        site = get_site(site_name, sites_path)
    except SiteNotFoundError:
        raise  # nothing to diagnose: the CLI says which sites exist
    except Exception as exc:
        return [("site", False, f"{site_name}: {exc}")]
    checks.append(("site", True, f"{site.name} at {site.path}"))
    checks.append(("apps", True, ", ".join(app.name for app in site.apps)))
    checks.append(("doctypes", True, f"{len(site.registry.metas)} loaded, hooks resolved"))
    url = site.engine.url.render_as_string(hide_password=True)
    try:
        with site.engine.connect() as conn:
            version = conn.execute(text("SELECT sqlite_version()" if site.db_type == "sqlite"
                                        else "SELECT VERSION()")).scalar()
        checks.append(("database", True, f"{site.db_type} {version} ({url})"))
        plan = pending(site.engine, site.metadata)
        checks.append(("schema", not plan.changes,
                       "up to date" if not plan.changes
                       else f"{len(plan.changes)} pending change(s): run bench migrate"))
    except Exception as exc:
        checks.append(("database", False, f"{url} unreachable: {exc}"))
    redis_url = site.config.get("redis_url")
    if redis_url:
        checks.append(_redis(redis_url))
    else:
        checks.append(("jobs", True, "no redis_url: background jobs run inline after commit"))
    wkhtmltopdf = site.config.get("wkhtmltopdf") or shutil.which("wkhtmltopdf")
    checks.append(("pdf", bool(wkhtmltopdf), wkhtmltopdf or "wkhtmltopdf not found: PDFs cannot be rendered"))
    checks.append(("time zone", True, site.time_zone))
    return checks


def _redis(url: str) -> Check:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return ("redis", True, url)
    except Exception as exc:
        return ("redis", False, f"{url} unreachable: {exc}")
