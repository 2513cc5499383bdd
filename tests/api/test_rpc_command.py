"""Frappe's RPC form: `/` with `cmd=<method>` answers as `/api/method/<method>` does (the Python Frappe
client logs in, reads and writes this way); a GET of `/` without `cmd` is still the site's home page."""

from __future__ import annotations

import json

from tests.api.helpers import METHODS, Api, add_user, insert, stored


def test_cmd_dispatches_frappe_client_reads_writes_and_whitelisted_methods(api: Api) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "rpc"})
    read = api.get("/", params={"cmd": "frappe.client.get_value", "doctype": "Test Note", "fieldname": "title",
                                "filters": json.dumps({"name": name})})
    assert read.status_code == 200 and read.json() == {"message": {"title": "rpc"}}
    written = api.post("/", data={"cmd": "frappe.client.set_value", "doctype": "Test Note", "name": name,
                                  "fieldname": "title", "value": "changed"})
    assert written.status_code == 200 and written.json()["message"]["title"] == "changed"
    assert stored(api, "Test Note", name, "title") == "changed"
    assert api.get("/", params={"cmd": f"{METHODS}.echo", "a": "1"}).json() == {"message": {"a": "1", "b": None}}
    refused = api.get("/", params={"cmd": f"{METHODS}.post_only"})  # the method's own HTTP verbs still hold
    assert refused.status_code == 403 and json.loads(refused.json()["exc"])


def test_cmd_login_and_logout_keep_frappes_envelope(api: Api) -> None:
    add_user(api, "rpc@example.com")
    client = api.http.__class__(base_url=api.base_url, timeout=30)
    try:
        login = client.post("/", data={"cmd": "login", "usr": "rpc@example.com", "pwd": "secret-pw"})
        assert login.status_code == 200 and login.json()["message"] == "Logged In" and "sid" in client.cookies
        assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "rpc@example.com"}
        assert client.get("/", params={"cmd": "logout"}).status_code == 200
        assert client.get("/api/method/frappe.auth.get_logged_user").status_code == 403
        wrong = client.post("/", data={"cmd": "login", "usr": "rpc@example.com", "pwd": "wrong"})
        assert wrong.status_code == 401 and wrong.json()["exc_type"] == "AuthenticationError"
    finally:
        client.close()


def test_root_without_cmd_is_the_home_page_or_a_404_envelope(api: Api) -> None:
    home = api.get("/", user=None, follow_redirects=False)
    assert home.status_code in (302, 303, 307) and home.headers["location"].startswith("/login")
    missing = api.post("/", data={"usr": "x"})
    assert missing.status_code == 404 and missing.json()["exc_type"] == "DoesNotExistError"
