"""Role DocPerms, if_owner, and the apps' record rules, for lists, counts and single records alike.

Test Note: Test Reader reads, Test Creator reads and creates, Test Writer reads/creates/
writes/deletes only the notes they own. Test Record: students see rows whose member is
them, evaluators see Pending rows (smooth_tests/rules.py), and nobody but a System Manager
may write a Cancelled row.
"""

from __future__ import annotations

from typing import Any

import pytest

import smooth
from smooth import permissions
from tests.conftest import make_user

READER, CREATOR, WRITER, OTHER_WRITER, NOBODY = (
    "reader@example.com", "creator@example.com", "writer@example.com", "writer2@example.com",
    "nobody@example.com")
STUDENT, EVALUATOR, BOTH, NEITHER, MANAGER = (
    "student@example.com", "evaluator@example.com", "both@example.com", "neither@example.com",
    "manager@example.com")


def new_note(title: str, **values: Any) -> str:
    return smooth.get_doc({"doctype": "Test Note", "title": title, **values}).insert().name


def note_titles(**kwargs: Any) -> set[str]:
    return set(smooth.get_list("Test Note", pluck="title", **kwargs))


def as_user(user: str) -> None:
    smooth.set_user(user)


# -- role DocPerms ----------------------------------------------------------------------------


def test_reader_reads_every_note_but_cannot_insert(ctx: Any) -> None:
    make_user(READER, "Test Reader")
    new_note("One")
    new_note("Two")
    as_user(READER)
    assert note_titles() == {"One", "Two"}
    assert smooth.has_permission("Test Note", "read")
    assert not smooth.has_permission("Test Note", "create")
    with pytest.raises(smooth.PermissionError, match=f"{READER} may not create Test Note") as info:
        new_note("Three")
    assert info.value.http_status_code == 403
    as_user("Administrator")
    assert smooth.db.count("Test Note") == 2


def test_creator_can_insert_but_not_edit(ctx: Any) -> None:
    make_user(CREATOR, "Test Creator")
    as_user(CREATOR)
    name = new_note("Mine")
    doc = smooth.get_doc("Test Note", name)
    assert doc.owner == CREATOR
    doc.title = "Changed"
    with pytest.raises(smooth.PermissionError, match=f"may not write Test Note {name}"):
        doc.save()


def test_user_without_roles_cannot_list(ctx: Any) -> None:
    make_user(NOBODY)
    new_note("One")
    as_user(NOBODY)
    with pytest.raises(smooth.PermissionError, match=f"{NOBODY} may not read Test Note"):
        smooth.get_list("Test Note")
    with pytest.raises(smooth.PermissionError):
        permissions.list_filters("Test Note")
    assert not smooth.has_permission("Test Note", "read")


def test_get_list_for_another_user(ctx: Any) -> None:
    make_user(NOBODY)
    make_user(READER, "Test Reader")
    new_note("One")
    assert smooth.get_list("Test Note", pluck="title", user=READER) == ["One"]
    with pytest.raises(smooth.PermissionError):
        smooth.get_list("Test Note", user=NOBODY)


def test_ignore_permissions_bypasses_roles(ctx: Any) -> None:
    make_user(NOBODY)
    as_user(NOBODY)
    name = smooth.get_doc({"doctype": "Test Note", "title": "Forced"}).insert(ignore_permissions=True).name
    assert smooth.get_list("Test Note", pluck="name", ignore_permissions=True) == [name]
    assert smooth.get_all("Test Note", pluck="name") == [name]
    smooth.delete_doc("Test Note", name, ignore_permissions=True)
    assert smooth.get_all("Test Note") == []


def test_administrator_bypasses_everything(ctx: Any) -> None:
    make_user(WRITER, "Test Writer")
    as_user(WRITER)
    name = new_note("Writer's")
    as_user("Administrator")
    assert permissions.list_filters("Test Note") == ([], [])
    assert smooth.has_permission("Test Note", "delete", doc=smooth.get_doc("Test Note", name))
    doc = smooth.get_doc("Test Note", name)
    doc.title = "Edited by admin"
    doc.save()
    smooth.delete_doc("Test Note", name)
    assert not smooth.db.exists("Test Note", name)


def test_permission_checks_work_in_a_context_opened_for_the_user(site: Any) -> None:
    with site.context():
        make_user(READER, "Test Reader")
        new_note("Committed")
        smooth.db.commit()
    with site.context(user=READER):
        assert smooth.session.user == READER
        assert note_titles() == {"Committed"}
        with pytest.raises(smooth.PermissionError):
            new_note("Nope")


# -- if_owner ---------------------------------------------------------------------------------


@pytest.fixture
def writers(ctx: Any) -> dict[str, str]:
    make_user(WRITER, "Test Writer")
    make_user(OTHER_WRITER, "Test Writer")
    names = {}
    for user, title in ((WRITER, "Mine 1"), (WRITER, "Mine 2"), (OTHER_WRITER, "Theirs")):
        as_user(user)
        names[title] = new_note(title)
    as_user("Administrator")
    names["Admin's"] = new_note("Admin's")
    as_user(WRITER)
    return names


