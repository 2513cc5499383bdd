"""Child tables (Table and Table MultiSelect) and Version records of track_changes doctypes."""

from __future__ import annotations

import json

import pytest

import smooth

TABLES = ("tags", "other_tags")


def note(**values):  # type: ignore[no-untyped-def]
    return smooth.get_doc({"doctype": "Test Note", "title": "A note", **values})


def stored_rows(parent: str, parentfield: str) -> list[dict]:
    return smooth.get_all("Test Note Tag", fields=["name", "tag", "weight", "idx", "parent", "parenttype",
                                                   "parentfield"],
                          filters={"parent": parent, "parentfield": parentfield}, order_by="idx asc")


def versions(doctype: str, name: str) -> list[dict]:
    """Version data of a record, oldest first."""
    rows = smooth.get_all("Version", fields=["data", "creation"], filters={"ref_doctype": doctype, "docname": name},
                          order_by="creation asc")
    return [json.loads(r["data"]) for r in rows]


# -- child tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_child_rows_get_parent_links_and_positions(ctx, table):
    doc = note(**{table: [{"tag": "a"}, {"tag": "b"}, {"tag": "c"}]}).insert()
    rows = stored_rows(doc.name, table)
    assert [(r["tag"], r["idx"]) for r in rows] == [("a", 1), ("b", 2), ("c", 3)]
    assert {(r["parent"], r["parenttype"], r["parentfield"]) for r in rows} == {(doc.name, "Test Note", table)}
    child = getattr(doc, table)[0]
    assert (child.parent, child.parenttype, child.parentfield, child.idx) == (doc.name, "Test Note", table, 1)


@pytest.mark.parametrize("table", TABLES)
def test_child_rows_reload_in_idx_order(ctx, table):
    doc = note(**{table: [{"tag": "first"}, {"tag": "second"}, {"tag": "third"}]}).insert()
    names = [r.name for r in getattr(doc, table)]
    smooth.db.set_value("Test Note Tag", names[0], "idx", 3, update_modified=False)
    smooth.db.set_value("Test Note Tag", names[2], "idx", 1, update_modified=False)
    loaded = smooth.get_doc("Test Note", doc.name)
    assert [r.tag for r in getattr(loaded, table)] == ["third", "second", "first"]


@pytest.mark.parametrize("table", TABLES)
def test_save_deletes_removed_updates_edited_and_inserts_added_rows(ctx, table):
    doc = note(**{table: [{"tag": "keep"}, {"tag": "drop"}, {"tag": "edit", "weight": 1}]}).insert()
    keep, drop, edit = getattr(doc, table)
    setattr(doc, table, [keep, edit])
    edit.weight = 5
    doc.append(table, {"tag": "new", "weight": 9})
    doc.save()
    rows = stored_rows(doc.name, table)
    assert [(r["tag"], r["weight"], r["idx"]) for r in rows] == [("keep", None, 1), ("edit", 5, 2), ("new", 9, 3)]
    assert [r["name"] for r in rows[:2]] == [keep.name, edit.name]
    assert not smooth.db.exists("Test Note Tag", drop.name)


def test_the_two_tables_of_one_parent_stay_apart(ctx):
    doc = note(tags=[{"tag": "t1"}], other_tags=[{"tag": "o1"}, {"tag": "o2"}]).insert()
    doc.tags = []
    doc.save()
    loaded = smooth.get_doc("Test Note", doc.name)
    assert loaded.tags == []
    assert [r.tag for r in loaded.other_tags] == ["o1", "o2"]


def test_set_replaces_a_table(ctx):
    doc = note(tags=[{"tag": "a"}]).insert()
    doc.set("tags", [{"tag": "x"}, {"tag": "y"}])
    doc.save()
    assert [r["tag"] for r in stored_rows(doc.name, "tags")] == ["x", "y"]
    assert smooth.db.count("Test Note Tag", {"parent": doc.name}) == 2


