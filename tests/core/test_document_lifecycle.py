"""Document lifecycle: hook order, the document API (get_doc, new_doc, insert, save, submit, cancel,
delete, reload, db_set) and the docstatus rules, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.exceptions import UpdateAfterSubmitError


def calls() -> list[str]:
    """Events recorded by Test Hooked (the test app is importable once a site is bound)."""
    from smooth_tests.events import CALLS

    return CALLS


def hooked(**values):  # type: ignore[no-untyped-def]
    return smooth.get_doc({"doctype": "Test Hooked", "title": "Hooked", **values})


def both(*events: str) -> list[str]:
    """Each event as recorded: the controller method, then the hooks.py doc_event handler."""
    out: list[str] = []
    for event in events:
        out.append(event)
        if event != "before_naming":  # hooks.py registers no before_naming handler
            out.append(f"hook:{event}")
    return out


def note(**values):  # type: ignore[no-untyped-def]
    return smooth.get_doc({"doctype": "Test Note", "title": "A note", **values})


# -- hook order ---------------------------------------------------------------------------------


def test_insert_runs_hooks_in_frappe_order(ctx):
    hooked().insert()
    assert calls() == both("before_insert", "before_naming", "before_validate", "validate", "before_save",
                         "after_insert", "on_update", "on_change")


def test_save_runs_validate_then_update_hooks(ctx):
    doc = hooked().insert()
    calls().clear()
    doc.title = "Changed"
    doc.save()
    assert calls() == both("before_validate", "validate", "before_save", "on_update", "on_change")


def test_submit_runs_submit_hooks_and_no_before_save(ctx):
    doc = hooked().insert()
    calls().clear()
    doc.submit()
    assert calls() == both("before_validate", "validate", "before_submit", "on_update", "on_submit", "on_change")
    assert "before_save" not in calls()


def test_cancel_runs_only_cancel_hooks(ctx):
    doc = hooked().insert()
    doc.submit()
    calls().clear()
    doc.cancel()
    assert calls() == both("before_cancel", "on_cancel", "on_change")


def test_delete_runs_on_trash_then_after_delete(ctx):
    doc = hooked().insert()
    calls().clear()
    smooth.delete_doc("Test Hooked", doc.name)
    assert calls() == both("on_trash", "after_delete")
    assert not smooth.db.exists("Test Hooked", doc.name)


def test_insert_as_submitted_runs_before_submit_and_on_submit(ctx):
    doc = hooked(docstatus=1).insert()
    assert calls() == both("before_insert", "before_naming", "before_validate", "validate", "before_submit",
                         "after_insert", "on_update", "on_submit", "on_change")
    assert smooth.db.get_value("Test Hooked", doc.name, "docstatus") == 1


def test_failing_validate_stops_the_insert_before_the_database(ctx):
    with pytest.raises(smooth.ValidationError, match="failing in validate"):
        hooked(fail_in="validate").insert()
    assert "before_save" not in calls()
    assert smooth.db.count("Test Hooked") == 0


# -- get_doc / new_doc ----------------------------------------------------------------------------


def test_get_doc_with_a_dict_builds_an_unsaved_document(ctx):
    doc = smooth.get_doc({"doctype": "Test Note", "title": "Draft", "priority": 2})
    assert doc.doctype == "Test Note"
    assert doc.title == "Draft"
    assert doc.is_new()
    assert doc.name is None
    assert smooth.db.count("Test Note") == 0


def test_get_doc_by_name_loads_the_stored_record(ctx):
    name = note(title="Stored", priority=4).insert().name
    loaded = smooth.get_doc("Test Note", name)
    assert (loaded.name, loaded.title, loaded.priority) == (name, "Stored", 4)
    assert not loaded.is_new()
    assert loaded.owner == "Administrator"
    assert isinstance(loaded.creation, dt.datetime)


def test_get_doc_for_a_missing_name_raises_does_not_exist(ctx):
    with pytest.raises(smooth.DoesNotExistError, match="Test Note NOTE-missing not found") as info:
        smooth.get_doc("Test Note", "NOTE-missing")
    assert info.value.http_status_code == 404


def test_new_doc_fills_field_defaults(ctx):
    doc = smooth.new_doc("Test Defaults")
    assert doc.title == "Untitled"
    assert doc.kind is None  # first Select option is blank
    assert doc.level == 7
    assert doc.flagged == 0
    assert doc.active == 1
    assert doc.on_date == smooth.today()
    assert isinstance(doc.at_time, dt.datetime)
    assert doc.owner_email == "Administrator"
    assert doc.rate == 2.5


def test_new_doc_picks_the_first_select_option_and_unchecked_checks(ctx):
    doc = smooth.new_doc("Test Note")
    assert doc.status == "Open"
    assert doc.is_done == 0
    assert doc.priority is None


def test_new_doc_keeps_values_passed_in(ctx):
    doc = smooth.new_doc("Test Note", status="Closed", is_done=1)
    assert (doc.status, doc.is_done) == ("Closed", 1)


def test_insert_fills_defaults_too(ctx):
    name = smooth.get_doc({"doctype": "Test Defaults"}).insert().name
    stored = smooth.db.get_value("Test Defaults", name, ["title", "level", "active", "on_date"], as_dict=True)
    assert stored == {"title": "Untitled", "level": 7, "active": 1, "on_date": smooth.today()}


# -- insert / save / submit / cancel / delete ------------------------------------------------------


def test_insert_stores_standard_columns(ctx):
    doc = note().insert()
    row = smooth.db.get_value("Test Note", doc.name, ["owner", "modified_by", "docstatus", "creation", "modified"],
                              as_dict=True)
    assert row["owner"] == row["modified_by"] == "Administrator"
    assert row["docstatus"] == 0
    assert row["creation"] == row["modified"]


def test_save_persists_changes_and_moves_modified(ctx):
    doc = note(priority=1).insert()
    first_modified = doc.modified
    doc.priority = 9
    doc.save()
    assert smooth.db.get_value("Test Note", doc.name, "priority") == 9
    assert doc.modified >= first_modified
    assert smooth.db.get_value("Test Note", doc.name, "modified") == doc.modified


def test_saving_the_same_object_twice_works(ctx):
    doc = note().insert()
    doc.title = "one"
    doc.save()
    doc.title = "two"
    doc.save()
    assert smooth.db.get_value("Test Note", doc.name, "title") == "two"


def test_save_on_a_new_document_inserts_it(ctx):
    doc = note().save()
    assert smooth.db.exists("Test Note", doc.name)


def test_submit_and_cancel_set_docstatus(ctx):
    doc = smooth.get_doc({"doctype": "Test Submittable", "title": "S"}).insert()
    doc.submit()
    assert smooth.db.get_value("Test Submittable", doc.name, "docstatus") == 1
    doc.cancel()
    assert smooth.db.get_value("Test Submittable", doc.name, "docstatus") == 2


def test_delete_doc_removes_the_row_and_its_children(ctx):
    doc = note(tags=[{"tag": "a"}, {"tag": "b"}]).insert()
    smooth.delete_doc("Test Note", doc.name)
    assert not smooth.db.exists("Test Note", doc.name)
    assert smooth.db.count("Test Note Tag", {"parent": doc.name}) == 0


def test_delete_doc_of_a_missing_record_is_quiet_unless_asked(ctx):
    smooth.delete_doc("Test Note", "NOTE-nope")
    with pytest.raises(smooth.DoesNotExistError):
        smooth.delete_doc("Test Note", "NOTE-nope", ignore_missing=False)


def test_delete_is_refused_while_another_record_links_to_it(ctx):
    smooth.get_doc({"doctype": "Test Category", "category_name": "Linked"}).insert()
    note_name = note(category="Linked").insert().name
    with pytest.raises(smooth.LinkExistsError, match=f"Test Category Linked is linked with Test Note {note_name}"):
        smooth.delete_doc("Test Category", "Linked")
    assert smooth.db.exists("Test Category", "Linked")


def test_reload_discards_unsaved_changes(ctx):
    doc = note(title="Saved", tags=[{"tag": "x"}]).insert()
    doc.title = "Unsaved"
    doc.append("tags", {"tag": "y"})
    doc.reload()
    assert doc.title == "Saved"
    assert [t.tag for t in doc.tags] == ["x"]


def test_reload_picks_up_changes_made_elsewhere(ctx):
    doc = note(title="Before").insert()
    smooth.db.set_value("Test Note", doc.name, "title", "After")
    doc.reload()
    assert doc.title == "After"
    doc.priority = 3
    doc.save()  # reload also refreshed `modified`, so this is not a stale save
    assert smooth.db.get_value("Test Note", doc.name, ["title", "priority"]) == ("After", 3)


def test_db_set_writes_without_validation(ctx):
    doc = note().insert()
    doc.db_set("status", "Not An Option")
    assert smooth.db.get_value("Test Note", doc.name, "status") == "Not An Option"


def test_db_set_updates_modified_and_the_object_can_still_be_saved(ctx):
    doc = note().insert()
    before = smooth.db.get_value("Test Note", doc.name, "modified")
    doc.db_set("priority", 5)
    stored = smooth.db.get_value("Test Note", doc.name, ["priority", "modified"], as_dict=True)
    assert stored["priority"] == 5
    assert stored["modified"] >= before
    assert stored["modified"] == doc.modified
    doc.title = "Saved after db_set"
    doc.save()
    assert smooth.db.get_value("Test Note", doc.name, ["title", "priority"]) == ("Saved after db_set", 5)


def test_db_set_without_update_modified_keeps_modified(ctx):
    doc = note().insert()
    before = smooth.db.get_value("Test Note", doc.name, "modified")
    doc.db_set("priority", 6, update_modified=False)
    assert smooth.db.get_value("Test Note", doc.name, "modified") == before
    doc.title = "still saveable"
    doc.save()


# -- docstatus rules ------------------------------------------------------------------------------


def submitted(**values):  # type: ignore[no-untyped-def]
    doc = smooth.get_doc({"doctype": "Test Submittable", "title": "Sub", **values}).insert()
    return doc.submit()


def test_submitted_document_refuses_edits_of_normal_fields(ctx):
    doc = submitted()
    doc.title = "Changed after submit"
    with pytest.raises(UpdateAfterSubmitError, match="Not allowed to change Title after submission"):
        doc.save()
    assert smooth.db.get_value("Test Submittable", doc.name, "title") == "Sub"


def test_submitted_document_allows_allow_on_submit_fields(ctx):
    doc = submitted()
    doc.remark = "noted later"
    doc.save()
    assert smooth.db.get_value("Test Submittable", doc.name, ["remark", "docstatus"]) == ("noted later", 1)


def test_submitted_document_refuses_child_row_edits(ctx):
    doc = submitted(rows=[{"tag": "a"}])
    doc.rows[0].tag = "b"
    with pytest.raises(UpdateAfterSubmitError, match="Row #1 in Rows: Not allowed to change Tag"):
        doc.save()


def test_cancelled_document_cannot_be_saved(ctx):
    doc = submitted()
    doc.cancel()
    doc.remark = "too late"
    with pytest.raises(smooth.DocstatusTransitionError, match="Cannot edit cancelled Test Submittable"):
        doc.save()


def test_submitted_document_cannot_go_back_to_draft(ctx):
    doc = submitted()
    doc.docstatus = 0
    with pytest.raises(smooth.DocstatusTransitionError, match="from Submitted to Draft"):
        doc.save()


def test_draft_cannot_be_cancelled(ctx):
    doc = smooth.get_doc({"doctype": "Test Submittable", "title": "Draft"}).insert()
    with pytest.raises(smooth.DocstatusTransitionError, match="from Draft to Cancelled"):
        doc.cancel()
    assert smooth.db.get_value("Test Submittable", doc.name, "docstatus") == 0


def test_new_document_cannot_be_inserted_cancelled(ctx):
    with pytest.raises(smooth.DocstatusTransitionError):
        smooth.get_doc({"doctype": "Test Submittable", "title": "X", "docstatus": 2}).insert()


def test_submitted_document_cannot_be_deleted(ctx):
    doc = submitted()
    with pytest.raises(smooth.ValidationError, match="Cannot delete submitted Test Submittable"):
        smooth.delete_doc("Test Submittable", doc.name)
    assert smooth.db.exists("Test Submittable", doc.name)


def test_cancelled_document_can_be_deleted(ctx):
    doc = submitted()
    doc.cancel()
    smooth.delete_doc("Test Submittable", doc.name)
    assert not smooth.db.exists("Test Submittable", doc.name)


def test_non_submittable_doctype_cannot_be_submitted(ctx):
    doc = note().insert()
    with pytest.raises(smooth.DocstatusTransitionError, match="Test Note is not submittable"):
        doc.submit()
    with pytest.raises(smooth.DocstatusTransitionError, match="Test Note is not submittable"):
        note(docstatus=1).insert()


def test_children_follow_the_parent_docstatus(ctx):
    doc = submitted(rows=[{"tag": "a"}])
    assert smooth.db.get_value("Test Note Tag", {"parent": doc.name}, "docstatus") == 1


def test_submitted_document_refuses_added_and_removed_child_rows(ctx):
    doc = submitted(rows=[{"tag": "a"}])
    doc.append("rows", {"tag": "b"})
    with pytest.raises(UpdateAfterSubmitError, match="Not allowed to add rows to Rows"):
        doc.save()
    doc.reload()
    doc.rows = []
    with pytest.raises(UpdateAfterSubmitError, match="Not allowed to remove rows from Rows"):
        doc.save()
    assert smooth.db.count("Test Note Tag", {"parent": doc.name}) == 1


def test_docstatus_given_as_text_is_understood(ctx):
    doc = smooth.get_doc({"doctype": "Test Submittable", "title": "From a form", "docstatus": "1"}).insert()
    assert doc.docstatus == 1
    assert smooth.db.get_value("Test Submittable", doc.name, "docstatus") == 1
