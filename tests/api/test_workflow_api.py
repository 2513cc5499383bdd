"""Workflows over REST: PUT cannot jump states or edit outside allow_edit; frappe.model.workflow.*
offer and take transitions; two users acting at once on one document: one wins, one is told why."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

import smooth
from tests.api.helpers import Api, add_user, stored
from tests.core.test_workflow import BOSS, CLERK, DOCTYPE, OTHER_BOSS, make_workflow


@pytest.fixture
def expense(api: Api) -> str:
    add_user(api, CLERK, "Test Creator")
    add_user(api, BOSS, "Test Evaluator")
    add_user(api, OTHER_BOSS, "Test Evaluator")
    with api.handle.context():
        make_workflow()
        smooth.db.commit()
    response = api.post(f"/api/resource/{DOCTYPE}", user=CLERK, json={"title": "Hotel", "amount": 300})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["workflow_state"] == "Draft"
    return str(response.json()["data"]["name"])


def test_put_cannot_jump_states(api: Api, expense: str) -> None:
    response = api.put(f"/api/resource/{DOCTYPE}/{expense}", user=BOSS, json={"workflow_state": "Paid"})
    assert response.status_code == 417, response.text
    assert response.json()["exc_type"] == "WorkflowTransitionError"
    assert "from Draft to Paid is not a workflow action from Draft" in response.text
    response = api.put(f"/api/resource/{DOCTYPE}/{expense}", user=CLERK, json={"workflow_state": "Approved"})
    assert response.status_code == 403 and "needs the role Test Evaluator" in response.text
    assert stored(api, DOCTYPE, expense, "workflow_state") == "Draft"


def test_allow_edit_over_rest(api: Api, expense: str) -> None:
    response = api.put(f"/api/resource/{DOCTYPE}/{expense}", user=BOSS, json={"note": "mine now"})
    assert response.status_code == 403
    assert "in the state Draft, only Test Creator may edit" in response.json()["exception"]
    response = api.put(f"/api/resource/{DOCTYPE}/{expense}", user=CLERK, json={"note": "receipt attached"})
    assert response.status_code == 200 and stored(api, DOCTYPE, expense, "note") == "receipt attached"


def test_get_transitions_and_apply_workflow(api: Api, expense: str) -> None:
    doc = {"doctype": DOCTYPE, "name": expense}
    offered = api.call("frappe.model.workflow.get_transitions", user=BOSS, doc=doc).json()["message"]
    assert [t["action"] for t in offered] == ["Approve", "Reject"]
    assert api.call("frappe.model.workflow.get_transitions", user=CLERK, doc=doc).json()["message"] == []
    response = api.call("frappe.model.workflow.apply_workflow", http="POST", user=BOSS,
                        doc=json.dumps(doc), action="Approve")
    assert response.status_code == 200, response.text
    body = response.json()["message"]
    assert (body["workflow_state"], body["docstatus"], body["approval_status"]) == ("Approved", 1, "approved")
    response = api.call("smooth.model.workflow.apply_workflow", http="POST", user=BOSS, doc=doc, action="Approve")
    assert response.status_code == 417 and "'Approve' is not a workflow action from Approved" in response.text


def test_concurrent_actions_one_wins(api: Api, expense: str) -> None:
    modified = api.get(f"/api/resource/{DOCTYPE}/{expense}").json()["data"]["modified"]
    doc = {"doctype": DOCTYPE, "name": expense, "modified": modified}
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def act(user: str, action: str) -> None:
        barrier.wait()
        results[user] = api.call("frappe.model.workflow.apply_workflow", http="POST", user=user, doc=doc,
                                 action=action)

    threads = [threading.Thread(target=act, args=(BOSS, "Approve")),
               threading.Thread(target=act, args=(OTHER_BOSS, "Reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes[0] == 200 and codes[1] != 200, [r.text for r in results.values()]
    loser = next(r for r in results.values() if r.status_code != 200)
    assert "while you were looking at it; reload it" in loser.json()["exception"]
    winner = next(user for user, r in results.items() if r.status_code == 200)
    assert stored(api, DOCTYPE, expense, "workflow_state") == ("Approved" if winner == BOSS else "Rejected")
    with api.handle.context():
        steps = [json.loads(v)["workflow"] for v in smooth.get_all("Version", filters={"docname": expense},
                                                                    pluck="data") if "workflow" in json.loads(v)]
    assert len(steps) == 1 and steps[0]["user"] == winner
