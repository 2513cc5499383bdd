"""/api/resource CRUD over HTTP: create, read, update, delete, with child tables."""

from __future__ import annotations

import json

from tests.api.helpers import Api, add_user, insert, stored


def test_post_creates_a_document_with_child_rows_and_returns_it(api: Api) -> None:
    response = api.post("/api/resource/Test Note", json={
        "title": "First", "priority": 3, "amount": "10.50", "due_date": "2026-03-01",
        "happened_at": "2026-03-01 09:30:00", "tags": [{"tag": "red", "weight": 2}, {"tag": "blue"}]})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["doctype"] == "Test Note" and data["name"].startswith("NOTE-")
    assert data["owner"] == "Administrator" and data["docstatus"] == 0
    assert data["amount"] == 10.5 and data["due_date"] == "2026-03-01"
    assert data["happened_at"] == "2026-03-01 09:30:00"
    assert [(t["tag"], t["idx"], t["parent"]) for t in data["tags"]] == [("red", 1, data["name"]),
                                                                         ("blue", 2, data["name"])]
    assert stored(api, "Test Note", data["name"], "title") == "First"


def test_get_returns_the_document_with_child_tables_and_without_nulls(api: Api) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Read me", "tags": [{"tag": "x"}]})
    response = api.get(f"/api/resource/Test Note/{name}")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == name and data["title"] == "Read me"
    assert [t["tag"] for t in data["tags"]] == ["x"]
    assert "due_date" not in data  # Frappe drops null values from a document response


def test_put_updates_fields_and_replaces_child_rows(api: Api) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Old", "tags": [{"tag": "keep"}, {"tag": "drop"}]})
    current = api.get(f"/api/resource/Test Note/{name}").json()["data"]
    keep = current["tags"][0]
    response = api.put(f"/api/resource/Test Note/{name}", json={
        "title": "New", "tags": [{"name": keep["name"], "tag": "kept"}, {"tag": "added"}]})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["title"] == "New"
    assert [(t["tag"], t["name"] == keep["name"]) for t in data["tags"]] == [("kept", True), ("added", False)]
    again = api.get(f"/api/resource/Test Note/{name}").json()["data"]
    assert [t["tag"] for t in again["tags"]] == ["kept", "added"]


def test_put_with_a_stale_modified_is_refused_with_417(api: Api) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Race"})
    loaded = api.get(f"/api/resource/Test Note/{name}").json()["data"]
    assert api.put(f"/api/resource/Test Note/{name}", json={"title": "First writer"}).status_code == 200
    response = api.put(f"/api/resource/Test Note/{name}", json={"title": "Second", "modified": loaded["modified"]})
    assert response.status_code == 417
    assert response.json()["exc_type"] == "TimestampMismatchError"
    assert "modified after you opened it" in response.json()["exception"]
    assert stored(api, "Test Note", name, "title") == "First writer"


def test_put_with_the_current_modified_saves(api: Api) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Fresh"})
    loaded = api.get(f"/api/resource/Test Note/{name}").json()["data"]
    response = api.put(f"/api/resource/Test Note/{name}", json={"title": "Fresh 2", "modified": loaded["modified"]})
    assert response.status_code == 200 and response.json()["data"]["title"] == "Fresh 2"


def test_delete_answers_202_ok_and_removes_the_document(api: Api) -> None:
    name = insert(api, {"doctype": "Test Note", "title": "Bye", "tags": [{"tag": "t"}]})
    response = api.delete(f"/api/resource/Test Note/{name}")
    assert response.status_code == 202
    assert response.json() == {"data": "ok"}
    assert stored(api, "Test Note", name) is None
    assert api.get(f"/api/resource/Test Note/{name}").status_code == 404


def test_delete_of_a_missing_document_is_404(api: Api) -> None:
    response = api.delete("/api/resource/Test Note/NOTE-1999-99999")
    assert response.status_code == 404
    assert response.json()["exc_type"] == "DoesNotExistError"


def test_post_accepts_a_form_with_a_json_data_field(api: Api) -> None:
    response = api.post("/api/resource/Test Category",
                        data={"data": json.dumps({"category_name": "Formed", "description": "via form"})})
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Formed"
    assert stored(api, "Test Category", "Formed", "description") == "via form"