def test_if_owner_lists_only_own_notes(writers: dict[str, str]) -> None:
    assert note_titles() == {"Mine 1", "Mine 2"}
    and_filters, or_filters = permissions.list_filters("Test Note")
    assert [(f.field, f.operator, f.value) for f in and_filters] == [("owner", "=", WRITER)]
    assert or_filters == []
    assert smooth.db.count("Test Note", extra_filters=and_filters) == 2
    assert note_titles(filters={"title": "Theirs"}) == set()


def test_if_owner_single_checks_agree_with_the_list(writers: dict[str, str]) -> None:
    for title, name in writers.items():
        doc = smooth.get_doc("Test Note", name)
        owned = title.startswith("Mine")
        for ptype in ("read", "write", "delete"):
            assert smooth.has_permission("Test Note", ptype, doc=doc) is owned, (title, ptype)
    assert smooth.has_permission("Test Note", "create")


def test_if_owner_edits_own_note(writers: dict[str, str]) -> None:
    doc = smooth.get_doc("Test Note", writers["Mine 1"], check_permission=True)
    doc.title = "Mine 1 edited"
    doc.save()
    assert smooth.db.get_value("Test Note", writers["Mine 1"], "title") == "Mine 1 edited"


def test_if_owner_cannot_save_someone_elses_note(writers: dict[str, str]) -> None:
    doc = smooth.get_doc("Test Note", writers["Theirs"])
    doc.title = "Hijacked"
    with pytest.raises(smooth.PermissionError, match=f"{WRITER} may not write Test Note {writers['Theirs']}"):
        doc.save()
    with pytest.raises(smooth.PermissionError, match="may not read"):
        smooth.get_doc("Test Note", writers["Theirs"], check_permission=True)
    assert smooth.db.get_value("Test Note", writers["Theirs"], "title") == "Theirs"


def test_if_owner_deletes_only_own_note(writers: dict[str, str]) -> None:
    with pytest.raises(smooth.PermissionError, match="may not delete"):
        smooth.delete_doc("Test Note", writers["Theirs"])
    smooth.delete_doc("Test Note", writers["Mine 2"])
    assert not smooth.db.exists("Test Note", writers["Mine 2"])
    assert smooth.db.exists("Test Note", writers["Theirs"])


def test_if_owner_cannot_insert_a_note_owned_by_someone_else(writers: dict[str, str]) -> None:
    with pytest.raises(smooth.PermissionError, match="may not create"):
        new_note("Planted", owner=OTHER_WRITER)


def test_if_owner_note_without_owner_is_nobodys(writers: dict[str, str]) -> None:
    """A row whose owner is unset is not the writer's: the list and the single check agree."""
    name = writers["Admin's"]
    smooth.db.set_value("Test Note", name, "owner", None)
    assert "Admin's" not in note_titles()
    assert not smooth.has_permission("Test Note", "read", doc=smooth.get_doc("Test Note", name))
    assert not smooth.has_permission("Test Note", "write", doc=smooth.get_doc("Test Note", name))


# -- record rules (Test Record) ---------------------------------------------------------------

RECORDS = [
    ("r1", STUDENT, "Completed"),
    ("r2", STUDENT, "Pending"),
    ("r3", BOTH, "Completed"),
    ("r4", "someone@example.com", "Pending"),
    ("r5", "someone@example.com", "Cancelled"),
    ("r6", STUDENT, "Cancelled"),
    ("r7", None, "Completed"),
    ("r8", "", "Pending"),
]
VISIBLE = {
    STUDENT: {"r1", "r2", "r6"},
    EVALUATOR: {"r2", "r4", "r8"},
    BOTH: {"r2", "r3", "r4", "r8"},
    MANAGER: {r[0] for r in RECORDS},
    "Administrator": {r[0] for r in RECORDS},
}


@pytest.fixture
def records(ctx: Any) -> dict[str, str]:
    make_user(STUDENT, "Test Student")
    make_user(EVALUATOR, "Test Evaluator")
    make_user(BOTH, "Test Student", "Test Evaluator")
    make_user(NEITHER, "Test Reader")
    make_user(MANAGER, "System Manager")
    return {title: smooth.get_doc({"doctype": "Test Record", "title": title, "member": member,
                                   "status": status}).insert().name
            for title, member, status in RECORDS}


def record_titles(user: str) -> set[str]:
    as_user(user)
    return set(smooth.get_list("Test Record", pluck="title"))


def test_record_rules_decide_what_each_user_lists(records: dict[str, str]) -> None:
    assert {user: record_titles(user) for user in VISIBLE} == VISIBLE


def test_user_with_both_roles_sees_the_union(records: dict[str, str]) -> None:
    assert record_titles(BOTH) == record_titles(EVALUATOR) | {"r3"}


