"""How doctype metadata becomes tables and indexes, and how schema sync keeps them matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

import smooth
from smooth.db.schema import MAX_INDEX_NAME, index_name
from smooth.migrate import check
from tests.core._mini_app import (
    MiniApp,
    columns,
    data_field,
    ddl_in,
    indexes,
    mini_site,
    recorded_sql,
    run_migrate,
)

MARIADB_IDENTIFIER_LIMIT = 64
STANDARD = ["name", "owner", "creation", "modified", "modified_by", "docstatus", "idx"]


def all_index_names(handle) -> list[str]:  # type: ignore[no-untyped-def]
    with handle.context():
        engine = smooth.local.site.engine
    inspector = inspect(engine)
    names = []
    for table in inspector.get_table_names():
        names.extend(i["name"] for i in inspector.get_indexes(table))
    return names


def test_doctype_table_has_the_standard_columns(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path)
    app.doctype("Mig Parent", [data_field("title"), data_field("rows", "Table", options="Mig Row")])
    app.doctype("Mig Row", [data_field("label")], istable=1)
    with mini_site(tmp_path, backend, app) as handle:
        parent = columns(handle, "tabMig Parent")
        assert list(parent) == [*STANDARD, "title"], "Table fields have no column of their own"
        assert parent["docstatus"]["nullable"] is False and parent["idx"]["nullable"] is False
        assert parent["name"]["type"].length == 140
        with handle.context():
            engine = smooth.local.site.engine
        assert inspect(engine).get_pk_constraint("tabMig Parent")["constrained_columns"] == ["name"]
        child = columns(handle, "tabMig Row")
        assert list(child) == [*STANDARD, "parent", "parenttype", "parentfield", "label"]
        assert [i["column_names"] for i in indexes(handle, "tabMig Row").values()] == [["parent"]]
        assert [i["column_names"] for i in indexes(handle, "tabMig Parent").values()] == [["modified"]]
        with handle.context():
            doc = smooth.get_doc({"doctype": "Mig Parent", "title": "p",
                                  "rows": [{"label": "a"}, {"label": "b"}]})
            doc.insert()
            smooth.db.commit()
            rows = smooth.db.get_all("Mig Row", order_by="idx asc",
                                     fields=["parent", "parenttype", "parentfield", "idx", "label"])
        assert rows == [
            {"parent": doc.name, "parenttype": "Mig Parent", "parentfield": "rows", "idx": 1, "label": "a"},
            {"parent": doc.name, "parenttype": "Mig Parent", "parentfield": "rows", "idx": 2, "label": "b"},
        ]


EVERY_TYPE = [
    data_field("f_data"), data_field("f_int", "Int"), data_field("f_check", "Check"),
    data_field("f_long_int", "Long Int"), data_field("f_float", "Float"),
    data_field("f_currency", "Currency"),
    data_field("f_percent", "Percent"), data_field("f_date", "Date"), data_field("f_time", "Time"),
    data_field("f_datetime", "Datetime"), data_field("f_small_text", "Small Text"),
    data_field("f_text", "Text"),
    data_field("f_long_text", "Long Text", search_index=1), data_field("f_code", "Code"),
    data_field("f_json", "JSON"), data_field("f_select", "Select", options="\nA\nB"),
    data_field("f_link", "Link", options="User"), data_field("f_password", "Password"),
    data_field("f_phone", "Phone", length=20), data_field("f_attach", "Attach"),
    data_field("f_section", "Section Break"), data_field("f_column", "Column Break"),
]


def test_every_fieldtype_syncs_without_ddl_on_second_migrate(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path)
    app.doctype("Mig Everything", EVERY_TYPE)
    with mini_site(tmp_path, backend, app) as handle:
        live = columns(handle, "tabMig Everything")
        assert "f_section" not in live and "f_column" not in live
        assert live["f_phone"]["type"].length == 20
        live_indexes = indexes(handle, "tabMig Everything").values()
        assert not any(i["column_names"] == ["f_long_text"] for i in live_indexes)
        with recorded_sql(handle) as statements:
            report, _ = run_migrate(handle)
        assert report.schema_changes == [] and ddl_in(statements) == []


def test_float_fields_read_back_as_float(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path)
    app.doctype("Mig Money", [data_field("amount", "Currency"), data_field("rate", "Float")])
    with mini_site(tmp_path, backend, app) as handle, handle.context():
        doc = smooth.get_doc({"doctype": "Mig Money", "amount": 5, "rate": 2.5}).insert()
        smooth.db.commit()
        row = smooth.db.get_value("Mig Money", doc.name, ["amount", "rate"], as_dict=True)
        assert row == {"amount": 5.0, "rate": 2.5}
        assert type(row["amount"]) is float
        assert type(smooth.get_doc("Mig Money", doc.name).amount) is float


# -- index names --------------------------------------------------------------------------------


def test_index_names_are_short_and_unique_for_long_doctype_names(tmp_path: Path, backend: str) -> None:
    stem = "Mig Very Long Doctype Name For Index Naming Checks"
    first, second = f"{stem} Alpha", f"{stem} Bravo"
    assert len("tab" + first) <= MARIADB_IDENTIFIER_LIMIT
    long_field = "a_rather_long_field_name_that_is_indexed"
    app = MiniApp(tmp_path)
    for name in (first, second):
        app.doctype(name, [data_field(long_field, search_index=1), data_field("code", unique=1)],
                    indexes=[[long_field, "code"]])
    with mini_site(tmp_path, backend, app) as handle:
        names = [n for n in all_index_names(handle) if n.startswith(("ix_", "ux_"))]
        ours = [n for n in names if n.startswith(("ix_mig_very", "ux_mig_very"))]
        assert len(ours) == 2 * 4  # modified, the long field, the unique code, the composite
        assert all(len(n) <= MAX_INDEX_NAME <= MARIADB_IDENTIFIER_LIMIT for n in names)
        assert len(set(names)) == len(names)
        assert run_migrate(handle)[0].schema_changes == []


def test_index_name_keeps_a_readable_prefix_and_a_digest_when_truncated() -> None:
    long_name = index_name("tabMig " + "X" * 80, ["field_one", "field_two"])
    assert len(long_name) == MAX_INDEX_NAME and long_name.startswith("ix_mig_xxx")
    assert index_name("tabMig " + "X" * 80, ["field_one", "field_three"]) != long_name
    assert index_name("tabMig Item", ["code"], unique=True) == "ux_mig_item__code"


def test_same_fieldname_in_two_doctypes_gets_two_index_names(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path)
    app.doctype("Mig Left", [data_field("code", unique=1)])
    app.doctype("Mig Right", [data_field("code", unique=1)])
    with mini_site(tmp_path, backend, app) as handle:
        left = {n for n, i in indexes(handle, "tabMig Left").items() if i["column_names"] == ["code"]}
        right = {n for n, i in indexes(handle, "tabMig Right").items() if i["column_names"] == ["code"]}
        assert left == {"ux_mig_left__code"} and right == {"ux_mig_right__code"}


# -- composite indexes --------------------------------------------------------------------------


COMPOSITE_FIELDS = [data_field("region"), data_field("code"), data_field("period"), data_field("title")]


def test_composite_indexes_from_json(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path)
    app.doctype("Mig Combo", COMPOSITE_FIELDS,
                indexes=[["region", "code"], {"fields": ["code", "period"], "unique": 1}])
    with mini_site(tmp_path, backend, app) as handle:
        found = {tuple(i["column_names"]): bool(i["unique"])
                 for i in indexes(handle, "tabMig Combo").values()}
        assert found[("region", "code")] is False
        assert found[("code", "period")] is True
        with handle.context():
            smooth.get_doc({"doctype": "Mig Combo", "code": "c", "period": "2026-01"}).insert()
            smooth.get_doc({"doctype": "Mig Combo", "code": "c", "period": "2026-02"}).insert()
            with pytest.raises(smooth.DuplicateEntryError, match="Code, Period"):
                smooth.get_doc({"doctype": "Mig Combo", "code": "c", "period": "2026-01"}).insert()
            smooth.db.rollback()


def test_composite_index_added_and_removed_by_migrate(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path)
    app.doctype("Mig Combo", COMPOSITE_FIELDS)
    with mini_site(tmp_path, backend, app) as handle:
        app.doctype("Mig Combo", COMPOSITE_FIELDS, indexes=[{"fields": ["region", "period"], "unique": 1}])
        report, _ = run_migrate(handle)
        name = index_name("tabMig Combo", ["region", "period"], unique=True)
        assert report.schema_changes == [f"create unique index {name} on tabMig Combo"]
        assert indexes(handle, "tabMig Combo")[name]["unique"]
        app.doctype("Mig Combo", COMPOSITE_FIELDS)
        report, _ = run_migrate(handle)
        assert report.schema_changes == [f"drop index {name} on tabMig Combo"]
        assert name not in indexes(handle, "tabMig Combo")


def test_type_change_keeps_the_tables_indexes(tmp_path: Path, backend: str) -> None:
    """SQLite rebuilds the table for a type change: every index must come back."""
    fields = [data_field("region", search_index=1), data_field("code", unique=1), data_field("amount")]
    app = MiniApp(tmp_path)
    app.doctype("Mig Combo", fields, indexes=[["region", "code"]])
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            smooth.get_doc({"doctype": "Mig Combo", "region": "north", "code": "a", "amount": "7"}).insert()
            smooth.db.commit()
        before = index_shapes(handle)
        app.doctype("Mig Combo", [*fields[:2], data_field("amount", "Int")], indexes=[["region", "code"]])
        report, _ = run_migrate(handle)
        assert report.schema_changes == ["alter column tabMig Combo.amount (type VARCHAR(140) -> INTEGER)"]
        assert index_shapes(handle) == before
        with handle.context():
            assert smooth.db.get_value("Mig Combo", {"code": "a"}, "amount") == 7


def index_shapes(handle) -> dict[str, tuple[list[str], bool]]:  # type: ignore[no-untyped-def]
    return {n: (i["column_names"], bool(i["unique"])) for n, i in indexes(handle, "tabMig Combo").items()}


def test_removed_indexed_field_kept_then_dropped(tmp_path: Path, backend: str) -> None:
    fields = [data_field("title"), data_field("region", search_index=1)]
    app = MiniApp(tmp_path)
    app.doctype("Mig Combo", fields)
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            smooth.get_doc({"doctype": "Mig Combo", "title": "t", "region": "west"}).insert()
            smooth.db.commit()
        app.doctype("Mig Combo", fields[:1])
        report, _ = run_migrate(handle)
        assert report.kept_columns == ["tabMig Combo.region"]
        assert "region" in columns(handle, "tabMig Combo")
        assert run_migrate(handle)[0].schema_changes == []
        report, _ = run_migrate(handle, drop_removed_columns=True)
        assert "drop column tabMig Combo.region" in report.schema_changes
        assert "region" not in columns(handle, "tabMig Combo")
        with handle.context():
            assert smooth.db.get_value("Mig Combo", {"title": "t"}, "title") == "t"


def test_tables_and_indexes_smooth_does_not_manage_are_left_alone(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path)
    app.doctype("Mig Combo", COMPOSITE_FIELDS)
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            engine = smooth.local.site.engine
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE custom_report_cache (id INTEGER PRIMARY KEY, payload TEXT)"))
            conn.execute(text("CREATE INDEX dba_combo_title ON `tabMig Combo` (title)"))
            conn.execute(text("CREATE UNIQUE INDEX dba_combo_pair ON `tabMig Combo` (region, period)"))
        with handle.context():
            assert check().changes == []
        with recorded_sql(handle) as statements:
            report, _ = run_migrate(handle, drop_removed_columns=True)
        assert report.schema_changes == [] and ddl_in(statements) == []
        assert "custom_report_cache" in inspect(engine).get_table_names()
        assert {"dba_combo_title", "dba_combo_pair"} <= set(indexes(handle, "tabMig Combo"))


def test_removed_field_survives_a_type_change_in_the_same_table(tmp_path: Path, backend: str) -> None:
    """SQLite's table rebuild for the type change must carry the kept column and its data along."""
    app = MiniApp(tmp_path)
    app.doctype("Mig Combo", [data_field("title"), data_field("legacy"), data_field("amount")])
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            row = {"doctype": "Mig Combo", "title": "t", "legacy": "old data", "amount": "12"}
            smooth.get_doc(row).insert()
            smooth.db.commit()
        app.doctype("Mig Combo", [data_field("title"), data_field("amount", "Int")])
        report, _ = run_migrate(handle)
        assert report.kept_columns == ["tabMig Combo.legacy"]
        assert report.schema_changes == ["alter column tabMig Combo.amount (type VARCHAR(140) -> INTEGER)"]
        with handle.context():
            engine = smooth.local.site.engine
        with engine.connect() as conn:
            row = conn.execute(text("SELECT legacy, amount FROM `tabMig Combo`")).one()
        assert tuple(row) == ("old data", 12)


def test_a_text_field_turned_number_keeps_its_numbers_and_blanks_become_null(tmp_path: Path, backend: str) -> None:
    """Rating was stored as text before it was a number (Frappe's fraction); a blank left by a form
    must not stop MariaDB's strict ALTER."""
    app = MiniApp(tmp_path)
    app.doctype("Mig Rated", [data_field("label"), data_field("score")])
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            for label, score in (("rated", "0.8"), ("blank", "")):
                smooth.get_doc({"doctype": "Mig Rated", "label": label, "score": score}).insert()
            smooth.db.commit()
        app.doctype("Mig Rated", [data_field("label"), data_field("score", "Rating")])
        run_migrate(handle)
        with handle.context():
            assert dict(smooth.get_all("Mig Rated", fields=["label", "score"], as_list=True)) == {
                "rated": 0.8, "blank": None}
