"""A real Uvicorn server per backend (SQLite and MariaDB) serving a site with the test app.

The server runs in a thread of the test process on a loopback socket; tests talk to it
with httpx only. The site trusts the `X-Smooth-Test-User` header (site config
`allow_test_user_header`), so a test picks the calling user per request; no header = Guest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import delete

import smooth
import tests.api.whitelisted  # noqa: F401 - loaded, so /api/method resolves it (apps import on demand)
from tests.api.auth_fixtures import auth, store  # noqa: F401 - fixtures of the test_auth_* modules
from tests.api.helpers import Api, set_site_config
from tests.api.serving import running_server
from tests.conftest import BACKENDS, SessionPool, SiteHandle, cleaned_around, test_app_site


@contextmanager
def served_test_site(tmp_root: Path, backend: str) -> Iterator[Api]:
    with test_app_site(tmp_root, backend, "api") as handle:
        set_site_config(handle, allow_test_user_header=True)
        with running_server(handle) as base_url:
            api = Api(base_url, handle)
            yield api
            api.http.close()


@pytest.fixture(scope="session", params=BACKENDS)
def api_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pool: SessionPool) -> Api:
    return pool.get(("api_server", request.param),
                    lambda: served_test_site(tmp_path_factory.mktemp(f"api-{request.param}"), request.param))


def _clean(handle: SiteHandle) -> None:
    with handle.context():
        site = smooth.local.site
        for meta in site.registry:
            if meta.app == "smooth_test_app" and not meta.issingle:
                smooth.db.execute(delete(site.table(meta.name)), write=True)
        for table in ("Version", "Series", "Workflow", "Workflow Document State", "Workflow Transition",
                      "Workflow Action", "Workflow State", "Workflow Action Master", "Access Log", "Activity Log"):
            smooth.db.execute(delete(site.table(table)), write=True)
        singles = site.table("Singles")
        test_singles = [m.name for m in site.registry if m.app == "smooth_test_app" and m.issingle]
        smooth.db.execute(delete(singles).where(singles.c.doctype.in_(test_singles)), write=True)
        for user in smooth.get_all("User", filters={"name": ["not in", ["Administrator", "Guest"]]}, pluck="name"):
            smooth.delete_doc("User", user, force=True)
        smooth.db.commit()


@pytest.fixture
def api(api_server: Api) -> Iterator[Api]:
    """The running server's client, with the site's test-app records and users removed before and after."""
    with cleaned_around(api_server.handle, _clean):
        yield api_server
