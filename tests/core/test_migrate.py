"""`bench migrate`: idempotent schema sync that keeps data, and `migrate --check`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, Table, select

import smooth
from smooth.cli import cli
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
    table_names,
)

ITEM_FIELDS = [data_field("title", reqd=1), data_field("qty", "Int"), data_field("code")]


@pytest.fixture
def app(tmp_path: Path) -> MiniApp:
    mini = MiniApp(tmp_path)
    mini.doctype("Mig Item", ITEM_FIELDS, autoname="field:title")
    return mini


def insert_items(handle, *rows: dict) -> None:  # type: ignore[no-untyped-def]
    with handle.context():
        for row in rows:
            smooth.get_doc({"doctype": "Mig Item", **row}).insert()
        smooth.db.commit()


def raw_rows(handle, table: str = "tabMig Item") -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Rows read through reflection, so columns metadata no longer knows are visible too."""
    with handle.context():
        engine = smooth.local.site.engine
    live = Table(table, MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        return {row["name"]: dict(row) for row in conn.execute(select(live)).mappings()}


def edit_item(app: MiniApp, fields: list[dict], **extra) -> None:  # type: ignore[no-untyped-def]
    app.doctype("Mig Item", fields, autoname="field:title", **extra)


# -- idempotence --------------------------------------------------------------------------------


def test_second_migrate_issues_no_ddl(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        run_migrate(handle)
        with recorded_sql(handle) as statements:
            report, lines = run_migrate(handle)
        assert statements, "the listener saw nothing: it is not attached to the site's engine"
        assert ddl_in(statements) == []
        assert report.schema_changes == []
        assert any("no DDL issued" in line for line in lines)


def test_a_migrate_with_nothing_changed_compares_no_table(tmp_path: Path, backend: str, app: MiniApp) -> None:
    """The recorded table definitions spare the reflection of every table (most of a no-op migrate's time)."""
    with mini_site(tmp_path, backend, app) as handle:
        with recorded_sql(handle) as statements:
            _, lines = run_migrate(handle)
        assert any("(0 tables to compare)" in line for line in lines)
        reflection = ("PRAGMA MAIN.TABLE_", "PRAGMA MAIN.INDEX_", "SHOW CREATE TABLE", "SHOW FULL COLUMNS")
        assert not [s for s in statements if s.lstrip().upper().startswith(reflection)]
        edit_item(app, [*ITEM_FIELDS, data_field("colour")])
        _, lines = run_migrate(handle)
        assert any("(1 tables to compare)" in line for line in lines)


def test_compare_all_repairs_a_schema_changed_by_hand(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            engine = smooth.local.site.engine
        with engine.begin() as conn:
            on_table = " ON `tabMig Item`" if backend == "mariadb" else ""
            conn.exec_driver_sql(f"DROP INDEX ix_mig_item__modified{on_table}")
        report, _ = run_migrate(handle)
        assert report.schema_changes == []  # no doctype changed: no table compared
        with handle.context():
            assert "ix_mig_item__modified" in " ".join(check().changes)  # --check compares every table
        report, _ = run_migrate(handle, compare_all=True)
        assert "create index ix_mig_item__modified on tabMig Item" in report.schema_changes
        assert "ix_mig_item__modified" in indexes(handle, "tabMig Item")


def test_fresh_site_is_already_in_sync(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            plan = check()
        assert plan.changes == []
        assert not plan


# -- adding and changing fields -----------------------------------------------------------------


def test_added_field_adds_column_and_keeps_rows(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        insert_items(handle, {"title": "A", "qty": 3, "code": "x"}, {"title": "B", "qty": 4})
        edit_item(app, [*ITEM_FIELDS, data_field("colour")])
        report, _ = run_migrate(handle)
        assert any("add column tabMig Item.colour" in c for c in report.schema_changes)
        assert "colour" in columns(handle, "tabMig Item")
        rows = raw_rows(handle)
        assert rows["A"]["qty"] == 3 and rows["A"]["code"] == "x" and rows["A"]["colour"] is None
        assert rows["B"]["qty"] == 4 and rows["B"]["colour"] is None
        with handle.context():
            doc = smooth.get_doc("Mig Item", "A")
            doc.colour = "red"
            doc.save()
            smooth.db.commit()
            assert smooth.db.get_value("Mig Item", "A", "colour") == "red"


def test_added_search_index_field_creates_index(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        edit_item(app, [*ITEM_FIELDS, data_field("region", search_index=1)])
        report, _ = run_migrate(handle)
        found = indexes(handle, "tabMig Item")
        index = [i for i in found.values() if i["column_names"] == ["region"]]
        assert len(index) == 1 and not index[0]["unique"]
        assert any(f"create index {index[0]['name']}" in c for c in report.schema_changes)


def test_adding_unique_to_a_field_creates_a_unique_index(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        insert_items(handle, {"title": "A", "code": "c1"}, {"title": "B", "code": "c2"})
        edit_item(app, [data_field("title", reqd=1), data_field("qty", "Int"), data_field("code", unique=1)])
        run_migrate(handle)
        found = indexes(handle, "tabMig Item")
        assert [i["unique"] for i in found.values() if i["column_names"] == ["code"]] == [True]
        with handle.context(), pytest.raises(smooth.ValidationError, match="(?i)code"):
            smooth.get_doc({"doctype": "Mig Item", "title": "C", "code": "c1"}).insert()
        assert run_migrate(handle)[0].schema_changes == []


@pytest.mark.parametrize(("field", "old", "new", "rows", "expected"), [
    ("code", "Data", "Int", {"A": "12", "B": "-7"}, {"A": 12, "B": -7}),
    ("code", "Data", "Text", {"A": "long text " * 3, "B": "y"}, {"A": "long text " * 3, "B": "y"}),
    ("qty", "Int", "Float", {"A": 5, "B": -2}, {"A": 5.0, "B": -2.0}),
])
def test_type_change_alters_column_and_keeps_values(tmp_path: Path, backend: str, app: MiniApp, field: str,
                                                     old: str, new: str, rows: dict, expected: dict) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        insert_items(handle, *({"title": name, field: value} for name, value in rows.items()))
        changed = [data_field(f["fieldname"], new if f["fieldname"] == field else f["fieldtype"],
                              **({"reqd": 1} if f.get("reqd") else {})) for f in ITEM_FIELDS]
        edit_item(app, changed)
        before = type(columns(handle, "tabMig Item")[field]["type"])
        report, _ = run_migrate(handle)
        changes = report.schema_changes
        assert any(f"alter column tabMig Item.{field}" in c for c in changes), changes
        assert type(columns(handle, "tabMig Item")[field]["type"]) is not before
        with handle.context():
            values = dict(smooth.db.get_all("Mig Item", fields=["name", field], as_list=True))
        assert values == expected
        assert all(type(values[k]) is type(v) for k, v in expected.items())
        assert run_migrate(handle)[0].schema_changes == []


def test_data_length_change_alters_column(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        insert_items(handle, {"title": "A", "code": "short"})
        edit_item(app, [*ITEM_FIELDS[:2], data_field("code", length=300)])
        report, _ = run_migrate(handle)
        assert any("alter column tabMig Item.code" in c for c in report.schema_changes), report.schema_changes
        assert columns(handle, "tabMig Item")["code"]["type"].length == 300
        insert_items(handle, {"title": "B", "code": "z" * 300})
        with handle.context():
            assert smooth.db.get_value("Mig Item", "A", "code") == "short"
            assert smooth.db.get_value("Mig Item", "B", "code") == "z" * 300
        assert run_migrate(handle)[0].schema_changes == []


def test_new_doctype_creates_its_table(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        app.doctype("Mig Extra", [data_field("label")])
        report, _ = run_migrate(handle)
        assert "create table tabMig Extra" in report.schema_changes
        assert "tabMig Extra" in table_names(handle)
        with handle.context():
            smooth.get_doc({"doctype": "Mig Extra", "label": "hello"}).insert()
            smooth.db.commit()
            assert smooth.db.count("Mig Extra") == 1


# -- removing fields and doctypes ---------------------------------------------------------------


def test_removed_field_keeps_column_and_data(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        insert_items(handle, {"title": "A", "code": "keep-me"})
        edit_item(app, [data_field("title", reqd=1), data_field("qty", "Int")])
        report, lines = run_migrate(handle)
        assert report.kept_columns == ["tabMig Item.code"]
        assert report.schema_changes == []
        assert any("kept column tabMig Item.code" in line and "--drop-removed-columns" in line
                   for line in lines)
        assert raw_rows(handle)["A"]["code"] == "keep-me"
        insert_items(handle, {"title": "B", "qty": 1})
        assert raw_rows(handle)["B"]["code"] is None


def test_drop_removed_columns_drops_the_column(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        insert_items(handle, {"title": "A", "qty": 2, "code": "gone"})
        edit_item(app, [data_field("title", reqd=1), data_field("qty", "Int")])
        report, _ = run_migrate(handle, drop_removed_columns=True)
        assert "drop column tabMig Item.code" in report.schema_changes
        assert report.kept_columns == []
        assert "code" not in columns(handle, "tabMig Item")
        assert raw_rows(handle)["A"]["qty"] == 2


def test_removed_doctype_keeps_its_table(tmp_path: Path, backend: str, app: MiniApp) -> None:
    app.doctype("Mig Extra", [data_field("label")], autoname="field:label")
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            smooth.get_doc({"doctype": "Mig Extra", "label": "still here"}).insert()
            smooth.db.commit()
        app.remove_doctype("Mig Extra")
        report, _ = run_migrate(handle, drop_removed_columns=True)
        assert report.schema_changes == []
        assert "tabMig Extra" in table_names(handle)
        assert list(raw_rows(handle, "tabMig Extra")) == ["still here"]
        with handle.context():
            assert check().changes == []


# -- migrate --check ----------------------------------------------------------------------------


def test_check_reports_pending_changes_until_migrated(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        edit_item(app, [*ITEM_FIELDS, data_field("colour")])
        with handle.context():
            pending = check()
        assert pending.changes and any("tabMig Item.colour" in c for c in pending.changes)
        assert "colour" not in columns(handle, "tabMig Item"), "check() must not change the database"
        run_migrate(handle)
        with handle.context():
            assert check().changes == []


def test_cli_migrate_check_exit_codes(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        base = ["--sites-path", str(handle.sites_path), "--site", handle.name, "migrate"]
        runner = CliRunner()
        clean = runner.invoke(cli, [*base, "--check"])
        assert clean.exit_code == 0, clean.output
        assert "database and metadata agree" in clean.output
        edit_item(app, [*ITEM_FIELDS, data_field("colour")])
        pending = runner.invoke(cli, [*base, "--check"])
        assert pending.exit_code == 1, pending.output
        assert "pending: add column tabMig Item.colour" in pending.output
        migrated = runner.invoke(cli, base)
        assert migrated.exit_code == 0, migrated.output
        assert "1 schema changes" in migrated.output
        after = runner.invoke(cli, [*base, "--check"])
        assert after.exit_code == 0, after.output


@pytest.mark.processes
def test_bench_executable_migrate_check(tmp_path: Path, backend: str, app: MiniApp) -> None:
    """The installed `bench` script, as an administrator runs it (sites path from the environment)."""
    bench = Path(sys.executable).parent / "bench"
    with mini_site(tmp_path, backend, app) as handle:
        edit_item(app, [*ITEM_FIELDS, data_field("colour")])
        env = {**os.environ, "SMOOTH_SITES_PATH": str(handle.sites_path)}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([str(bench), "--site", handle.name, "migrate", *args], env=env,
                                  capture_output=True, text=True, timeout=120)

        pending = run("--check")
        assert pending.returncode == 1, pending.stdout + pending.stderr
        assert "tabMig Item.colour" in pending.stdout
        migrated = run()
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        assert "no DDL issued" not in migrated.stdout
        agreed = run("--check")
        assert agreed.returncode == 0, agreed.stdout + agreed.stderr
        again = run()
        assert "schema is up to date: no DDL issued" in again.stdout


def test_cli_reports_kept_columns_and_drops_them_on_request(tmp_path: Path, backend: str,
                                                            app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        insert_items(handle, {"title": "A", "code": "old"})
        edit_item(app, ITEM_FIELDS[:2])
        base = ["--sites-path", str(handle.sites_path), "--site", handle.name, "migrate"]
        runner = CliRunner()
        checked = runner.invoke(cli, [*base, "--check"])
        assert checked.exit_code == 0, "a kept column is not a pending change"
        assert "removed from metadata, still in the database: tabMig Item.code" in checked.output
        kept = runner.invoke(cli, base)
        assert kept.exit_code == 0 and "kept column tabMig Item.code" in kept.output
        assert raw_rows(handle)["A"]["code"] == "old"
        dropped = runner.invoke(cli, [*base, "--drop-removed-columns"])
        assert dropped.exit_code == 0, dropped.output
        assert "drop column tabMig Item.code" in dropped.output
        assert "code" not in columns(handle, "tabMig Item")
