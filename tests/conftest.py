"""Shared fixtures: a real site per database backend (SQLite file and a MariaDB server).

MariaDB comes from $SMOOTH_TEST_MARIADB_URL (a server URL without a database), which
`bash scripts/test` sets after starting a private server. Without it the MariaDB half of the
suite fails with an explanation: it never silently skips.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text

import smooth
from smooth.db.engine import server_url
from smooth.install import new_site
from smooth.site import forget_site

TEST_APP = Path(__file__).parent / "apps" / "smooth_test_app"
BACKENDS = ("sqlite", "mariadb")
TEST_ROLES = ("Test Reader", "Test Writer", "Test Creator", "Test Student", "Test Evaluator")


def mariadb_server_url() -> str:
    url = os.environ.get("SMOOTH_TEST_MARIADB_URL")
    if not url:
        pytest.fail("SMOOTH_TEST_MARIADB_URL is not set: run the suite with `bash scripts/test`, which starts "
                    "MariaDB (or export a server URL such as mariadb+pymysql://user:pw@127.0.0.1:3306)")
    return url.rstrip("/")


class SiteHandle:
    """A created site: its name, sites folder and backend."""

    def __init__(self, name: str, sites_path: Path, backend: str, apps: list[str]) -> None:
        self.name, self.sites_path, self.backend, self.apps = name, sites_path, backend, apps

    def context(self, user: str = "Administrator"):  # type: ignore[no-untyped-def]
        return smooth.site_context(self.name, self.sites_path, user=user)


def create_site(tmp_root: Path, backend: str, apps: list[str], prefix: str = "t") -> SiteHandle:
    name = f"{prefix}-{backend}-{secrets.token_hex(3)}.test"
    sites_path = tmp_root / "sites"
    sites_path.mkdir(parents=True, exist_ok=True)
    db_url = None
    if backend == "mariadb":
        db_url = f"{mariadb_server_url()}/smooth_{prefix}_{secrets.token_hex(4)}"
    new_site(name, sites_path, db_type=backend, db_url=db_url, admin_password="admin", apps=apps,
             echo=lambda _msg: None)
    return SiteHandle(name, sites_path, backend, apps)


def drop_site(handle: SiteHandle) -> None:
    with handle.context():
        url = smooth.local.site.engine.url
    forget_site(handle.name, handle.sites_path)
    if url.get_backend_name() != "sqlite":
        server = create_engine(server_url(url), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
        server.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """For tests that build their own site: run them once per database backend."""
    return request.param


@pytest.fixture(scope="session", params=BACKENDS)
def test_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteHandle]:
    """A site with the framework's test app installed, once per backend."""
    handle = create_site(tmp_path_factory.mktemp(request.param), request.param, [str(TEST_APP)])
    with handle.context():
        for role in TEST_ROLES:
            smooth.get_doc({"doctype": "Role", "role_name": role}).insert()
        smooth.db.commit()
    yield handle
    drop_site(handle)


def _clean(handle: SiteHandle) -> None:
    """Remove every row the test app's doctypes gained, and the users, versions and series tests made."""
    with handle.context():
        site = smooth.local.site
        database = smooth.db
        for meta in site.registry:
            if meta.app == "smooth_test_app" and not meta.issingle:
                database.execute(delete(site.table(meta.name)), write=True)
        for table in ("Version", "Series", "Patch Log", "Workflow", "Workflow Document State", "Workflow Transition",
                      "Workflow Action", "Workflow State", "Workflow Action Master"):
            database.execute(delete(site.table(table)), write=True)
        singles = site.table("Singles")
        test_singles = [m.name for m in site.registry if m.app == "smooth_test_app" and m.issingle]
        database.execute(delete(singles).where(singles.c.doctype.in_(test_singles)), write=True)
        users = database.get_all("User", filters={"name": ["not in", ["Administrator", "Guest"]]}, pluck="name")
        for user in users:
            smooth.delete_doc("User", user, force=True)
        database.commit()


@pytest.fixture
def site(test_site: SiteHandle) -> Iterator[SiteHandle]:
    """A clean test site (no context bound); tests open their own contexts."""
    _clean(test_site)
    yield test_site
    _clean(test_site)


@pytest.fixture
def ctx(site: SiteHandle) -> Iterator[SiteHandle]:
    """The clean test site, bound to this thread as Administrator; rolled back afterwards."""
    from smooth_tests.events import CALLS

    CALLS.clear()
    with site.context():
        yield site
        smooth.db.rollback()


def make_user(email: str, *roles: str, password: str = "secret-pw") -> str:
    """Create and commit a user with the given roles (inside the current context)."""
    user = smooth.get_doc({"doctype": "User", "email": email, "first_name": email.split("@")[0],
                           "new_password": password, "roles": [{"role": r} for r in roles]})
    user.insert(ignore_permissions=True)
    smooth.db.commit()
    return user.name
