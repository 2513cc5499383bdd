"""A write the database stops to break a deadlock runs once more, from its arguments as they came.

InnoDB rolls one of two deadlocked transactions back whole and expects the application to run it again;
a request that locked rows in the other order than its neighbour should answer 200, not 503, and its
answer should carry only what the run that committed did.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from starlette.datastructures import UploadFile

import smooth
from smooth.api.body import form_copy
from tests.api import whitelisted
from tests.api.helpers import USER_HEADER, Api

CROSS_LOCK = "/api/method/tests.api.whitelisted.cross_lock"


@pytest.mark.mariadb  # SQLite has one writer: its writes queue and never deadlock
@pytest.mark.parametrize("api_server", ["mariadb"], indirect=True)
def test_two_writes_locking_a_pair_in_opposite_orders_both_commit(api: Api) -> None:
    for name in ("north", "south"):
        assert api.post("/api/resource/Test Category", json={"category_name": name}).status_code == 200
    whitelisted.cross_lock_attempts.clear()
    whitelisted.CROSSING.reset()

    def call(pair: tuple[str, str]) -> httpx.Response:
        with httpx.Client(base_url=api.base_url, timeout=60) as http:
            return http.post(CROSS_LOCK, json={"first": pair[0], "second": pair[1]},
                             headers={USER_HEADER: "Administrator"})

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(call, [("north", "south"), ("south", "north")]))

    assert [r.status_code for r in responses] == [200, 200], [r.text[:300] for r in responses]
    assert [r.json()["message"] for r in responses] == ["north", "south"]
    assert sorted(whitelisted.cross_lock_attempts.values()) == [1, 2]  # one of them was stopped and ran again
    for response, name in zip(responses, ("north", "south"), strict=True):
        messages = response.json()["_server_messages"]
        assert messages.count(f"locking {name}") == 1, messages  # the stopped run's message went with it
        assert response.headers.get_list("set-cookie") == [f"crossed={name}; Path=/; SameSite=lax"]
    with api.handle.context():
        stored = smooth.get_all("Test Category", filters={"name": ["in", ["north", "south"]]},
                                fields=["name", "description"], order_by="name asc")
    assert stored == [{"name": "north", "description": "locked south;"},
                      {"name": "south", "description": "locked north;"}]  # the stopped run wrote nothing


def test_a_run_again_starts_from_the_arguments_as_they_came() -> None:
    upload = UploadFile(io.BytesIO(b"%PDF-1.4 checklist"), filename="checklist.pdf")
    came = {"doc": {"title": "t", "rows": [{"idx": 1}]}, "file": upload}
    first = form_copy(came)
    first["doc"]["rows"].append({"idx": 2})  # what a handler may do to its arguments
    first["doc"]["title"] = "changed"
    assert first["file"].file.read() == b"%PDF-1.4 checklist"

    again = form_copy(came)
    assert again["doc"] == {"title": "t", "rows": [{"idx": 1}]}
    assert again["file"] is upload and again["file"].file.read() == b"%PDF-1.4 checklist"  # rewound
