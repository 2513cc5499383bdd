"""`bench check`: every problem of every app file, each with a stable id and a hint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from smooth.cli import cli, main
from smooth.lint import lint_apps
from smooth.meta.checks import Issue, check_doctype
from smooth.meta.registry import MetaRegistry
from smooth.site import write_config
from tests.core._app_builder import ThrowawayApp, field

SITE = "lint.test"


def _site_for(tmp_path: Path, *apps: ThrowawayApp) -> Path:
    """A site config naming the apps (bench check reads no database)."""
    sites = tmp_path / "sites"
    write_config(sites, SITE, {"db_path": "site.sqlite3", "apps": [str(a.path) for a in apps]})
    return sites


def _clean_app(tmp_path: Path) -> ThrowawayApp:
    app = ThrowawayApp(tmp_path, prefix="Lint Test")
    app.python("handlers", "def validate(doc, method=None):\n    pass\n")
    app.hooks(f'doc_events = {{"Lint Note": {{"validate": "{app.package}.handlers.validate"}}}}\n'
              'fixtures = ["Lint Note"]\n')
    app.doctype("Lint Note", [field("title", reqd=1), field("rows", "Table", options="Lint Row"),
                              field("role", "Link", options="Role")], autoname="field:title")
    app.doctype("Lint Row", [field("value", "Int")], istable=1)
    app.patches("[pre_model_sync]\n[post_model_sync]\nexecute:print('hi')\n")
    app.fixture("lint_note.json", json.dumps([{"doctype": "Lint Note", "title": "One"}]))
    return app


def _broken_app(tmp_path: Path) -> ThrowawayApp:
    """One mistake of each kind, in separate files."""
    app = ThrowawayApp(tmp_path, prefix="Lint Test")
    app.python("handlers", "def validate(doc, method=None):\n    pass\n")
    app.hooks(f"""
        doc_events = {{"Lint Note": {{"validate": "{app.package}.handlerz.validate",
                                      "on_update": "{app.package}.handlers.on_updat"}}}}
    """)
    app.raw_doctype("malformed_doc", '{\n "name": "Malformed Doc",\n "fields": [,]\n}\n')
    app.doctype("Typo Doc", [field("amount", "Currancy")])
    app.doctype("Twice Doc", [field("title"), field("title")])
    app.doctype("Linking Doc", [field("customer", "Link", options="Customer")])
    app.doctype("Not Child", [field("value")])
    app.doctype("Parent Doc", [field("rows", "Table", options="Not Child")])
    app.patches("[pre_model_sync]\n[during_model_sync]\n")
    app.fixture("broken.json", '[{"doctype": "Role",\n "role_name": "x"\n')
    return app


def test_clean_app_has_no_issues(tmp_path: Path) -> None:
    app = _clean_app(tmp_path)
    assert lint_apps(_site_for(tmp_path, app), SITE) == []


def test_bench_check_on_a_clean_app_exits_0(tmp_path: Path) -> None:
    sites = _site_for(tmp_path, _clean_app(tmp_path))
    result = CliRunner().invoke(cli, ["--sites-path", str(sites), "--site", SITE, "check"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_lint_lists_every_issue_with_its_id(tmp_path: Path) -> None:
    app = _broken_app(tmp_path)
    issues = lint_apps(_site_for(tmp_path, app), SITE)
    ids = sorted(i.id for i in issues)
    assert ids == sorted(["meta.E001", "meta.E003", "meta.E004", "meta.E023", "meta.E025", "hooks.E002",
                          "hooks.E002", "patches.E001", "fixtures.E001"])
    assert all(i.level == "error" for i in issues)
    assert all(i.hint for i in issues), [str(i) for i in issues if not i.hint]


def _by_id(issues: list[Issue], issue_id: str) -> list[Issue]:
    return [i for i in issues if i.id == issue_id]


def test_each_issue_names_its_file_and_field(tmp_path: Path) -> None:
    app = _broken_app(tmp_path)
    issues = lint_apps(_site_for(tmp_path, app), SITE)
    doctypes = app.package_path / "doctype"

    (malformed,) = _by_id(issues, "meta.E001")
    assert malformed.path == str(doctypes / "malformed_doc" / "malformed_doc.json")
    assert "line 3" in malformed.message
    (unknown,) = _by_id(issues, "meta.E003")
    assert (Path(unknown.path).name, unknown.field) == ("typo_doc.json", "amount")
    (duplicate,) = _by_id(issues, "meta.E004")
    assert (Path(duplicate.path).name, duplicate.field) == ("twice_doc.json", "title")
    (link,) = _by_id(issues, "meta.E023")
    assert (Path(link.path).name, link.field) == ("linking_doc.json", "customer")
    (table,) = _by_id(issues, "meta.E025")
    assert (Path(table.path).name, table.field) == ("parent_doc.json", "rows")
    hooks = _by_id(issues, "hooks.E002")
    assert {Path(i.path) for i in hooks} == {app.path / "hooks.py"}
    assert any("handlerz.validate" in i.message for i in hooks)
    assert any("handlers.on_updat" in i.message for i in hooks)
    (patches,) = _by_id(issues, "patches.E001")
    assert "[during_model_sync]" in patches.message
    (fixture,) = _by_id(issues, "fixtures.E001")
    assert fixture.path == str(app.path / "fixtures" / "broken.json")


def test_bench_check_prints_every_issue_and_exits_1(tmp_path: Path) -> None:
    sites = _site_for(tmp_path, _broken_app(tmp_path))
    result = CliRunner().invoke(cli, ["--sites-path", str(sites), "--site", SITE, "check"])
    assert result.exit_code == 1
    for issue_id in ("meta.E001", "meta.E003", "meta.E004", "meta.E023", "meta.E025", "hooks.E002",
                     "patches.E001", "fixtures.E001"):
        assert issue_id in result.output
    assert result.output.count("hint:") == 9
    assert "9 error(s)" in result.output
    assert "Traceback" not in result.output


def test_bench_check_entry_point_exits_1_on_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = _site_for(tmp_path, _broken_app(tmp_path))
    with pytest.raises(SystemExit) as exited:
        main(["--sites-path", str(sites), "--site", SITE, "check"])
    assert exited.value.code == 1
    assert "9 error(s)" in capsys.readouterr().out


def test_bench_check_uses_the_current_site(tmp_path: Path) -> None:
    sites = _site_for(tmp_path, _broken_app(tmp_path))
    runner = CliRunner()
    assert runner.invoke(cli, ["--sites-path", str(sites), "use", SITE]).exit_code == 0
    result = runner.invoke(cli, ["--sites-path", str(sites), "check"])
    assert result.exit_code == 1
    assert "meta.E003" in result.output


def test_unloadable_hooks_file_is_reported_and_other_apps_still_checked(tmp_path: Path) -> None:
    broken_hooks = ThrowawayApp(tmp_path, prefix="Lint Test")
    (broken_hooks.path / "hooks.py").write_text("doc_events = {\n")
    other = ThrowawayApp(tmp_path, prefix="Lint Test")
    other.doctype("Other Doc", [field("x", "Nope")])
    issues = lint_apps(_site_for(tmp_path, broken_hooks, other), SITE)
    assert [i.id for i in issues] == ["hooks.E001", "meta.E003"]
    assert "SyntaxError" in issues[0].message


def test_patch_module_that_does_not_exist(tmp_path: Path) -> None:
    app = _clean_app(tmp_path)
    app.python("patch_ok", "def execute():\n    pass\n")
    app.patches(f"{app.package}.patch_ok\n{app.package}.patch_typo\n")
    (issue,) = lint_apps(_site_for(tmp_path, app), SITE)
    assert issue.id == "patches.E002"
    assert f"{app.package}.patch_typo" in issue.message


def test_fixture_record_of_unknown_doctype(tmp_path: Path) -> None:
    app = _clean_app(tmp_path)
    app.fixture("stray.json", json.dumps([{"doctype": "Lint Nope", "title": "x"}]))
    (issue,) = lint_apps(_site_for(tmp_path, app), SITE)
    assert issue.id == "fixtures.E002"
    assert "'Lint Nope'" in issue.message


def test_user_data_fields_naming_what_the_apps_do_not_have(tmp_path: Path) -> None:
    app = _clean_app(tmp_path)
    app.hooks('user_data_fields = [{"doctype": "Lint Note", "filter_by": "owner", "partial": 1, '
              '"redact_fields": ["title"]}, {"doctype": "Lint Row", "filter_by": "value"}, '
              '{"doctype": "Lint Nope"}, {"doctype": "Lint Note", "filter_by": "author"}, '
              '{"doctype": "Lint Note", "filter_by": "rows.who"}, '
              '{"doctype": "Lint Note", "partial": 1, "redact_fields": ["titel"]}]\n')
    issues = lint_apps(_site_for(tmp_path, app), SITE)
    assert [(i.id, i.message.removeprefix("user_data_fields: ")) for i in issues] == [
        ("hooks.E006", "doctype 'Lint Nope' does not exist"),
        ("hooks.E006", "Lint Note has no field 'author' to find a person by"),
        ("hooks.E006", "Lint Note has no child table field 'rows.who'"),
        ("hooks.E006", "Lint Note has no field 'titel' to redact or rewrite")]
    assert issues[0].path.endswith("hooks.py")


def test_bench_check_for_a_missing_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = _site_for(tmp_path, _clean_app(tmp_path))
    with pytest.raises(SystemExit) as exited:
        main(["--sites-path", str(sites), "--site", "nope.test", "check"])
    assert exited.value.code == 2  # a --site naming no site is a usage error
    err = capsys.readouterr().err
    assert err.startswith("Error: Site 'nope.test' does not exist")
    assert "Traceback" not in err


def test_every_check_condition_has_an_id_of_its_own() -> None:
    """One id, one condition: a reader of `bench check` output can look an id up and find one rule."""
    root = Path(__file__).resolve().parents[2] / "smooth"
    sources = "\n".join(p.read_text() for p in (root / "meta" / "checks.py", root / "meta" / "registry.py"))
    ids = re.findall(r'"(meta\.E\d{3})"', sources)
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def _frappe_style_app(tmp_path: Path) -> ThrowawayApp:
    """A doctype written as Frappe apps write them: keys Smooth does not implement, an old
    permission key, a condition beyond the grammar. None of it may refuse the app."""
    app = ThrowawayApp(tmp_path, prefix="Lint Test")
    app.doctype("Frappe Style", [field("title", bold=1, report_hide=1, print_width="100px"),
                                 field("stage", depends_on="eval:frappe.user.has_role('Manager')", colour=1),
                                 field("note", hidden=0, bold=0), field("sign", "Signature")],
                permissions=[{"role": "System Manager", "read": 1, "set_user_permissions": 1}],
                quick_entry=1, editable_grid=1, engine="InnoDB", naming_rule="Random", modified="2024-01-01",
                allow_import=0, colour_scheme="dark")
    return app


def test_keys_smooth_does_not_implement_are_warnings_naming_the_key_and_the_file(tmp_path: Path) -> None:
    app = _frappe_style_app(tmp_path)
    issues = lint_apps(_site_for(tmp_path, app), SITE)
    assert all(i.level == "warning" for i in issues), [str(i) for i in issues]
    assert all(i.path.endswith("frappe_style.json") for i in issues)
    found = {(i.id, i.field or re.findall(r"key '(\w+)'", i.message)[0]) for i in issues}
    assert found == {("meta.W001", "editable_grid"), ("meta.W001", "quick_entry"), ("meta.W003", "colour_scheme"),
                     ("meta.W002", "bold"), ("meta.W002", "report_hide"), ("meta.W002", "print_width"),
                     ("meta.W003", "colour"), ("meta.W004", "set_user_permissions"), ("meta.W005", "stage"),
                     ("meta.W006", "sign")}
    bold = next(i for i in issues if "'bold'" in i.message)
    assert "set on title" in bold.message and "note" not in bold.message  # bold: 0 asks for the default
    result = CliRunner().invoke(cli, ["--sites-path", str(_site_for(tmp_path, app)), "--site", SITE, "check"])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 10 warning(s)" in result.output


def test_a_doctype_with_keys_smooth_does_not_implement_still_loads(tmp_path: Path) -> None:
    app = _frappe_style_app(tmp_path)
    registry = MetaRegistry([app.load()])  # strict: raises on any error
    assert registry.get("Frappe Style").get_field("stage") is not None


def test_uppercase_fieldnames_pass_as_in_frappe_unless_they_are_another_column() -> None:
    """Column names are case-insensitive on both backends: "Name" is the standard column, "id" and "ID" one column."""
    def ids(*fieldnames: str) -> list[tuple[str, str]]:
        data = {"name": "Upper", "fields": [{"fieldname": f, "fieldtype": "Data"} for f in fieldnames]}
        return [(i.id, i.field) for i in check_doctype(data, None)]

    assert ids("ID", "Customer_Code") == []
    assert ids("Name", "id", "ID", "2nd") == [("meta.E022", "Name"), ("meta.E004", "ID"), ("meta.E008", "2nd")]
