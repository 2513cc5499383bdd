"""`/app/backups`: the site's backup sets, newest first, each part a download (System Managers only).

A download names one file of a listed set (`?download=<file name>`); any other name is refused, so
the page can never hand out a file outside the backups folder. "Back up now" posts to `backup_now`
(a whitelisted method, with the session's CSRF token: desk pages take no posts), which enqueues
`smooth.backups.background_backup` on the long queue; the page shows the job's state and step and
reloads its list every few seconds until the job is done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smooth.backups import (
    STALE_JOB_HOURS,
    STAMP,
    background_backup,
    encrypts,
    job_status,
    keep_hours,
    list_backups,
    set_job_status,
)
from smooth.context import local, session_user
from smooth.exceptions import DoesNotExistError, PermissionError, ValidationError
from smooth.jobs.enqueue import enqueue
from smooth.messages import _, _lazy
from smooth.permissions import ADMINISTRATOR, get_roles
from smooth.whitelist import FileDownload, whitelist

ROLE = "System Manager"

PART_LABELS = {"database": _lazy("Database"), "files": _lazy("Public files"), "private-files": _lazy("Private files"),
               "config": _lazy("Site config"), "manifest": _lazy("Manifest")}


def get_context(context: Any) -> None:
    site = local().site
    backups = list_backups(site.name, site.sites_path)
    wanted = str(context.form_dict.get("download") or "")
    if wanted:
        path = next((p for b in backups for p in b.parts.values() if p.name == wanted and p.is_file()), None)
        if path is None:
            raise DoesNotExistError(_("No backup file named {0!r}: it may have been removed by the retention rule; "
                                      "reload the page", wanted))
        context.download = FileDownload(path, path.name)
        return
    context.site_name = site.name
    context.job = job_status(site.path)
    context.busy = bool(context.job and context.job["state"] in ("queued", "running"))
    context.encrypted = encrypts(site.config)
    context.keep_hours = keep_hours(site.config)
    context.scheduled = site.config.get("scheduled_backups", True) not in (False, 0, "0", "false")
    context.backups = [{
        "taken": dt.datetime.strptime(b.stamp, STAMP).replace(tzinfo=dt.UTC),
        "size": b.size,
        "encrypted": bool(b.manifest.get("encrypted")),
        "parts": [{"label": str(PART_LABELS.get(part, part)), "name": path.name, "size": path.stat().st_size}
                  for part, path in b.parts.items() if path.is_file()],
    } for b in backups]


@whitelist(methods=["POST"])
def backup_now(with_files: int = 1) -> dict[str, Any]:
    """Queue a backup of the database and, by default, the files; one at a time."""
    user = session_user()
    if user != ADMINISTRATOR and ROLE not in get_roles(user):
        raise PermissionError(_("Not permitted: only a {0} may take a backup", ROLE))
    site = local().site
    status = job_status(site.path)
    if status and status["state"] in ("queued", "running"):
        raise ValidationError(_("A backup is already being taken (started {0} UTC by {1}): wait for it to finish",
                                status.get('started'), status.get('by')))
    set_job_status(site.path, state="queued", by=user, with_files=bool(with_files),
                   started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    job = enqueue(background_backup, queue="long", timeout=STALE_JOB_HOURS * 3600, job_id="backup-now",
                  deduplicate=True, with_files=bool(with_files))
    return {"job": job, "state": "queued"}
