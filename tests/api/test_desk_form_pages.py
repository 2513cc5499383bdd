"""The desk form over every field type of the test app's doctypes: widgets, uploads, submit, rename.

Served by the API tests' server (its site has the test app), called with the test-user header.
"""

from __future__ import annotations

import re

import smooth
from tests.api.helpers import Api, insert

NOTE = "/app/test-note"


def test_every_field_type_of_test_note_gets_its_widget(api: Api) -> None:
    page = api.get(f"{NOTE}/new").text
    for needle in ('type="date"', 'type="time"', 'type="datetime-local"', 'class="zone"', 'type="password" value=""',
                   'type="file" id="f-attachment" name="attachment__file"', 'accept="image/*"', 'role="tablist"',
                   'class="code"', 'class="rich-source"', 'data-link="Test Category"',
                   'data-dynamic-link="ref_doctype"',
                   'data-grid="tags"', 'class="multiselect"', 'name="is_done" value="0"', 'type="checkbox" value="1"',
                   '<option value="Closed">Closed</option>', 'type="number" step="any"', 'name="summary"'):
        assert needle in page, needle
    assert page.count('role="tab"') == 2


def test_a_new_note_with_an_upload_and_rich_text_is_saved_clean(api: Api) -> None:
    response = api.post(f"{NOTE}/new", data={"title": "Upload", "is_done": "1", "rich": '<p>Hi<script>x()</script></p>',
                                             "happened_at": "2030-01-02T10:30", "tags-0-tag": "red",
                                             "tags-0-weight": "2"},
                        files={"attachment__file": ("notes.txt", b"hello", "text/plain")}, follow_redirects=False)
    assert response.status_code == 303, response.text[:1500]
    name = response.headers["location"].split("/")[-1].split("?")[0]
    with api.handle.context():
        doc = smooth.get_doc("Test Note", name)
        assert doc.rich == "<p>Hi</p>" and doc.is_done == 1 and str(doc.happened_at) == "2030-01-02 10:30:00"
        assert [(t.tag, t.weight) for t in doc.tags] == [("red", 2)]
        assert doc.attachment and doc.attachment.endswith(".txt")
        assert smooth.db.get_value("File", {"file_url": doc.attachment}, "attached_to_name") == name
    page = api.get(f"{NOTE}/{name}").text
    assert "<script>x()</script>" not in page and "&lt;p&gt;Hi&lt;/p&gt;" in page


def test_submit_and_cancel_from_the_form(api: Api) -> None:
    name = insert(api, {"doctype": "Test Submittable", "title": "To submit"})
    page = api.get(f"/app/test-submittable/{name}").text
    assert 'value="submit"' in page and 'value="cancel"' not in page
    modified = re.search(r'name="modified" value="([^"]*)"', page)
    assert modified
    submitted = api.post(f"/app/test-submittable/{name}", data={"action": "submit", "modified": modified.group(1)},
                         follow_redirects=False)
    assert submitted.status_code == 303 and submitted.headers["location"].endswith("?saved=submitted")
    page = api.get(f"/app/test-submittable/{name}").text
    assert "Submitted" in page and "?action=cancel" in page and ' name="title"' not in page  # read only now
    assert 'value="cancel"' in api.get(f"/app/test-submittable/{name}?action=cancel").text  # confirmed first
    cancelled = api.post(f"/app/test-submittable/{name}", data={"action": "cancel"}, follow_redirects=False)
    assert cancelled.status_code == 303
    with api.handle.context():
        assert smooth.db.get_value("Test Submittable", name, "docstatus") == 2
    timeline = api.get(f"/app/test-submittable/{name}/activity").text  # the timeline follows the form
    assert "Document Status: <del>Submitted</del>" in timeline


def test_rename_where_allowed_and_prompt_names_for_new_records(api: Api) -> None:
    created = api.post("/app/test-renamable/new", data={"__newname": "first-name", "title": "T"},
                       follow_redirects=False)
    assert created.status_code == 303, created.text[:1500]
    assert "Rename" in api.get("/app/test-renamable/first-name").text
    asked = api.get("/app/test-renamable/first-name?action=rename").text
    assert 'name="new_name" value="first-name"' in asked
    renamed = api.post("/app/test-renamable/first-name", data={"action": "rename", "new_name": "second-name"},
                       follow_redirects=False)
    assert renamed.status_code == 303 and renamed.headers["location"] == "/app/test-renamable/second-name?saved=renamed"
    taken = insert(api, {"doctype": "Test Renamable", "name": "taken", "title": "x"})
    clash = api.post("/app/test-renamable/second-name", data={"action": "rename", "new_name": taken},
                     follow_redirects=False)
    assert clash.status_code >= 400 and 'value="taken"' in clash.text
    assert "Rename" not in api.get(f"{NOTE}/new").text
