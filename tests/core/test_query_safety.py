"""Nothing a caller passes as a field, filter, operator, order or group reaches SQL as text.

Each payload must be refused with a FilterError (HTTP 417) before any statement runs; the
table keeps its rows. Values, on the other hand, are bound parameters: SQL in a value is
just data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

import smooth

TITLES = ("Alpha", "Beta", "Gamma")


@pytest.fixture
def notes(ctx: Any) -> Any:
    for title in TITLES:
        smooth.get_doc({"doctype": "Test Note", "title": title, "status": "Open", "priority": 1}).insert()
    return ctx


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements the site's engine runs inside the block."""
    seen: list[str] = []
    engine = smooth.local.site.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def assert_refused(call: Any, *words: str) -> None:
    with statements() as seen:
        with pytest.raises(smooth.FilterError) as info:
            call()
    assert seen == [], f"SQL ran before the payload was refused: {seen}"
    assert isinstance(info.value, smooth.ValidationError)
    assert info.value.http_status_code == 417
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert sorted(smooth.get_all("Test Note", pluck="title")) == list(TITLES)


FIELD_PAYLOADS = [
    "name; drop table `tabTest Note`",
    "(select name from `tabUser`)",
    "sleep(5)",
    "title) or (1=1",
    "version()",
    "concat(title, owner)",
    "max(sleep(5))",
    "count(*) from `tabUser` --",
    "sum(priority) over ()",
    "`tabUser`.name",
    "tabUser.name",
    "title as x; drop table `tabTest Note`",
    "`title`` or 1=1`",
    "title\" or \"1\"=\"1",
    "'x'",
    "1",
    "no_such_field",
    "tags",
    "*, (select 1)",
]


@pytest.mark.parametrize("payload", FIELD_PAYLOADS)
def test_field_payload_is_refused(notes: Any, payload: str) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", fields=[payload]))


@pytest.mark.parametrize("payload", ["title, (select 1)", "title, sleep(5)", "name; drop table x"])
def test_field_payload_in_a_field_string_is_refused(notes: Any, payload: str) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", fields=payload))


@pytest.mark.parametrize("payload", [
    "name; drop table `tabTest Note`",
    "(select 1)",
    "sleep(5)",
    "title) or (1=1",
    "title = 'x' or 1",
    "`tabUser`.name",
    "ifnull(title, '')",
    "no_such_field",
])
def test_filter_field_payload_is_refused(notes: Any, payload: str) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", filters={payload: "x"}), "does not exist")
    assert_refused(lambda: smooth.get_all("Test Note", filters=[[payload, "=", "x"]]), "does not exist")
    assert_refused(lambda: smooth.get_all("Test Note", or_filters=[[payload, "=", "x"]]), "does not exist")


@pytest.mark.parametrize("operator", [
    "or 1=1", "= 'x' or 1=1 --", "regexp", "like binary", "rlike", "sounds like", "=;", "!= x", "",
])
def test_operator_payload_is_refused(notes: Any, operator: str) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", filters=[["title", operator, "x"]]), "is not allowed")


def test_is_operator_takes_only_set_or_not_set(notes: Any) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", filters=[["title", "is", "set or 1=1"]]),
                   "'set' or 'not set'")


def test_filter_on_another_doctype_is_refused(notes: Any) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", filters=[["User", "name", "=", "Administrator"]]),
                   "other doctypes")
    assert_refused(lambda: smooth.get_all("Test Note", filters={"tabUser.name": "Administrator"}),
                   "does not exist")


@pytest.mark.parametrize("order_by", [
    "1; delete from `tabTest Note`",
    "title desc, (select 1)",
    "title desc; drop table `tabTest Note`",
    "sleep(5)",
    "rand()",
    "field(title, 'a')",
    "title desc limit 1",
    "title collate nocase",
    "`tabUser`.name",
    "sum(sleep(1)) desc",
    "1",
    "no_such_field desc",
    "title descending",
])
def test_order_by_payload_is_refused(notes: Any, order_by: str) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", order_by=order_by))


@pytest.mark.parametrize("group_by", [
    "no_such_field", "status; drop table `tabTest Note`", "(select 1)", "status, sleep(1)", "1",
])
def test_group_by_payload_is_refused(notes: Any, group_by: str) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", fields=["count(*)"], group_by=group_by))


@pytest.mark.parametrize("pluck", ["name; drop table `tabTest Note`", "sleep(5)"])
def test_pluck_payload_is_refused(notes: Any, pluck: str) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", pluck=pluck))


def test_get_value_and_count_refuse_payloads(notes: Any) -> None:
    assert_refused(lambda: smooth.db.get_value("Test Note", {"title": "Alpha"}, "sleep(5)"))
    assert_refused(lambda: smooth.db.get_value("Test Note", {"title": "Alpha"}, "title", order_by="sleep(5)"))
    assert_refused(lambda: smooth.db.count("Test Note", {"title) or (1=1": "x"}))
    assert_refused(lambda: smooth.db.exists("Test Note", {"name; drop table x": "x"}))


def test_messages_name_the_problem(notes: Any) -> None:
    assert_refused(lambda: smooth.get_all("Test Note", fields=["no_such_field"]),
                   "'no_such_field'", "does not exist on Test Note")
    assert_refused(lambda: smooth.get_all("Test Note", fields=["`tabUser`.name"]), "another doctype")
    assert_refused(lambda: smooth.get_all("Test Note", filters=[["title", "or 1=1", "x"]]),
                   "'or 1=1'", "is not allowed", "like", "between")


@pytest.mark.parametrize("value", [
    "x' or '1'='1", "'; drop table `tabTest Note`; --", "\\' or 1=1 --", "%' or 1=1 --", "Robert'); --",
])
def test_sql_in_a_value_is_only_data(notes: Any, value: str) -> None:
    assert smooth.get_all("Test Note", filters={"title": value}) == []
    assert smooth.get_all("Test Note", filters={"title": ["in", [value, "Alpha"]]}, pluck="title") == \
        ["Alpha"]
    assert smooth.get_all("Test Note", filters={"title": ["like", value]}) == []
    smooth.get_doc({"doctype": "Test Note", "title": value}).insert()
    assert smooth.get_all("Test Note", filters={"title": value}, pluck="title") == [value]
    assert smooth.db.count("Test Note") == len(TITLES) + 1
