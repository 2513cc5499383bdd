"""Client and setup helpers for the API tests (no fixtures here; see conftest.py)."""

from __future__ import annotations

import json
from typing import Any

import httpx

import smooth
from smooth.site import SITE_CONFIG, forget_site
from tests.conftest import SiteHandle, make_user

USER_HEADER = "X-Smooth-Test-User"
METHODS = "tests.api.whitelisted"


class Api:
    """httpx client bound to the running server, acting as `user` (None = Guest)."""

    def __init__(self, base_url: str, handle: SiteHandle) -> None:
        self.base_url, self.handle = base_url, handle
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def request(self, method: str, path: str, *, user: str | None = "Administrator", **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if user:
            headers[USER_HEADER] = user
        return self.http.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def list(self, doctype: str, user: str | None = "Administrator", **params: Any) -> httpx.Response:
        query = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()}
        return self.get(f"/api/resource/{doctype}", params=query, user=user)


    def call(self, path: str, http: str = "GET", user: str | None = "Administrator", **args: Any) -> httpx.Response:
        """/api/method/<path>: arguments as query parameters (GET, JSON-encoded) or a JSON body."""
        if http in ("GET", "HEAD"):
            query = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in args.items()}
            return self.request(http, f"/api/method/{path}", params=query, user=user)
        return self.request(http, f"/api/method/{path}", json=args, user=user)


def add_user(api: Api, email: str, *roles: str) -> str:
    with api.handle.context():
        return make_user(email, *roles)


def server_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Decode Frappe's `_server_messages` (a JSON string of JSON strings)."""
    return [json.loads(m) for m in json.loads(body["_server_messages"])]


def insert(api: Api, doc: dict[str, Any], user: str = "Administrator") -> str:
    """Insert and commit a document directly (test setup that is not itself under test)."""
    with api.handle.context(user=user):
        name = smooth.get_doc(doc).insert(ignore_permissions=True).name
        smooth.db.commit()
    return name


def stored(api: Api, doctype: str, name: str, field: str = "name") -> Any:
    """A column as the database holds it now, read outside the server."""
    with api.handle.context():
        return smooth.db.get_value(doctype, name, field)


def set_site_config(handle: SiteHandle, **values: Any) -> None:
    """Write keys into the site's site_config.json and drop the cached Site so they take effect."""
    path = handle.sites_path / handle.name / SITE_CONFIG
    config = json.loads(path.read_text())
    config.update(values)
    path.write_text(json.dumps(config, indent=1))
    forget_site(handle.name, handle.sites_path)