def test_post_accepts_plain_form_fields(api: Api) -> None:
    response = api.post("/api/resource/Test Category", data={"category_name": "Plain", "description": "d"})
    assert response.status_code == 200 and response.json()["data"]["name"] == "Plain"


def test_trailing_slash_and_v1_prefix_reach_the_same_endpoint(api: Api) -> None:
    insert(api, {"doctype": "Test Category", "category_name": "Slash"})
    assert api.get("/api/resource/Test Category/").json()["data"] == [{"name": "Slash"}]
    assert api.get("/api/v1/resource/Test Category").json()["data"] == [{"name": "Slash"}]
    assert api.get("/api/v1/resource/Test Category/Slash/").json()["data"]["name"] == "Slash"


def test_a_name_with_an_encoded_slash_is_one_path_segment(api: Api) -> None:
    insert(api, {"doctype": "Test Category", "category_name": "A/B"})
    response = api.get("/api/resource/Test Category/A%2FB")
    assert response.status_code == 200 and response.json()["data"]["name"] == "A/B"


def test_password_fields_are_never_returned(api: Api) -> None:
    response = api.post("/api/resource/Test Note", json={"title": "Secretive", "secret": "hunter2"})
    name = response.json()["data"]["name"]
    assert "hunter2" not in response.text
    assert "hunter2" not in api.get(f"/api/resource/Test Note/{name}").text
    assert "hunter2" not in api.list("Test Note", fields=["*"]).text
    assert "hunter2" not in api.list("Test Note", fields=["secret"]).text


def test_server_set_columns_in_a_body_are_ignored(api: Api) -> None:
    add_user(api, "writer@example.com", "Test Writer")
    response = api.post("/api/resource/Test Note", user="writer@example.com", json={
        "title": "Mine", "owner": "someone@example.com", "creation": "2000-01-01 00:00:00",
        "modified_by": "someone@example.com"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["owner"] == "writer@example.com" and data["modified_by"] == "writer@example.com"
    assert not data["creation"].startswith("2000")
    put = api.put(f"/api/resource/Test Note/{data['name']}", user="writer@example.com",
                  json={"owner": "someone@example.com", "title": "Still mine"})
    assert put.status_code == 200 and put.json()["data"]["owner"] == "writer@example.com"


def test_unknown_keys_cannot_shadow_controller_methods(api: Api) -> None:
    response = api.post("/api/resource/Test Hooked", json={"title": "h", "validate": 1, "insert": 1,
                                                           "fail_in": "validate"})
    assert response.status_code == 417  # the controller's validate still ran (and failed as asked)
    assert "failing in validate as asked" in response.json()["exception"]


def test_put_cannot_move_another_documents_child_row(api: Api) -> None:
    victim = insert(api, {"doctype": "Test Note", "title": "Victim", "tags": [{"tag": "precious"}]})
    row = api.get(f"/api/resource/Test Note/{victim}").json()["data"]["tags"][0]["name"]
    thief = insert(api, {"doctype": "Test Note", "title": "Thief"})
    response = api.put(f"/api/resource/Test Note/{thief}", json={"tags": [{"name": row, "tag": "mine now"}]})
    assert response.status_code == 200
    assert [t["tag"] for t in api.get(f"/api/resource/Test Note/{victim}").json()["data"]["tags"]] == ["precious"]
    assert [t["tag"] for t in response.json()["data"]["tags"]] == ["mine now"]
    assert response.json()["data"]["tags"][0]["name"] != row


def test_single_doctype_reads_and_updates_by_its_own_name(api: Api) -> None:
    put = api.put("/api/resource/Test Single/Test Single", json={"site_title": "Hello", "max_items": 4})
    assert put.status_code == 200
    data = api.get("/api/resource/Test Single/Test Single").json()["data"]
    assert data["site_title"] == "Hello" and data["max_items"] == 4


def test_submittable_post_with_docstatus_1_submits(api: Api) -> None:
    response = api.post("/api/resource/Test Submittable", json={"title": "Go", "docstatus": 1})
    assert response.status_code == 200 and response.json()["data"]["docstatus"] == 1


def test_post_with_docstatus_1_needs_the_submit_right(api: Api) -> None:
    add_user(api, "creator@example.com", "Test Creator")
    response = api.post("/api/resource/Test Note", user="creator@example.com", json={"title": "x", "docstatus": 1})
    assert response.status_code == 403
    assert "may not submit" in response.json()["exception"]
