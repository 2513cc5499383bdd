"""The LMS site served over HTTP (once per backend), and a logged-in httpx client for the desk pages."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.helpers import Api
from tests.api.serving import running_server
from tests.conftest import SessionPool, SiteHandle
from tests.lms.conftest import clean, lms, lms_site  # noqa: F401  (the LMS site fixtures, one per backend)
from tests.pages.desk_data import PASSWORD, DeskData, make_desk_data
from tests.pages.served import served, served_site  # noqa: F401  (served by header-chosen user; see served.py)


class Desk:
    """A browser-like client: cookies kept, logged in through /api/method/login, CSRF token at hand (asked for,
    so the session needs it from then on, as after loading a page)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
        self.csrf = ""

    def login(self, user: str, password: str = PASSWORD) -> Desk:
        response = self.http.post("/api/method/login", data={"usr": user, "pwd": password})
        assert response.status_code == 200, response.text
        self.csrf = self.http.get("/api/method/smooth.auth.get_csrf_token").json()["message"]
        return self

    def get(self, path: str, **params: object) -> httpx.Response:
        return self.http.get(path, params=params or None)  # type: ignore[arg-type]

    def post(self, path: str, data: dict[str, str], *, csrf: bool = True) -> httpx.Response:
        return self.http.post(path, data={**data, **({"csrf_token": self.csrf} if csrf else {})})


@pytest.fixture(scope="session")
def desk_server(lms_site: SiteHandle, pool: SessionPool) -> tuple[str, SiteHandle]:  # noqa: F811
    return pool.get(("desk_server", lms_site.name), lambda: running_server(lms_site)), lms_site


@pytest.fixture
def desk_data(desk_server: tuple[str, SiteHandle]) -> Iterator[DeskData]:
    clean(desk_server[1])
    yield make_desk_data(desk_server[1])
    clean(desk_server[1])


@pytest.fixture
def desk(desk_server: tuple[str, SiteHandle]) -> Iterator[object]:
    """`desk(user)` -> a Desk client logged in as `user`."""
    clients: list[Desk] = []

    def login(user: str) -> Desk:
        client = Desk(desk_server[0]).login(user)
        clients.append(client)
        return client

    yield login
    for client in clients:
        client.http.close()


@pytest.fixture
def pages(served: Api) -> Api:  # noqa: F811
    """The served LMS site, any user per request by header (the form view tests' name for `served`)."""
    return served
