"""frappe.client.* (and the same functions as smooth.client.*) over HTTP."""

from __future__ import annotations

import json

import pytest

from tests.api.helpers import Api, add_user, insert, stored

PREFIXES = ["frappe.client", "smooth.client"]


@pytest.fixture(params=PREFIXES)
def prefix(request: pytest.FixtureRequest) -> str:
    return request.param


def test_get_list(api: Api, prefix: str) -> None:
    insert(api, {"doctype": "Test Note", "title": "A", "priority": 1})
    insert(api, {"doctype": "Test Note", "title": "B", "priority": 2})
    response = api.call(f"{prefix}.get_list", doctype="Test Note", fields=["title"], filters={"priority": [">", 1]})
    assert response.json() == {"message": [{"title": "B"}]}
    response = api.call(f"{prefix}.get_list", "POST", doctype="Test Note", fields=["title"], order_by="title asc",
                        limit_page_length=1)
    assert response.json() == {"message": [{"title": "A"}]}


def test_get_count(api: Api, prefix: str) -> None:
    for title in ("A", "B", "C"):
        insert(api, {"doctype": "Test Note", "title": title, "status": "Closed" if title == "C" else "Open"})
    assert api.call(f"{prefix}.get_count", doctype="Test Note").json() == {"message": 3}
    assert api.call(f"{prefix}.get_count", doctype="Test Note", filters={"status": "Open"}).json() == {"message": 2}


