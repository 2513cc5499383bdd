"""Standard validation and coercion of field values, singles and Password fields, on both backends."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import Column, Date, DateTime, MetaData, String, Table, Time, cast, event, insert, select
from sqlalchemy.dialects import sqlite

import smooth
from smooth.db.prepared import prepared_insert
from smooth.model.passwords import check_user_password, verify_hash
from smooth.model.validation import validate_links_before_validate
from tests.conftest import SiteHandle


def note(**values):  # type: ignore[no-untyped-def]
    return smooth.get_doc({"doctype": "Test Note", "title": "A note", **values})


def category(name: str, description: str | None = None):  # type: ignore[no-untyped-def]
    return smooth.get_doc({"doctype": "Test Category", "category_name": name, "description": description}).insert()


# -- mandatory ------------------------------------------------------------------------------------


def test_missing_mandatory_field_raises_with_its_label(ctx):
    with pytest.raises(smooth.MandatoryError, match="value missing for Title"):
        smooth.get_doc({"doctype": "Test Note"}).insert()
    assert smooth.db.count("Test Note") == 0


def test_blank_string_counts_as_missing(ctx):
    with pytest.raises(smooth.MandatoryError, match="Title"):
        note(title="   ").insert()


def test_missing_mandatory_child_field_names_the_row(ctx):
    with pytest.raises(smooth.MandatoryError, match=r"Row #2 in Tags: Tag"):
        note(tags=[{"tag": "ok"}, {"weight": 3}]).insert()


def test_mandatory_error_lists_every_missing_field(ctx):
    with pytest.raises(smooth.MandatoryError) as info:
        smooth.get_doc({"doctype": "Test Note", "tags": [{"weight": 1}]}).insert()
    assert "Title" in info.value.message
    assert "Row #1 in Tags: Tag" in info.value.message
    assert info.value.http_status_code == 417


def test_mandatory_is_checked_on_save_too(ctx):
    doc = note().insert()
    doc.title = None
    with pytest.raises(smooth.MandatoryError, match="Title"):
        doc.save()


# -- coercion -------------------------------------------------------------------------------------


def test_int_field_accepts_a_numeric_string(ctx):
    doc = note(priority="3").insert()
    assert doc.priority == 3
    assert smooth.db.get_value("Test Note", doc.name, "priority") == 3


def test_bad_int_raises_data_error_naming_the_field(ctx):
    with pytest.raises(smooth.DataError, match=r"'abc' for Priority \(priority\) is not a whole number"):
        note(priority="abc").insert()


def test_fractional_int_is_refused(ctx):
    with pytest.raises(smooth.DataError, match="Priority"):
        note(priority="2.5").insert()


def test_date_time_and_datetime_strings_are_parsed_and_round_trip(ctx):
    doc = note(due_date="2026-03-01", start_time="09:30", happened_at="2026-03-01T10:20:30").insert()
    assert doc.due_date == dt.date(2026, 3, 1)
    assert doc.start_time == dt.time(9, 30)
    assert doc.happened_at == dt.datetime(2026, 3, 1, 10, 20, 30)
    loaded = smooth.get_doc("Test Note", doc.name)
    assert loaded.due_date == dt.date(2026, 3, 1)
    assert loaded.start_time == dt.time(9, 30)
    assert loaded.happened_at == dt.datetime(2026, 3, 1, 10, 20, 30)


def test_bad_date_raises_data_error(ctx):
    with pytest.raises(smooth.DataError, match=r"Due Date \(due_date\) is not a date"):
        note(due_date="01/03/2026").insert()


def test_bad_time_raises_data_error(ctx):
    with pytest.raises(smooth.DataError, match="Start Time"):
        note(start_time="half past nine").insert()


@pytest.mark.parametrize(("given", "stored"), [("1", 1), (True, 1), ("0", 0), (False, 0), (None, 0)])
def test_check_field_is_stored_as_zero_or_one(ctx, given, stored):
    doc = note(is_done=given).insert()
    assert smooth.db.get_value("Test Note", doc.name, "is_done") == stored


def test_bad_check_value_raises_data_error(ctx):
    with pytest.raises(smooth.DataError, match="Is Done"):
        note(is_done="maybe").insert()


def test_json_field_stores_a_dict_as_text(ctx):
    doc = note(payload={"b": 2, "a": [1, "x"]}).insert()
    stored = smooth.db.get_value("Test Note", doc.name, "payload")
    assert isinstance(stored, str)
    assert json.loads(stored) == {"a": [1, "x"], "b": 2}


def test_json_field_refuses_invalid_json_text(ctx):
    with pytest.raises(smooth.DataError, match="Payload"):
        note(payload="{not json").insert()


def test_currency_and_percent_are_floats(ctx):
    doc = note(amount="12.50", ratio=33.25).insert()
    assert doc.amount == 12.5
    loaded = smooth.get_doc("Test Note", doc.name)
    assert loaded.amount == 12.5 and isinstance(loaded.amount, float)
    assert loaded.ratio == 33.25 and isinstance(loaded.ratio, float)


def test_bad_currency_raises_data_error(ctx):
    with pytest.raises(smooth.DataError, match="Amount"):
        note(amount="twelve").insert()


# -- select, length -------------------------------------------------------------------------------


def test_select_value_must_be_one_of_the_options(ctx):
    with pytest.raises(smooth.ValidationError, match="Status cannot be 'Done'; it should be one of "
                                                     "'Open', 'Closed', 'Archived'"):
        note(status="Done").insert()


def test_select_accepts_an_option(ctx):
    doc = note(status="Archived").insert()
    assert smooth.db.get_value("Test Note", doc.name, "status") == "Archived"


def test_data_longer_than_its_length_is_refused(ctx):
    with pytest.raises(smooth.ValidationError, match="Code is too long: 41 characters, at most 40"):
        note(code="x" * 41).insert()
    note(code="x" * 40).insert()


def test_data_without_length_is_limited_to_140(ctx):
    with pytest.raises(smooth.ValidationError, match="Title is too long: 141 characters, at most 140"):
        note(title="t" * 141).insert()


# -- links ----------------------------------------------------------------------------------------


def test_link_to_a_missing_record_raises_link_validation_error(ctx):
    with pytest.raises(smooth.LinkValidationError, match="Could not find Category: Nowhere"):
        note(category="Nowhere").insert()


def test_link_in_a_child_row_is_validated_with_the_row(ctx):
    with pytest.raises(smooth.LinkValidationError, match="Row #1 in Tags: Could not find Category: Nowhere"):
        note(tags=[{"tag": "t", "category": "Nowhere"}]).insert()


def test_link_to_an_existing_record_is_accepted(ctx):
    category("Work")
    doc = note(category="Work").insert()
    assert smooth.db.get_value("Test Note", doc.name, "category") == "Work"


def test_a_linked_row_read_by_link_validation_answers_later_reads_until_a_write(ctx):
    """Controllers read the records they link to; the check already read them in this transaction."""
    category("Work", "first")
    smooth.db.commit()
    validate_links_before_validate(note(category="Work"))  # what insert runs before the controller's validate
    sent: list[str] = []
    engine = smooth.db.connection().engine

    def seen(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert smooth.db.get_value("Test Category", "Work", ["description", "name"]) == ("first", "Work")
        assert sent == []
        smooth.db.set_value("Test Category", "Work", "description", "second")
        assert smooth.db.get_value("Test Category", "Work", "description") == "second"  # the write forgot it
        assert len(sent) == 2
        validate_links_before_validate(note(category="Work"))
        smooth.db.rollback()
        assert smooth.db.get_value("Test Category", "Work", "description") == "first"  # a new transaction asks
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_ignore_links_skips_link_validation(ctx):
    doc = note(category="Nowhere").insert(ignore_links=True)
    assert smooth.db.get_value("Test Note", doc.name, "category") == "Nowhere"


def test_dynamic_link_checks_the_doctype_named_by_its_field(ctx):
    category("Home")
    doc = note(ref_doctype="Test Category", ref_name="Home").insert()
    assert smooth.db.get_value("Test Note", doc.name, ["ref_doctype", "ref_name"]) == ("Test Category", "Home")
    with pytest.raises(smooth.LinkValidationError, match="Could not find Ref Name: Elsewhere"):
        note(ref_doctype="Test Category", ref_name="Elsewhere").insert()


def test_dynamic_link_needs_its_doctype(ctx):
    with pytest.raises(smooth.LinkValidationError, match="Ref Name: choose a DocType first"):
        note(ref_name="Home").insert()


def test_link_to_doctype_must_name_a_known_doctype(ctx):
    note(ref_doctype="Test Category").insert()
    with pytest.raises(smooth.LinkValidationError, match="Could not find Ref Doctype: No Such Type"):
        note(ref_doctype="No Such Type").insert()


def test_fetch_from_fills_the_description_of_the_linked_category(ctx):
    category("Errands", "Things to fetch")
    doc = note(category="Errands").insert()
    assert doc.category_description == "Things to fetch"
    assert smooth.db.get_value("Test Note", doc.name, "category_description") == "Things to fetch"


def test_fetch_from_follows_a_changed_link(ctx):
    category("First", "one")
    category("Second", "two")
    doc = note(category="First").insert()
    doc.category = "Second"
    doc.save()
    assert smooth.db.get_value("Test Note", doc.name, "category_description") == "two"


# -- unique / duplicates --------------------------------------------------------------------------


def test_unique_field_refuses_a_second_record_with_the_same_value(ctx):
    first = note(code="C-1").insert()
    with pytest.raises(smooth.UniqueValidationError, match=f"Code 'C-1' is already used by Test Note {first.name}"):
        note(code="C-1").insert()


def test_unique_field_allows_the_record_itself_to_be_saved(ctx):
    doc = note(code="C-2").insert()
    doc.title = "Same code, same record"
    doc.save()


def test_set_only_once_field_keeps_its_first_value(ctx):
    doc = note().insert()
    doc.code = "K-1"
    doc.save()  # first set: allowed
    doc.title = "Other fields still change"
    doc.save()
    doc.code = "K-2"
    with pytest.raises(smooth.ValidationError, match="Code cannot be changed once it is set"):
        doc.save()
    assert smooth.db.get_value("Test Note", doc.name, "code") == "K-1"


def test_empty_unique_values_do_not_collide(ctx):
    note().insert()
    note(code="").insert()
    assert smooth.db.count("Test Note") == 2


def test_duplicate_name_on_insert_raises_duplicate_entry_error(ctx):
    smooth.get_doc({"doctype": "Test Prompt", "name": "same-name"}).insert()
    with pytest.raises(smooth.DuplicateEntryError, match="Test Prompt same-name already exists") as info:
        smooth.get_doc({"doctype": "Test Prompt", "name": "same-name", "title": "second"}).insert()
    assert info.value.http_status_code == 409


def test_ignore_if_duplicate_returns_quietly(ctx):
    smooth.get_doc({"doctype": "Test Prompt", "name": "dup", "title": "first"}).insert()
    smooth.get_doc({"doctype": "Test Prompt", "name": "dup", "title": "second"}).insert(ignore_if_duplicate=True)
    assert smooth.db.get_value("Test Prompt", "dup", "title") == "first"


# -- singles --------------------------------------------------------------------------------------


def test_single_has_its_defaults_before_any_save(ctx):
    doc = smooth.get_doc("Test Single")
    assert doc.name == "Test Single"
    assert doc.site_title == "Smooth"
    assert doc.max_items == 5
    assert doc.enabled == 0
    assert doc.start_on is None


def test_single_save_stores_typed_values(ctx):
    doc = smooth.get_doc("Test Single")
    doc.site_title = "My Site"
    doc.max_items = "12"
    doc.start_on = "2026-01-31"
    doc.enabled = 1
    doc.save()
    loaded = smooth.get_doc("Test Single")
    assert (loaded.site_title, loaded.max_items, loaded.start_on, loaded.enabled) == (
        "My Site", 12, dt.date(2026, 1, 31), 1)


def test_db_get_value_and_get_single_value_read_a_single(ctx):
    doc = smooth.get_doc("Test Single")
    doc.max_items = 9
    doc.save()
    assert smooth.db.get_value("Test Single", None, "max_items") == 9
    assert smooth.db.get_value("Test Single", "Test Single", "site_title") == "Smooth"
    assert smooth.db.get_single_value("Test Single", "max_items") == 9
    assert smooth.db.get_value("Test Single", None, ["max_items", "enabled"], as_dict=True) == {
        "max_items": 9, "enabled": 0}


def test_a_single_is_read_once_per_unit_and_its_save_is_seen_at_once(ctx):
    engine = smooth.db.connection().engine
    reads: list[str] = []

    def seen(_conn, _cursor, statement, *_rest):  # type: ignore[no-untyped-def]
        if "tabSingles" in statement and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    smooth.db.set_value("Test Single", None, "max_items", 5)
    smooth.db.commit()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert smooth.db.get_single_value("Test Single", "max_items") == 5
        assert smooth.get_doc("Test Single").max_items == 5
        assert len(reads) == 1
        smooth.db.set_value("Test Single", None, "max_items", 7)
        assert smooth.db.get_single_value("Test Single", "max_items") == 7
        doc = smooth.get_doc("Test Single")
        doc.max_items = 8
        doc.save()
        assert smooth.db.get_single_value("Test Single", "max_items") == 8
        smooth.db.rollback()
        assert smooth.db.get_single_value("Test Single", "max_items") == 5
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_db_set_value_writes_a_single_field(ctx):
    smooth.db.set_value("Test Single", None, "max_items", "21")
    smooth.db.set_value("Test Single", None, {"start_on": dt.date(2026, 5, 4), "enabled": True})
    assert smooth.db.get_single_value("Test Single", "max_items") == 21
    loaded = smooth.get_doc("Test Single")
    assert (loaded.max_items, loaded.start_on, loaded.enabled) == (21, dt.date(2026, 5, 4), 1)


def test_doc_db_set_on_a_single_coerces_and_stamps(ctx):
    settings = smooth.get_doc("Test Single")
    settings.db_set({"max_items": "34", "start_on": "2026-06-01"})
    loaded = smooth.get_doc("Test Single")
    assert (loaded.max_items, loaded.start_on) == (34, dt.date(2026, 6, 1))
    assert loaded.modified == settings.modified


def test_single_values_are_validated_on_save(ctx):
    doc = smooth.get_doc("Test Single")
    doc.max_items = "lots"
    with pytest.raises(smooth.DataError, match="Max Items"):
        doc.save()


def test_single_password_is_kept_out_of_the_singles_table(ctx):
    doc = smooth.get_doc("Test Single")
    doc.api_token = "tok-123"
    doc.save()
    singles = smooth.local.site.table("Singles")
    stored = smooth.db.execute(select(singles.c.value).where(
        (singles.c.doctype == "Test Single") & (singles.c.field == "api_token"))).scalar()
    assert stored in (None, "*****")
    assert smooth.get_doc("Test Single").get_password("api_token") == "tok-123"


# -- passwords ------------------------------------------------------------------------------------


def test_password_field_is_masked_in_the_table_and_readable_decrypted(ctx):
    doc = note(secret="s3cr3t!").insert()
    assert smooth.db.get_value("Test Note", doc.name, "secret") == "*****"
    assert doc.get_password("secret") == "s3cr3t!"
    assert smooth.get_doc("Test Note", doc.name).get_password("secret") == "s3cr3t!"


def test_saving_a_loaded_document_keeps_its_password(ctx):
    doc = note(secret="keep-me").insert()
    loaded = smooth.get_doc("Test Note", doc.name)
    loaded.title = "renamed"
    loaded.save()
    assert loaded.get_password("secret") == "keep-me"


def test_changing_a_password_replaces_it(ctx):
    doc = note(secret="old").insert()
    doc.secret = "new"
    doc.save()
    assert smooth.get_doc("Test Note", doc.name).get_password("secret") == "new"


def test_as_dict_masks_passwords(ctx):
    doc = note(secret="hidden").insert()
    assert smooth.get_doc("Test Note", doc.name).as_dict()["secret"] == "*****"


def test_deleting_a_document_deletes_its_passwords(ctx):
    doc = note(secret="gone").insert()
    smooth.delete_doc("Test Note", doc.name)
    assert doc.get_password("secret", raise_exception=False) is None


def test_user_password_is_hashed_and_checked(ctx):
    user = smooth.get_doc({"doctype": "User", "email": "Pat@Example.com", "first_name": "Pat",
                           "new_password": "correct horse"}).insert()
    assert user.name == "pat@example.com"
    assert check_user_password("pat@example.com", "correct horse") == "pat@example.com"
    assert smooth.db.get_value("User", user.name, "new_password") is None
    auth = smooth.local.site.table("__Auth")
    stored = smooth.db.execute(select(auth.c.password, auth.c.encrypted).where(
        (auth.c.doctype == "User") & (auth.c.name == user.name) & (auth.c.fieldname == "password"))).one()
    assert stored[0].startswith("$argon2") and "correct horse" not in stored[0]
    assert stored[1] == 0


def test_the_product_hashes_passwords_at_argon2s_default_cost(product_password_hasher: PasswordHasher) -> None:
    """The suite hashes at argon2's smallest cost (tests/conftest.py); the product keeps argon2-cffi's defaults
    (RFC 9106's second recommended profile), and its hashes verify as any other."""
    default = PasswordHasher()
    stored = product_password_hasher.hash("correct horse")
    assert extract_parameters(stored) == extract_parameters(default.hash("x"))
    assert stored.startswith("$argon2id$") and default.memory_cost >= 65536
    assert verify_hash(stored, "correct horse") and not verify_hash(stored, "correct hors")


def test_wrong_user_password_raises_authentication_error(ctx):
    smooth.get_doc({"doctype": "User", "email": "kim@example.com", "first_name": "Kim",
                    "new_password": "right"}).insert()
    with pytest.raises(smooth.AuthenticationError, match="Invalid login credentials") as info:
        check_user_password("kim@example.com", "wrong")
    assert info.value.http_status_code == 401
    with pytest.raises(smooth.AuthenticationError):
        check_user_password("nobody@example.com", "right")


def test_user_password_can_be_changed_by_saving_new_password(ctx):
    user = smooth.get_doc({"doctype": "User", "email": "lee@example.com", "first_name": "Lee",
                           "new_password": "first"}).insert()
    user.new_password = "second"
    user.save()
    assert check_user_password("lee@example.com", "second") == "lee@example.com"
    with pytest.raises(smooth.AuthenticationError):
        check_user_password("lee@example.com", "first")
    with pytest.raises(smooth.DoesNotExistError):
        user.get_password("password")  # hashed: never readable back


def test_disabled_user_cannot_authenticate_even_with_the_right_password(ctx):
    user = smooth.get_doc({"doctype": "User", "email": "off@example.com", "first_name": "Off",
                           "new_password": "right"}).insert()
    user.enabled = 0
    user.save()
    with pytest.raises(smooth.AuthenticationError, match="disabled"):
        check_user_password("off@example.com", "right")


def test_int_beyond_the_column_range_is_refused_on_every_backend(ctx):
    with pytest.raises(smooth.DataError, match=r"Priority \(priority\) is out of range"):
        note(priority=2**31).insert()
    doc = note(priority=2**31 - 1).insert()
    assert smooth.db.get_value("Test Note", doc.name, "priority") == 2**31 - 1


def test_single_records_when_it_was_modified(ctx):
    assert smooth.get_doc("Test Single").modified is None
    saved = smooth.get_doc("Test Single").save()
    loaded = smooth.get_doc("Test Single")
    assert isinstance(loaded.modified, dt.datetime)
    assert loaded.modified == saved.modified


def test_a_datetime_with_an_offset_is_stored_and_compared_as_the_system_wall_clock(ctx):
    site = smooth.local.site
    previous = site.time_zone
    site.set_time_zone("Europe/Berlin")
    try:
        doc = smooth.get_doc({"doctype": "Test Note", "title": "tz", "happened_at": "2026-03-01T10:00:00Z"}).insert()
        assert smooth.db.get_value("Test Note", doc.name, "happened_at") == dt.datetime(2026, 3, 1, 11, 0)
        smooth.db.set_value("Test Note", doc.name, "happened_at", "2026-07-01T10:00:00+05:30")
        assert smooth.db.get_value("Test Note", doc.name, "happened_at") == dt.datetime(2026, 7, 1, 6, 30)
        assert smooth.get_all("Test Note", filters={"happened_at": "2026-07-01T04:30:00Z"}, pluck="name") == [doc.name]
        assert smooth.get_all("Test Note", filters={"happened_at": ["between", ["2026-07-01T04:00:00Z",
                                                                                "2026-07-01T05:00:00Z"]]},
                              pluck="name") == [doc.name]
        assert smooth.db.count("Test Note", {"happened_at": [">", "2026-07-01T05:00:00Z"]}) == 0
    finally:
        site.set_time_zone(previous)


def test_bulk_insert_writes_rows_as_new_documents_would_have_them_and_refuses_what_it_cannot(site: SiteHandle) -> None:
    """Frappe's `db.bulk_insert`: one multi-row INSERT, values coerced, and (beyond Frappe) name, stamps and
    defaults filled in; a repeated unique value raises or, with ignore_duplicates, is left out."""
    with site.context(user="Administrator"), smooth.unit_of_work():
        assert smooth.db.bulk_insert("Test Defaults", ["title", "level"], [["First", "3"], ["Second", 4]]) == 2
        rows = smooth.get_all("Test Defaults", fields=["name", "title", "level", "active", "rate", "owner",
                                                       "creation", "modified", "docstatus"], order_by="title asc")
        assert [(r["title"], r["level"], r["active"], r["rate"]) for r in rows] == [("First", 3, 1, 2.5),
                                                                                   ("Second", 4, 1, 2.5)]
        assert all(len(r["name"]) == 10 and r["owner"] == "Administrator" and r["creation"] == r["modified"]
                   and r["docstatus"] == 0 for r in rows)
        assert smooth.get_doc("Test Defaults", rows[0]["name"]).title == "First"  # a document like any other

        smooth.db.bulk_insert("Test Category", ["name", "category_name"], [["Tools", "Tools"]])
        with pytest.raises(smooth.DuplicateEntryError), smooth.savepoint():
            smooth.db.bulk_insert("Test Category", ["name", "category_name"], [["Parts", "Parts"], ["Tools", "Tools"]])
        assert smooth.db.bulk_insert("Test Category", ["name", "category_name"],
                                     [["Parts", "Parts"], ["Tools", "Tools"]], ignore_duplicates=True) == 2
        assert sorted(smooth.get_all("Test Category", pluck="name")) == ["Parts", "Tools"]

        with pytest.raises(smooth.ValidationError, match="has no column 'colour'"):
            smooth.db.bulk_insert("Test Record", ["title", "colour"], [["x", "red"]])
        with pytest.raises(smooth.ValidationError, match="needs each row's name"):
            smooth.db.bulk_insert("Test Category", ["category_name"], [["Nameless"]])
        with pytest.raises(smooth.ValidationError, match="Password field 'new_password'"):
            smooth.db.bulk_insert("User", ["name", "email", "new_password"], [["p@example.com", "p@example.com", "x"]])


def test_a_prepared_insert_stores_what_the_core_insert_stores(site: SiteHandle) -> None:
    """`insert_rows` runs an INSERT compiled once per table and column list (smooth.db.prepared): each column's
    stored form (SQLite keeps dates, times and decimals as text) is the one SQLAlchemy's own INSERT gives it,
    a column left out is NULL, and an unknown column is refused as before."""
    values = {"owner": "Administrator", "creation": dt.datetime(2026, 3, 29, 1, 30, 5, 120),
              "modified": dt.datetime(2026, 3, 29, 1, 30), "modified_by": "Administrator", "docstatus": 0, "idx": 0,
              "title": "Ünïcode ' \" %s %(x)s", "priority": 7, "amount": decimal.Decimal("12.345"), "ratio": 0.1,
              "due_date": dt.date(2026, 12, 31), "start_time": dt.time(9, 5, 7, 5),
              "happened_at": dt.datetime(2026, 1, 1), "duration": 90, "is_done": 1, "payload": '{"a": 1}',
              "notes": None}
    with site.context(user="Administrator"), smooth.unit_of_work():
        table = smooth.db.table("Test Note")
        smooth.db.insert_rows(table, [{"name": "prepared-1", **values}, {"name": "prepared-2", **values}])
        smooth.db.execute(insert(table), {"name": "core", **values}, write=True)
        columns = [table.c[c] for c in ("name", *values)]
        stored = {row[0]: row[1:] for row in smooth.db.execute(
            select(*(cast(c, String) for c in columns)).where(table.c.name.in_(["prepared-1", "prepared-2", "core"])))}
        assert stored["prepared-1"] == stored["prepared-2"] == stored["core"]
        assert smooth.get_doc("Test Note", "prepared-1").happened_at == dt.datetime(2026, 1, 1)

        smooth.db.insert_row(table, {"name": "sparse", "title": "Only a title", "owner": "Administrator",
                                     "creation": values["creation"], "modified": values["modified"]})
        assert smooth.db.get_value("Test Note", "sparse", ["title", "priority", "due_date"], as_dict=True) == {
            "title": "Only a title", "priority": None, "due_date": None}
        with pytest.raises(smooth.ValidationError, match="tabTest Note has no column 'colour'"):
            smooth.db.insert_row(table, {"name": "odd", "colour": "red"})


@pytest.mark.parametrize("value", [dt.datetime(1, 1, 1), dt.datetime(2026, 3, 29, 1, 30), dt.datetime(9999, 12, 31, 23,
                                   59, 59, 999999), dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.date(1, 1, 1),
                                   dt.date(2026, 12, 31), dt.time(0, 0), dt.time(23, 59, 59, 999999),
                                   dt.time(9, 5, tzinfo=dt.UTC), "2026-01-01 10:00:00", None])
def test_a_prepared_insert_writes_sqlite_dates_as_sqlalchemy_does(value: object) -> None:
    """The prepared INSERT writes SQLite's date and time text with `isoformat` (smooth.db.prepared): for any
    value, the text is the one SQLAlchemy's own processor gives, or SQLAlchemy's refusal."""
    dialect = sqlite.dialect()
    table = Table("tabProbe", MetaData(), Column("name", String(140)), Column("at", DateTime()),
                  Column("day", Date()), Column("clock", Time()))
    prepared = prepared_insert(table, dialect, ["name", "at", "day", "clock"])
    assert prepared is not None
    for column, position in (("at", 1), ("day", 2), ("clock", 3)):
        sqlalchemy_processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        try:
            expected: object = sqlalchemy_processor(value)
        except (TypeError, AttributeError) as exc:
            expected = type(exc)
        try:
            written: object = prepared.parameters({"name": "x", column: value})[position]
        except (TypeError, AttributeError) as exc:
            written = type(exc)
        assert written == expected, (column, value)
