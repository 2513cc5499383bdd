"""smooth.rename_doc: the name, child rows, Links, Dynamic Links, secrets and history follow."""

from __future__ import annotations

from typing import Any

import pytest

import smooth
from smooth.exceptions import DoesNotExistError, DuplicateEntryError, PermissionError, ValidationError
from smooth.model.passwords import get_decrypted_password
from tests.conftest import SiteHandle, make_user


def _calls() -> list[Any]:
    from smooth_tests.events import CALLS  # importable once a site has loaded the test app

    return CALLS


def _renamable(name: str, **values: object) -> str:
    doc = smooth.get_doc({"doctype": "Test Renamable", "name": name, "title": name, **values})
    return doc.insert().name


def test_rename_changes_the_name_and_moves_the_child_rows(ctx: SiteHandle) -> None:
    _renamable("alpha", items=[{"label": "one"}, {"label": "two"}])
    assert smooth.rename_doc("Test Renamable", "alpha", "beta") == "beta"
    assert not smooth.db.exists("Test Renamable", "alpha")
    doc = smooth.get_doc("Test Renamable", "beta")
    assert doc.title == "alpha"
    assert [(row.label, row.parent) for row in doc.items] == [("one", "beta"), ("two", "beta")]
    assert smooth.get_all("Test Renamable Item", filters={"parent": "alpha"}) == []


def test_rename_repoints_links_in_records_and_in_child_tables(ctx: SiteHandle) -> None:
    _renamable("target")
    _renamable("child-of-target", parent_item="target")
    _renamable("holder", items=[{"label": "points at target", "target": "target"}, {"label": "no link"}])
    smooth.rename_doc("Test Renamable", "target", "moved")
    assert smooth.db.get_value("Test Renamable", "child-of-target", "parent_item") == "moved"
    rows = smooth.get_doc("Test Renamable", "holder").items
    assert [(row.label, row.target) for row in rows] == [("points at target", "moved"), ("no link", None)]


def test_rename_repoints_dynamic_links_only_where_the_doctype_matches(ctx: SiteHandle) -> None:
    _renamable("shared-name")
    note = smooth.get_doc({"doctype": "Test Note", "title": "refers", "ref_doctype": "Test Renamable",
                           "ref_name": "shared-name"}).insert().name
    smooth.get_doc({"doctype": "Test Category", "category_name": "shared-name"}).insert()
    other = smooth.get_doc({"doctype": "Test Note", "title": "other doctype", "ref_doctype": "Test Category",
                            "ref_name": "shared-name"}).insert().name
    smooth.rename_doc("Test Renamable", "shared-name", "renamed")
    assert smooth.db.get_value("Test Note", note, "ref_name") == "renamed"
    assert smooth.db.get_value("Test Note", other, "ref_name") == "shared-name"


def test_rename_moves_stored_secrets_and_version_history(ctx: SiteHandle) -> None:
    _renamable("with-secret", secret="s3cret")
    doc = smooth.get_doc("Test Renamable", "with-secret")
    doc.title = "edited"
    doc.save()
    assert smooth.db.count("Version", {"ref_doctype": "Test Renamable", "docname": "with-secret"}) == 1
    smooth.rename_doc("Test Renamable", "with-secret", "still-secret")
    assert get_decrypted_password("Test Renamable", "still-secret", "secret") == "s3cret"
    assert get_decrypted_password("Test Renamable", "with-secret", "secret", raise_exception=False) is None
    assert smooth.db.count("Version", {"ref_doctype": "Test Renamable", "docname": "still-secret"}) == 1
    assert smooth.db.count("Version", {"ref_doctype": "Test Renamable", "docname": "with-secret"}) == 0


def test_rename_runs_before_and_after_rename_controller_then_doc_events(ctx: SiteHandle) -> None:
    _renamable("evented")
    _calls().clear()
    smooth.rename_doc("Test Renamable", "evented", "evented-2")
    assert _calls() == ["before_rename:evented->evented-2:False", "hook:before_rename:evented->evented-2",
                     "after_rename:evented->evented-2:False", "hook:after_rename:evented->evented-2"]


def test_before_rename_may_choose_the_final_name(ctx: SiteHandle) -> None:
    _renamable("quiet", fail_in="suggest")
    assert smooth.rename_doc("Test Renamable", "quiet", "loud") == "LOUD"
    assert smooth.db.exists("Test Renamable", "LOUD")
    assert smooth.db.get_value("Test Renamable", {"name": "quiet"}) is None