def test_user_with_neither_role_sees_nothing(records: dict[str, str]) -> None:
    as_user(NEITHER)
    with pytest.raises(smooth.PermissionError, match=f"{NEITHER} may not read Test Record"):
        smooth.get_list("Test Record")
    rule = permissions.record_rule("Test Record", NEITHER)
    assert rule is not None
    assert smooth.db.count("Test Record", extra_filters=rule[0], extra_or_filters=rule[1]) == 0
    for name in records.values():
        assert not smooth.has_permission("Test Record", "read", doc=smooth.get_doc("Test Record", name))


def test_lists_counts_and_single_checks_agree(records: dict[str, str]) -> None:
    for user in VISIBLE:
        as_user(user)
        listed = set(smooth.get_list("Test Record", pluck="name"))
        and_filters, or_filters = permissions.list_filters("Test Record")
        counted = smooth.db.count("Test Record", extra_filters=and_filters, extra_or_filters=or_filters)
        as_user("Administrator")
        readable = {name for name in records.values() if smooth.has_permission(
            "Test Record", "read", doc=smooth.get_doc("Test Record", name), user=user)}
        assert listed == readable, user
        assert counted == len(listed), user
        assert {t for t, n in records.items() if n in listed} == VISIBLE[user], user


def test_record_rules_combine_with_caller_filters(records: dict[str, str]) -> None:
    as_user(STUDENT)
    assert set(smooth.get_list("Test Record", filters={"status": "Pending"}, pluck="title")) == {"r2"}
    either = {"status": "Pending", "title": "r1"}
    assert set(smooth.get_list("Test Record", or_filters=either, pluck="title")) == {"r1", "r2"}
    as_user(EVALUATOR)
    either = {"member": STUDENT, "title": "r1"}
    assert set(smooth.get_list("Test Record", or_filters=either, pluck="title")) == {"r2"}


def test_has_permission_hook_denies_writing_cancelled_rows(records: dict[str, str]) -> None:
    cancelled, completed = (smooth.get_doc("Test Record", records[t]) for t in ("r6", "r1"))
    assert smooth.has_permission("Test Record", "read", doc=cancelled, user=STUDENT)
    assert not smooth.has_permission("Test Record", "write", doc=cancelled, user=STUDENT)
    assert smooth.has_permission("Test Record", "write", doc=completed, user=STUDENT)
    assert smooth.has_permission("Test Record", "write", doc=cancelled, user=MANAGER)
    as_user(STUDENT)
    cancelled.score = 10
    with pytest.raises(smooth.PermissionError, match=f"{STUDENT} may not write Test Record {records['r6']}"):
        cancelled.save()
    completed.score = 10
    completed.save()
    assert smooth.db.get_value("Test Record", records["r1"], "score") == 10


def test_record_rules_deny_writing_rows_outside_the_rule(records: dict[str, str]) -> None:
    as_user(EVALUATOR)
    pending = smooth.get_doc("Test Record", records["r4"])
    pending.score = 7
    pending.save()
    completed = smooth.get_doc("Test Record", records["r1"])
    assert not smooth.has_permission("Test Record", "read", doc=completed)
    completed.score = 1
    with pytest.raises(smooth.PermissionError, match="may not write"):
        completed.save()
    with pytest.raises(smooth.PermissionError):
        smooth.has_permission("Test Record", "read", doc=completed, throw=True)


def test_a_save_cannot_move_someone_elses_record_into_the_users_rule(records: dict[str, str]) -> None:
    as_user(STUDENT)
    theirs = smooth.get_doc("Test Record", records["r4"])
    theirs.member, theirs.score = STUDENT, 0
    with pytest.raises(smooth.PermissionError, match=f"{STUDENT} may not write Test Record {records['r4']}"):
        theirs.save()
    as_user("Administrator")
    assert smooth.db.get_value("Test Record", records["r4"], ["member", "score"]) == ("someone@example.com", None)


def test_a_child_row_read_on_its_own_follows_its_parents_record_rule(records: dict[str, str]) -> None:
    line_names = {}
    for title in ("r1", "r4"):
        record = smooth.get_doc("Test Record", records[title])
        record.append("lines", {"remark": f"about {title}"})
        record.save()
        line_names[title] = record.lines[0].name
    own, theirs = (smooth.get_doc("Test Record Line", line_names[t]) for t in ("r1", "r4"))
    assert smooth.has_permission("Test Record Line", "read", doc=own, user=STUDENT)
    assert not smooth.has_permission("Test Record Line", "read", doc=theirs, user=STUDENT)
    assert smooth.has_permission("Test Record Line", "read", doc=theirs, user=EVALUATOR)  # r4 is Pending


def test_creating_records_follows_docperms(records: dict[str, str]) -> None:
    as_user(STUDENT)
    name = smooth.get_doc({"doctype": "Test Record", "title": "mine", "member": STUDENT}).insert().name
    assert name in smooth.get_list("Test Record", pluck="name")
    as_user(EVALUATOR)
    with pytest.raises(smooth.PermissionError, match="may not create Test Record"):
        smooth.get_doc({"doctype": "Test Record", "title": "nope"}).insert()
