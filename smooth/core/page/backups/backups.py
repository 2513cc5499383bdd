"""`/app/backups`: the site's backup sets, newest first, each part a download (System Managers only).

A download names one file of a listed set (`?download=<file name>`); any other name is refused, so
the page can never hand out a file outside the backups folder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smooth.backups import STAMP, keep_hours, list_backups
from smooth.context import local
from smooth.exceptions import DoesNotExistError
from smooth.whitelist import FileDownload

PART_LABELS = {"database": "Database", "files": "Public files", "private-files": "Private files",
               "config": "Site config", "manifest": "Manifest"}


def get_context(context: Any) -> None:
    site = local().site
    backups = list_backups(site.name, site.sites_path)
    wanted = str(context.form_dict.get("download") or "")
    if wanted:
        path = next((p for b in backups for p in b.parts.values() if p.name == wanted and p.is_file()), None)
        if path is None:
            raise DoesNotExistError(f"No backup file named {wanted!r}: it may have been removed by the "
                                           "retention rule; reload the page")
        context.download = FileDownload(path, path.name)
        return
    context.site_name = site.name
    context.keep_hours = keep_hours(site.config)
    context.scheduled = site.config.get("scheduled_backups", True) not in (False, 0, "0", "false")
    context.backups = [{
        "taken": dt.datetime.strptime(b.stamp, STAMP).replace(tzinfo=dt.UTC),
        "size": b.size,
        "parts": [{"label": PART_LABELS.get(part, part), "name": path.name, "size": path.stat().st_size}
                  for part, path in b.parts.items() if path.is_file()],
    } for b in backups]
