"""What every benchmark needs: a throwaway site per backend, and the backends to run on."""

from __future__ import annotations

import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import smooth
from smooth.db.engine import server_url
from smooth.install import new_site
from smooth.site import forget_site


@contextmanager
def temporary_site(backend: str, apps: list[str], mariadb_url: str | None) -> Iterator[None]:
    """A fresh site bound to this thread as Administrator; its files and database go away afterwards."""
    root = Path(tempfile.mkdtemp(prefix="smooth-bench-"))
    name = f"bench-{backend}.local"
    db_url = f"{mariadb_url.rstrip('/')}/smooth_bench_{secrets.token_hex(4)}" if backend == "mariadb" else None
    new_site(name, root, db_type=backend, db_url=db_url, admin_password="admin", apps=apps, echo=lambda _m: None)
    try:
        with smooth.site_context(name, root):
            yield
    finally:
        forget_site(name, root)
        if db_url:
            parsed = make_url(db_url)
            engine = create_engine(server_url(parsed), isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
            engine.dispose()


def each_backend(mariadb_url: str | None, measure: Callable[[str], None]) -> int:
    measure("sqlite")
    if mariadb_url:
        measure("mariadb")
    else:
        print("[mariadb] skipped: pass --mariadb-url or set SMOOTH_TEST_MARIADB_URL", file=sys.stderr)
    return 0