def test_loaded_child_rows_know_their_parent_document(ctx):
    doc = note(tags=[{"tag": "a"}]).insert()
    loaded = smooth.get_doc("Test Note", doc.name)
    assert loaded.tags[0].parent_doc is loaded
    assert loaded.tags[0].doctype == "Test Note Tag"
    assert loaded.as_dict()["tags"][0]["tag"] == "a"


def test_child_values_are_coerced(ctx):
    doc = note(tags=[{"tag": "a", "weight": "4"}]).insert()
    assert doc.tags[0].weight == 4
    with pytest.raises(smooth.DataError, match="Weight"):
        note(tags=[{"tag": "a", "weight": "heavy"}]).insert()


# -- versions -------------------------------------------------------------------------------------


def test_insert_records_no_version(ctx):
    """As in Frappe: the record's owner and creation say who created it when (the timeline shows them)."""
    doc = note(tags=[{"tag": "a"}]).insert()
    assert versions("Test Note", doc.name) == []


def test_save_with_changes_records_old_and_new_values(ctx):
    doc = note(title="Old title", priority=1).insert()
    doc.title = "New title"
    doc.priority = 2
    doc.save()
    latest = versions("Test Note", doc.name)[-1]
    assert sorted(latest["changed"]) == [["priority", 1, 2], ["title", "Old title", "New title"]]
    assert "created" not in latest


def test_child_rows_added_removed_and_changed_are_recorded(ctx):
    doc = note(tags=[{"tag": "stay", "weight": 1}, {"tag": "leave"}]).insert()
    stay, leave = doc.tags
    doc.tags = [stay]
    stay.weight = 2
    doc.append("tags", {"tag": "arrive"})
    doc.save()
    latest = versions("Test Note", doc.name)[-1]
    assert latest["changed"] == []
    assert [(f, row["tag"]) for f, row in latest["added"]] == [("tags", "arrive")]
    assert [(f, row["tag"]) for f, row in latest["removed"]] == [("tags", "leave")]
    assert latest["row_changed"] == [["tags", 1, stay.name, [["weight", 1, 2]]]]


def test_save_without_changes_adds_no_version(ctx):
    doc = note(priority=3, tags=[{"tag": "a"}]).insert()
    doc.save()
    smooth.get_doc("Test Note", doc.name).save()
    assert versions("Test Note", doc.name) == []


def test_password_changes_are_not_written_into_versions(ctx):
    doc = note(secret="one").insert()
    doc.secret = "two"
    doc.save()
    assert all("two" not in json.dumps(v) and "one" not in json.dumps(v) for v in versions("Test Note", doc.name))


def test_submit_and_cancel_record_docstatus_changes(ctx):
    doc = smooth.get_doc({"doctype": "Test Submittable", "title": "S"}).insert()
    doc.submit()
    doc.cancel()
    history = versions("Test Submittable", doc.name)
    assert [v["changed"] for v in history] == [[["docstatus", 0, 1]], [["docstatus", 1, 2]]]


def test_doctypes_without_track_changes_record_no_versions(ctx):
    doc = smooth.get_doc({"doctype": "Test Hooked", "title": "x"}).insert()
    doc.title = "y"
    doc.save()
    assert smooth.db.count("Version", {"docname": doc.name}) == 0


def test_ignore_version_skips_the_version(ctx):
    doc = note().insert()
    doc.title = "quiet change"
    doc.save(ignore_version=True)
    assert versions("Test Note", doc.name) == []


def test_resaving_a_loaded_record_of_every_field_type_records_no_change(ctx):
    doc = note(priority=2, amount=3.3, ratio="12.5", due_date="2026-01-02", start_time="10:11:12",
               happened_at="2026-01-02 03:04:05.123456", duration=90, is_done=1, payload={"a": 1},
               summary="s", notes="", code="c", secret="x", tags=[{"tag": "a", "weight": 0}]).insert()
    smooth.get_doc("Test Note", doc.name).save()
    assert versions("Test Note", doc.name) == []