def test_get_by_name_and_by_filters(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Whole", "tags": [{"tag": "t1"}]})
    doc = api.call(f"{prefix}.get", doctype="Test Note", name=name).json()["message"]
    assert doc["title"] == "Whole" and [t["tag"] for t in doc["tags"]] == ["t1"]
    assert "due_date" in doc  # frappe.client.get returns as_dict() with nulls
    by_filters = api.call(f"{prefix}.get", doctype="Test Note", filters={"title": "Whole"}).json()["message"]
    assert by_filters["name"] == name
    missing = api.call(f"{prefix}.get", doctype="Test Note", filters={"title": "Nope"})
    assert missing.status_code == 404


def test_get_value_shapes(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Valued", "priority": 7})
    assert api.call(f"{prefix}.get_value", doctype="Test Note", fieldname="priority",
                    filters=name).json() == {"message": {"priority": 7}}
    assert api.call(f"{prefix}.get_value", doctype="Test Note", fieldname=["title", "priority"],
                    filters={"name": name}).json() == {"message": {"title": "Valued", "priority": 7}}
    assert api.call(f"{prefix}.get_value", doctype="Test Note", fieldname="priority", filters=name,
                    as_dict=0).json() == {"message": 7}
    assert api.call(f"{prefix}.get_value", doctype="Test Note", fieldname="title",
                    filters={"title": "none"}).json() == {"message": {}}
    assert api.call(f"{prefix}.get_value", doctype="Test Note", fieldname="title", filters={"title": "none"},
                    as_dict=0).json() == {}


def test_get_value_of_a_single(api: Api, prefix: str) -> None:
    api.put("/api/resource/Test Single/Test Single", json={"site_title": "S", "api_token": "s3cr3t-value"})
    assert api.call(f"{prefix}.get_value", doctype="Test Single", fieldname="site_title").json() == {
        "message": {"site_title": "S"}}
    assert "s3cr3t-value" not in api.call(f"{prefix}.get_value", doctype="Test Single", fieldname="api_token").text
    assert api.call(f"{prefix}.get_single_value", doctype="Test Single", field="site_title").json() == {
        "message": "S"}
    unknown = api.call(f"{prefix}.get_value", doctype="Test Single", fieldname="(select 1)")
    assert unknown.status_code == 417 and unknown.json()["exc_type"] == "DataError"


def test_set_value_saves_through_the_document(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Set"})
    response = api.call(f"{prefix}.set_value", "POST", doctype="Test Note", name=name, fieldname="priority", value=5)
    assert response.status_code == 200 and response.json()["message"]["priority"] == 5
    response = api.call(f"{prefix}.set_value", "POST", doctype="Test Note", name=name,
                        fieldname=json.dumps({"title": "Set twice", "status": "Closed"}))
    assert response.json()["message"]["title"] == "Set twice"
    assert stored(api, "Test Note", name, "status") == "Closed"


def test_set_value_refuses_standard_fields_and_runs_validation(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Std"})
    response = api.call(f"{prefix}.set_value", "POST", doctype="Test Note", name=name, fieldname="owner", value="x")
    assert response.status_code == 417 and "Cannot edit standard fields" in response.json()["exception"]
    response = api.call(f"{prefix}.set_value", "POST", doctype="Test Note", name=name, fieldname="title", value="")
    assert response.status_code == 417 and response.json()["exc_type"] == "MandatoryError"


def test_set_value_is_refused_over_get(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Get"})
    response = api.call(f"{prefix}.set_value", doctype="Test Note", name=name, fieldname="title", value="changed")
    assert response.status_code == 403
    assert stored(api, "Test Note", name, "title") == "Get"


def test_set_value_on_a_child_row_saves_the_parent(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "P", "tags": [{"tag": "old"}]})
    row = api.get(f"/api/resource/Test Note/{name}").json()["data"]["tags"][0]["name"]
    response = api.call(f"{prefix}.set_value", "POST", doctype="Test Note Tag", name=row, fieldname="tag", value="new")
    assert response.status_code == 200
    assert [t["tag"] for t in response.json()["message"]["tags"]] == ["new"]


def test_insert_and_insert_many(api: Api, prefix: str) -> None:
    one = api.call(f"{prefix}.insert", "POST", doc={"doctype": "Test Note", "title": "Ins", "tags": [{"tag": "a"}]})
    assert one.status_code == 200 and one.json()["message"]["tags"][0]["tag"] == "a"
    many = api.call(f"{prefix}.insert_many", "POST", docs=json.dumps(
        [{"doctype": "Test Category", "category_name": "M1"}, {"doctype": "Test Category", "category_name": "M2"}]))
    assert many.json() == {"message": ["M1", "M2"]}
    too_many = api.call(f"{prefix}.insert_many", "POST",
                        docs=[{"doctype": "Test Category", "category_name": f"X{i}"} for i in range(201)])
    assert too_many.status_code == 417 and "200" in too_many.json()["exception"]
    assert stored(api, "Test Category", "X0") is None


def test_insert_many_is_all_or_nothing(api: Api, prefix: str) -> None:
    response = api.call(f"{prefix}.insert_many", "POST", docs=[
        {"doctype": "Test Category", "category_name": "Good"}, {"doctype": "Test Note", "priority": 1}])
    assert response.status_code == 417
    assert stored(api, "Test Category", "Good") is None


def test_insert_of_a_child_row_appends_it_to_its_parent(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Parent"})
    response = api.call(f"{prefix}.insert", "POST", doc={"doctype": "Test Note Tag", "parent": name,
                                                         "parenttype": "Test Note", "parentfield": "tags",
                                                         "tag": "appended"})
    assert response.status_code == 200
    assert [t["tag"] for t in api.get(f"/api/resource/Test Note/{name}").json()["data"]["tags"]] == ["appended"]


def test_save_with_modified_is_optimistic(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Save"})
    doc = api.call(f"{prefix}.get", doctype="Test Note", name=name).json()["message"]
    saved = api.call(f"{prefix}.save", "POST", doc={**doc, "title": "Saved"})
    assert saved.status_code == 200 and saved.json()["message"]["title"] == "Saved"
    stale = api.call(f"{prefix}.save", "POST", doc={**doc, "title": "Stale"})
    assert stale.status_code == 417 and stale.json()["exc_type"] == "TimestampMismatchError"


def test_delete(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Del"})
    assert api.call(f"{prefix}.delete", "GET", doctype="Test Note", name=name).status_code == 403
    response = api.call(f"{prefix}.delete", "POST", doctype="Test Note", name=name)
    assert response.status_code == 200 and response.json() == {}
    assert stored(api, "Test Note", name) is None
    assert api.call(f"{prefix}.delete", "DELETE", doctype="Test Note", name=name).status_code == 404


def test_submit_and_cancel(api: Api, prefix: str) -> None:
    name = insert(api, {"doctype": "Test Submittable", "title": "Sub"})
    doc = api.call(f"{prefix}.get", doctype="Test Submittable", name=name).json()["message"]
    submitted = api.call(f"{prefix}.submit", "POST", doc=doc)
    assert submitted.status_code == 200 and submitted.json()["message"]["docstatus"] == 1
    cancelled = api.call(f"{prefix}.cancel", "POST", doctype="Test Submittable", name=name)
    assert cancelled.status_code == 200 and cancelled.json()["message"]["docstatus"] == 2
    again = api.call(f"{prefix}.cancel", "POST", doctype="Test Submittable", name=name)
    assert again.status_code == 417 and again.json()["exc_type"] == "DocstatusTransitionError"


def test_rename_doc_is_refused_for_a_doctype_without_allow_rename(api: Api, prefix: str) -> None:
    insert(api, {"doctype": "Test Category", "category_name": "Old"})
    response = api.call(f"{prefix}.rename_doc", "POST", doctype="Test Category", old_name="Old", new_name="New")
    assert response.status_code == 417 and "Test Category does not allow renaming" in response.json()["exception"]
    assert stored(api, "Test Category", "Old") == "Old"


def test_rename_doc_renames_and_repoints_links(api: Api, prefix: str) -> None:
    insert(api, {"doctype": "Test Renamable", "name": "old-name"})
    insert(api, {"doctype": "Test Renamable", "name": "pointer", "parent_item": "old-name"})
    response = api.call(f"{prefix}.rename_doc", "POST", doctype="Test Renamable", old_name="old-name",
                        new_name="new-name")
    assert response.status_code == 200 and response.json() == {"message": "new-name"}
    assert stored(api, "Test Renamable", "new-name") == "new-name"
    assert stored(api, "Test Renamable", "pointer", "parent_item") == "new-name"


def test_rename_doc_to_a_taken_name_is_409(api: Api, prefix: str) -> None:
    insert(api, {"doctype": "Test Renamable", "name": "one"})
    insert(api, {"doctype": "Test Renamable", "name": "two"})
    response = api.call(f"{prefix}.rename_doc", "POST", doctype="Test Renamable", old_name="one", new_name="two")
    assert response.status_code == 409 and response.json()["exc_type"] == "DuplicateEntryError"


def test_writes_obey_docperms(api: Api, prefix: str) -> None:
    add_user(api, "reader@example.com", "Test Reader")
    name = insert(api, {"doctype": "Test Note", "title": "Read only"})
    response = api.call(f"{prefix}.set_value", "POST", user="reader@example.com", doctype="Test Note", name=name,
                        fieldname="title", value="hacked")
    assert response.status_code == 403
    response = api.call(f"{prefix}.insert", "POST", user="reader@example.com",
                        doc={"doctype": "Test Note", "title": "new"})
    assert response.status_code == 403
    response = api.call(f"{prefix}.delete", "POST", user="reader@example.com", doctype="Test Note", name=name)
    assert response.status_code == 403
    assert stored(api, "Test Note", name, "title") == "Read only"
