"""Taking a saved Custom Field or Property Setter into the site: its metadata, its columns, other processes.

Saving one queues, once per unit of work, an after-commit step that reloads the site's metadata
(`smooth.meta.customization` lays the rows over the doctypes), adds the columns of new Custom
Fields to the customized doctypes' tables (never dropping one) and touches the stamp every other
process of the site checks. The DDL runs after the commit, on a connection of its own: inside the
unit it would wait on locks the unit itself holds on MariaDB. Should it fail, the records are
saved and `bench migrate` adds the columns (it loads the same metadata).
"""

from __future__ import annotations

import logging

from smooth.context import db, local
from smooth.db import customizations
from smooth.migrate import sync_tables

log = logging.getLogger("smooth.customizations")


def changed(doctype: str) -> None:
    """A customization of `doctype` was written in this unit: apply it once the unit commits."""
    queued = db().after_commit.queued(_apply)
    if queued is None:
        db().after_commit.add(_apply, {doctype})
    else:
        queued[0].add(doctype)


def _apply(doctypes: set[str]) -> None:
    site = local().site
    customizations.touch(site.path)
    site.load_metadata()
    tables = {site.get_meta(d).table_name for d in doctypes if d in site.registry and not site.get_meta(d).issingle}
    try:
        for change in sync_tables(tables):
            log.info("%s: %s", site.name, change)
    except Exception:
        log.exception("adding the columns of %s failed; `bench migrate` adds them", ", ".join(sorted(doctypes)))
        raise
