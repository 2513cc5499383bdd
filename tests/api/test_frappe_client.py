"""The Python Frappe client from PyPI (`frappe-client`, module `frappeclient`) against a served site.

Every call it offers for records, logged in with a password (`cmd=login` on `/`, a cookie) and with
API keys (Basic), and a refused write raises FrappeException instead of returning None. The client
speaks plain HTTP over the core's API, with no dialect difference: SQLite only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from frappeclient import FrappeClient
from frappeclient.frappeclient import FrappeException

import smooth
from tests.api.auth_fixtures import PASSWORD
from tests.api.helpers import METHODS, Api, add_user, stored

pytestmark = pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)

MANAGER = "fc@example.com"
READER = "fc-reader@example.com"


def _client(api: Api, user: str, login: str) -> FrappeClient:
    if login == "password":
        return FrappeClient(api.base_url, user, PASSWORD)
    with api.handle.context():
        key, secret = smooth.get_doc("User", user).generate_api_credentials()
        smooth.db.commit()
    return FrappeClient(api.base_url, api_key=key, api_secret=secret)


@pytest.fixture(params=["password", "api_keys"])
def login(request: pytest.FixtureRequest, api: Api) -> Iterator[str]:
    add_user(api, MANAGER, "System Manager")
    add_user(api, READER, "Test Reader")
    yield str(request.param)


def test_every_call_of_the_client(api: Api, login: str) -> None:
    client = _client(api, MANAGER, login)
    note = client.insert({"doctype": "Test Note", "title": "from the client"})
    assert note["owner"] == MANAGER
    listed = client.get_list("Test Note", fields=["name", "title"], filters={"title": "from the client"})
    assert listed == [{"name": note["name"], "title": "from the client"}]
    assert client.get_doc("Test Note", note["name"])["title"] == "from the client"
    assert client.update({"doctype": "Test Note", "name": note["name"], "title": "updated"})["title"] == "updated"
    assert client.get_value("Test Note", "title", {"name": note["name"]}) == {"title": "updated"}
    client.set_value("Test Note", note["name"], "title", "set")
    assert stored(api, "Test Note", note["name"], "title") == "set"
    draft = client.insert({"doctype": "Test Submittable", "title": "to submit"})
    assert client.submit(draft)["docstatus"] == 1
    assert client.cancel("Test Submittable", draft["name"])["docstatus"] == 2
    client.delete("Test Note", note["name"])
    assert client.get_list("Test Note") == []
    assert client.get_api(f"{METHODS}.echo", {"a": "1"}) == {"a": "1", "b": None}
    assert client.post_api(f"{METHODS}.post_only", {"value": "v"}) == "posted v"
    if login == "password":
        client.logout()
        with pytest.raises(FrappeException):
            client.get_list("Test Note")


def test_a_refused_write_raises(api: Api, login: str) -> None:
    manager, reader = _client(api, MANAGER, login), _client(api, READER, login)
    with pytest.raises(FrappeException, match="MandatoryError"):
        manager.insert({"doctype": "Test Submittable"})
    with pytest.raises(FrappeException, match="PermissionError"):
        reader.insert({"doctype": "Test Note", "title": "not allowed"})
    name = manager.insert({"doctype": "Test Note", "title": "kept"})["name"]
    with pytest.raises(FrappeException, match="PermissionError"):
        reader.set_value("Test Note", name, "title", "changed")
    with pytest.raises(FrappeException, match="PermissionError"):
        reader.delete("Test Note", name)
    assert stored(api, "Test Note", name, "title") == "kept"
