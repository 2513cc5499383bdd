"""Naming rules: hash, field:, format:, old-style dotted series, naming_series:, prompt, name checks."""

from __future__ import annotations

import contextlib
import re

import pytest
from sqlalchemy import event

import smooth


def year() -> str:
    return f"{smooth.now_datetime().year:04d}"


def test_hash_names_are_ten_lowercase_alphanumerics(ctx):
    names = {smooth.get_doc({"doctype": "Test Hooked", "title": "h"}).insert().name for _ in range(5)}
    assert len(names) == 5
    assert all(re.fullmatch(r"[0-9a-z]{10}", n) for n in names)


def test_field_naming_uses_the_stripped_field_value(ctx):
    doc = smooth.get_doc({"doctype": "Test Category", "category_name": "  Garden  "}).insert()
    assert doc.name == "Garden"
    assert smooth.db.exists("Test Category", "Garden")


def test_field_naming_without_the_field_raises_mandatory_error(ctx):
    with pytest.raises(smooth.MandatoryError, match="Category Name is required to name this Test Category"):
        smooth.get_doc({"doctype": "Test Category"}).insert()


def test_format_naming_increments_its_counter(ctx):
    names = [smooth.get_doc({"doctype": "Test Note", "title": f"n{i}"}).insert().name for i in range(3)]
    assert names == [f"NOTE-{year()}-00001", f"NOTE-{year()}-00002", f"NOTE-{year()}-00003"]


def test_old_style_dotted_series_names(ctx):
    first = smooth.get_doc({"doctype": "Test Submittable", "title": "a"}).insert().name
    second = smooth.get_doc({"doctype": "Test Submittable", "title": "b"}).insert().name
    assert (first, second) == (f"TS-{year()}-0001", f"TS-{year()}-0002")


def test_series_counter_is_stored_in_the_series_table(ctx):
    smooth.get_doc({"doctype": "Test Submittable", "title": "a"}).insert()
    series = smooth.local.site.table("Series")
    current = smooth.db.execute(series.select().where(series.c.name == f"TS-{year()}-")).mappings().one()
    assert current["current"] == 1


def test_naming_series_defaults_to_the_first_option(ctx):
    now = smooth.now_datetime()
    doc = smooth.new_doc("Test Series", title="t")
    assert doc.naming_series == "TSR-.YY.-.MM.-"
    doc.insert()
    assert doc.name == f"TSR-{now.year % 100:02d}-{now.month:02d}-00001"


def test_naming_series_without_a_value_uses_the_first_option(ctx):
    doc = smooth.get_doc({"doctype": "Test Series", "title": "t"}).insert()
    assert doc.name.startswith("TSR-") and doc.name.endswith("-00001")


def test_naming_series_uses_the_chosen_option_and_its_own_digits(ctx):
    first = smooth.get_doc({"doctype": "Test Series", "naming_series": "ALT-.####"}).insert().name
    second = smooth.get_doc({"doctype": "Test Series", "naming_series": "ALT-.####"}).insert().name
    assert (first, second) == ("ALT-0001", "ALT-0002")


def test_naming_series_outside_the_options_is_refused(ctx):
    with pytest.raises(smooth.ValidationError, match="Naming Series cannot be 'BAD-.###'"):
        smooth.get_doc({"doctype": "Test Series", "naming_series": "BAD-.###"}).insert()


def test_prompt_naming_requires_a_name(ctx):
    with pytest.raises(smooth.MandatoryError, match="A name is required for the new Test Prompt"):
        smooth.get_doc({"doctype": "Test Prompt", "title": "no name"}).insert()


def test_prompt_naming_takes_the_given_name(ctx):
    doc = smooth.get_doc({"doctype": "Test Prompt", "name": " chosen ", "title": "x"}).insert()
    assert doc.name == "chosen"
    assert smooth.db.get_value("Test Prompt", "chosen", "title") == "x"


def test_insert_set_name_names_the_document(ctx):
    doc = smooth.get_doc({"doctype": "Test Prompt", "title": "x"}).insert(set_name="by-set-name")
    assert doc.name == "by-set-name"


def test_set_name_overrides_an_automatic_rule(ctx):
    doc = smooth.get_doc({"doctype": "Test Hooked", "title": "x"}).insert(set_name="fixed-name")
    assert doc.name == "fixed-name"
    assert smooth.db.exists("Test Hooked", "fixed-name")


@pytest.mark.parametrize("bad", ["a<b", "x>y", "<script>"])
def test_names_with_angle_brackets_are_refused(ctx, bad):
    with pytest.raises(smooth.ValidationError, match="cannot contain < or >"):
        smooth.get_doc({"doctype": "Test Prompt", "name": bad}).insert()
    assert smooth.db.count("Test Prompt") == 0


def test_reserved_names_are_refused(ctx):
    with pytest.raises(smooth.ValidationError, match="reserved name"):
        smooth.get_doc({"doctype": "Test Prompt", "name": "New Test Prompt"}).insert()


def test_overlong_names_are_refused(ctx):
    with pytest.raises(smooth.ValidationError, match="longer than 140 characters"):
        smooth.get_doc({"doctype": "Test Prompt", "name": "n" * 141}).insert()


def test_child_rows_get_hash_names(ctx):
    doc = smooth.get_doc({"doctype": "Test Note", "title": "t", "tags": [{"tag": "a"}, {"tag": "b"}]}).insert()
    assert all(re.fullmatch(r"[0-9a-z]{10}", row.name) for row in doc.tags)
    assert doc.tags[0].name != doc.tags[1].name


def _counter(prefix: str) -> int:
    series = smooth.local.site.table("Series")
    return int(smooth.db.execute(series.select().where(series.c.name == prefix)).mappings().one()["current"])


def _notes(count: int) -> list[str]:
    return [smooth.get_doc({"doctype": "Test Note", "title": f"n{i}"}).insert().name for i in range(count)]


def test_a_transaction_that_keeps_naming_reserves_ahead_and_gives_back_what_it_did_not_use(ctx):
    """A bulk insert pays a few upserts, not one a record; the committed counter is the last number used, so
    the series has no gap (on both backends: the upsert and the give-back are dialect statements)."""
    prefix = f"NOTE-{year()}-"
    upserts = []
    with _counting_series_statements(upserts):
        names = _notes(150)
    assert names == [f"{prefix}{i:05d}" for i in range(1, 151)]
    assert len(upserts) <= 10
    smooth.db.commit()
    assert _counter(prefix) == 150
    assert _notes(1) == [f"{prefix}00151"]  # the next transaction starts from the last number used
    smooth.db.commit()


def test_series_numbers_roll_back_with_a_savepoint_and_with_the_transaction(ctx):
    prefix = f"NOTE-{year()}-"
    _notes(3)
    with pytest.raises(RuntimeError), smooth.savepoint():
        assert _notes(20)[-1] == f"{prefix}00023"
        raise RuntimeError("the step fails")
    assert _notes(2) == [f"{prefix}00004", f"{prefix}00005"]  # the rolled-back numbers are free again
    smooth.db.commit()
    assert _counter(prefix) == 5
    _notes(40)
    smooth.db.rollback()
    assert _notes(1) == [f"{prefix}00006"]
    smooth.db.commit()
    assert _counter(prefix) == 6


@contextlib.contextmanager
def _counting_series_statements(found: list[str]):
    engine = smooth.local.site.engine

    def seen(conn, cursor, statement, params, context, executemany):
        if "tabSeries" in statement:
            found.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", seen)
