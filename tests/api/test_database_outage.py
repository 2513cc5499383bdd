"""A database that cannot be reached is an outage to wait out: 503 with Retry-After, never a 500.

The site points at a MariaDB port nothing listens on, which is what every worker sees while
the server restarts; the same answer covers a connection lost mid-request.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from smooth.asgi import create_app
from smooth.site import forget_site, write_config
from tests.api.helpers import USER_HEADER
from tests.api.serving import serving
from tests.conftest import TEST_APP

SITE = "down.test"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.fixture
def client(tmp_path: Path) -> Iterator[httpx.Client]:
    sites = tmp_path / "sites"
    write_config(sites, SITE, {
        "db_url": f"mariadb+pymysql://smooth:smooth@127.0.0.1:{_closed_port()}/smooth_down",
        "apps": [str(TEST_APP)], "allow_test_user_header": True,
    })
    with serving(create_app(sites, SITE)) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http
    forget_site(SITE, sites)


@pytest.mark.parametrize("method, path, headers", [
    ("GET", "/api/resource/Test%20Note", {USER_HEADER: "Administrator"}),
    ("POST", "/api/resource/Test%20Note", {USER_HEADER: "Administrator"}),
    ("GET", "/api/method/frappe.client.get_count?doctype=Test%20Note", {USER_HEADER: "Administrator"}),
    ("POST", "/api/method/login", {}),
])
def test_an_unreachable_database_answers_503_with_retry_after(client: httpx.Client, method: str, path: str,
                                                              headers: dict[str, str]) -> None:
    json = {"usr": "Administrator", "pwd": "admin"} if path.endswith("login") else {"title": "t"}
    response = client.request(method, path, headers=headers, json=json if method == "POST" else None)
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["exc_type"] == "DatabaseUnavailableError"
    assert "cannot be reached right now; try again" in body["exception"]
    assert "2003" not in body["exception"] and "127.0.0.1" not in body["exception"]


def test_other_errors_get_no_retry_after(client: httpx.Client) -> None:
    response = client.get("/api/nowhere")
    assert response.status_code == 404
    assert "retry-after" not in response.headers
