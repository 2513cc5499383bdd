"""The site's Custom Field and Property Setter rows, read when the site loads its metadata.

Customizations live in the database (an admin adds a field in the desk; a migrate loads an app's
fixtures), while the rest of the metadata comes from the apps' files, so a process must notice
when another one changed them. Whoever commits a change touches a stamp file in the site folder;
`Site` compares its modification time (one `stat`, no query) whenever a unit of work binds the
site, and reloads its metadata when it moved.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import column, literal_column, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from smooth.meta.customization import CUSTOM_FIELD, PROPERTY_SETTER

STAMP = "customizations.stamp"


def stamp(site_path: Path) -> int:
    """The stamp's modification time (0: no customization was ever changed on this site)."""
    try:
        return os.stat(site_path / STAMP).st_mtime_ns
    except OSError:
        return 0


def touch(site_path: Path) -> None:
    """Tell every process of the site that its customizations changed."""
    path = site_path / STAMP
    before = stamp(site_path)
    path.write_text(secrets.token_hex(8) + "\n")
    if stamp(site_path) == before:  # a coarse clock: make sure the time moves
        os.utime(path, ns=(before + 1, before + 1))


def read_rows(engine: Engine) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(custom fields, property setters), in creation order; none before the tables exist (a new site).

    Every stored column is read (`*`), not those of the loaded metadata: during a migrate that adds a
    column to Custom Field itself, the table does not have it yet, and the site's customizations must
    still be seen (else their columns would look removed)."""
    found: list[list[dict[str, Any]]] = []
    try:
        with engine.connect() as connection:
            for doctype in (CUSTOM_FIELD, PROPERTY_SETTER):
                stored = table(f"tab{doctype}", column("creation"), column("name"))
                rows: list[Any] = list(connection.execute(select(literal_column("*")).select_from(stored)
                                                          .order_by(stored.c.creation, stored.c.name)))
                found.append([dict(row._mapping) for row in rows])
    except SQLAlchemyError:
        return [], []
    return found[0], found[1]