def test_rename_is_refused_when_the_doctype_does_not_allow_it(ctx: SiteHandle) -> None:
    smooth.get_doc({"doctype": "Test Category", "category_name": "Fixed"}).insert()
    with pytest.raises(ValidationError, match="Test Category does not allow renaming"):
        smooth.rename_doc("Test Category", "Fixed", "Moved")
    assert smooth.db.exists("Test Category", "Fixed")


def test_rename_to_a_taken_name_is_a_duplicate_and_changes_nothing(ctx: SiteHandle) -> None:
    _renamable("first", items=[{"label": "a"}])
    _renamable("second")
    with pytest.raises(DuplicateEntryError, match="Test Renamable second already exists"):
        smooth.rename_doc("Test Renamable", "first", "second")
    assert [row.parent for row in smooth.get_doc("Test Renamable", "first").items] == ["first"]


def test_merge_is_refused_with_a_clear_message(ctx: SiteHandle) -> None:
    _renamable("left")
    _renamable("right")
    with pytest.raises(ValidationError, match="Merging Test Renamable left into right is not supported"):
        smooth.rename_doc("Test Renamable", "left", "right", merge=True)
    assert smooth.db.exists("Test Renamable", "left") and smooth.db.exists("Test Renamable", "right")


def test_rename_of_a_missing_record_is_does_not_exist(ctx: SiteHandle) -> None:
    with pytest.raises(DoesNotExistError, match="Test Renamable ghost not found"):
        smooth.rename_doc("Test Renamable", "ghost", "spirit")


def test_rename_validates_the_new_name(ctx: SiteHandle) -> None:
    _renamable("plain")
    with pytest.raises(ValidationError, match="cannot contain < or >"):
        smooth.rename_doc("Test Renamable", "plain", "<script>")
    with pytest.raises(ValidationError, match="A name is required"):
        smooth.rename_doc("Test Renamable", "plain", "   ")


def test_rename_needs_write_permission(ctx: SiteHandle) -> None:
    reader = make_user("reader@example.com", "Test Reader")
    writer = make_user("writer@example.com", "Test Writer")
    _renamable("admins")
    smooth.db.commit()
    smooth.set_user(reader)
    with pytest.raises(PermissionError, match="may not write Test Renamable admins"):
        smooth.rename_doc("Test Renamable", "admins", "readers")
    smooth.set_user(writer)
    with pytest.raises(PermissionError, match="may not write Test Renamable admins"):
        smooth.rename_doc("Test Renamable", "admins", "writers")
    _renamable("mine")
    assert smooth.rename_doc("Test Renamable", "mine", "still-mine") == "still-mine"
    smooth.set_user("Administrator")


def test_a_failing_after_rename_rolls_the_whole_rename_back(ctx: SiteHandle) -> None:
    _renamable("stable", fail_in="after_rename", secret="pw", items=[{"label": "x"}])
    _renamable("pointer", parent_item="stable")
    smooth.db.commit()
    with pytest.raises(ValidationError, match="failing in after_rename"):
        with smooth.unit_of_work():
            smooth.rename_doc("Test Renamable", "stable", "unstable")
    assert smooth.db.exists("Test Renamable", "stable") and not smooth.db.exists("Test Renamable", "unstable")
    assert [row.parent for row in smooth.get_doc("Test Renamable", "stable").items] == ["stable"]
    assert smooth.db.get_value("Test Renamable", "pointer", "parent_item") == "stable"
    assert get_decrypted_password("Test Renamable", "stable", "secret") == "pw"


def test_a_refusing_before_rename_changes_nothing(ctx: SiteHandle) -> None:
    _renamable("guarded", fail_in="before_rename")
    with pytest.raises(ValidationError, match="failing in before_rename"):
        smooth.rename_doc("Test Renamable", "guarded", "free")
    assert smooth.db.exists("Test Renamable", "guarded")


def test_rename_to_the_same_name_is_a_no_op(ctx: SiteHandle) -> None:
    _renamable("same")
    _calls().clear()
    assert smooth.rename_doc("Test Renamable", "same", "same") == "same"
    assert _calls() == []
