"""Custom Fields, Property Setters and Frappe-shaped fixtures (Print Format, Email Template, Workflow).

One app written here ships every record the way Frappe's `bench export-fixtures` writes them (a
list of dicts with `doctype` and `name`, Frappe's keys, including ones Smooth does not use), plus a
`print_format/` folder in its module; one site per backend installs it. Columns and DDL are
checked on both backends; what does not depend on the dialect (overrides, workflow conditions,
templates, the Customize Form page) runs on SQLite only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import smooth
from smooth.email.rendering import render_template
from smooth.exceptions import MandatoryError, ValidationError, WorkflowPermissionError
from smooth.expressions import ExpressionError
from smooth.fixtures import export_fixtures
from smooth.lint import lint_apps
from smooth.pages.desk import cells
from smooth.python_expressions import check, default_functions, evaluate, frappe_functions
from smooth.site import Site, write_config
from tests.api.helpers import Api, set_site_config
from tests.api.serving import running_server
from tests.conftest import BACKENDS, SessionPool, SiteHandle, create_site, drop_site, make_user
from tests.core._app_builder import ThrowawayApp, field
from tests.core._mini_app import MiniApp, columns, data_field, ddl_in, recorded_sql, run_migrate

GADGET = "Cust Gadget"
REVIEWER_ROLE = "Gadget Reviewer"
MAKER_ROLE = "Gadget Maker"
HOOKS = 'fixtures = ["Custom Field", {"dt": "Property Setter", "filters": [["doc_type", "=", "User"]]}]\n'

# Frappe's export shape: every key of the record, some Smooth does not know (is_virtual, print_hide...)
CUSTOM_FIELDS = [
    {"doctype": "Custom Field", "name": "User-custom_shirt_size", "dt": "User", "fieldname": "custom_shirt_size",
     "label": "Shirt Size", "fieldtype": "Select", "options": "\nS\nM\nL", "insert_after": "last_name",
     "module": None, "is_system_generated": 0, "is_virtual": 0, "print_hide": 0, "allow_in_quick_entry": 0,
     "modified": "2024-05-02 10:11:12.000000", "owner": "Administrator", "docstatus": 0, "idx": 0},
    {"doctype": "Custom Field", "name": f"{GADGET}-custom_weight", "dt": GADGET, "fieldname": "custom_weight",
     "label": "Weight", "fieldtype": "Float", "insert_after": "title", "precision": "", "non_negative": 0},
]
PROPERTY_SETTERS = [
    {"doctype": "Property Setter", "name": "User-last_name-label", "doc_type": "User", "doctype_or_field": "DocField",
     "field_name": "last_name", "property": "label", "property_type": "Data", "value": "Family Name",
     "is_system_generated": 0, "row_name": None, "default_value": None},
    {"doctype": "Property Setter", "name": f"{GADGET}-notes-reqd", "doc_type": GADGET,
     "doctype_or_field": "DocField", "field_name": "notes", "property": "reqd", "property_type": "Check",
     "value": "1"},
    {"doctype": "Property Setter", "name": f"{GADGET}-main-description", "doc_type": GADGET,
     "doctype_or_field": "DocType", "property": "description", "property_type": "Text", "value": "Gadgets, customized"},
]
EMAIL_TEMPLATES = [
    {"doctype": "Email Template", "name": "Gadget Review Needed", "subject": "Review {{ title }}", "use_html": 0,
     "response": "<p>Please review <b>{{ doc.title }}</b> (weight {{ custom_weight }}).</p>", "response_html": None},
]
WORKFLOW_STATES = [{"doctype": "Workflow State", "name": s, "workflow_state_name": s, "style": ""}
                   for s in ("Gadget Draft", "Gadget Approved")]
WORKFLOW_ACTIONS = [{"doctype": "Workflow Action Master", "name": "Approve Gadget",
                     "workflow_action_name": "Approve Gadget"}]
# the condition as Frappe users write it: the session user, frappe.utils and a read through frappe.db
CONDITION = ("frappe.session.user == frappe.db.get_value('Cust Gadget', doc.name, 'reviewer') "
             "and frappe.utils.getdate(doc.creation) <= frappe.utils.getdate(frappe.utils.nowdate())")
WORKFLOWS = [{
    "doctype": "Workflow", "name": "Gadget Review", "workflow_name": "Gadget Review", "document_type": GADGET,
    "is_active": 1, "override_status": 0, "send_email_alert": 1, "workflow_state_field": "workflow_state",
    "states": [
        {"state": "Gadget Draft", "doc_status": "0", "allow_edit": MAKER_ROLE, "send_email": 1,
         "next_action_email_template": "Gadget Review Needed", "avoid_status_override": 0,
         "doctype": "Workflow Document State"},
        {"state": "Gadget Approved", "doc_status": "0", "allow_edit": REVIEWER_ROLE, "avoid_status_override": 1,
         "doctype": "Workflow Document State"}],
    "transitions": [
        {"state": "Gadget Draft", "action": "Approve Gadget", "next_state": "Gadget Approved", "allowed": REVIEWER_ROLE,
         "allow_self_approval": 1, "send_email_to_creator": 1, "condition": CONDITION,
         "doctype": "Workflow Transition"}],
}]
# Frappe's "Export Customizations" file, <module>/custom/user.json
USER_CUSTOMIZATIONS = {
    "doctype": "User", "sync_on_migrate": 1, "custom_perms": [], "links": [],
    "custom_fields": [{"name": "User-custom_nickname", "dt": "User", "fieldname": "custom_nickname",
                       "label": "Nickname", "fieldtype": "Data", "insert_after": "first_name", "is_virtual": 0}],
    "property_setters": [{"name": "User-first_name-description", "doc_type": "User", "doctype_or_field": "DocField",
                          "field_name": "first_name", "property": "description", "property_type": "Text",
                          "value": "As you like to be called"}],
}
PRINT_FORMAT = {
    "doctype": "Print Format", "name": "Gadget Card", "doc_type": GADGET, "standard": "Yes", "module": "",
    "custom_format": 1, "disabled": 0, "print_format_type": "Jinja", "raw_printing": 0, "line_breaks": 0,
    "font_size": 14, "align_labels_right": 0, "format_data": None, "print_format_builder": 0,
    "html": "<h1 class=\"gadget\">{{ doc.title }}</h1><p>{{ doc.custom_weight }}</p>",
    "css": ".gadget { color: #123; }",
    "creation": "2024-01-01 00:00:00", "modified": "2024-01-02 00:00:00", "docstatus": 0, "idx": 0,
}


def _app(root: Path) -> MiniApp:
    app = MiniApp(root, hooks=HOOKS)
    perms = [{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1},
             {"role": MAKER_ROLE, "read": 1, "write": 1, "create": 1},
             {"role": REVIEWER_ROLE, "read": 1, "write": 1}]
    app.doctype(GADGET, [data_field("title", reqd=1), data_field("notes", "Small Text"), data_field("reviewer"),
                         data_field("workflow_state", "Link", options="Workflow State", hidden=1)],
                permissions=perms)
    app.fixture("Custom Field", CUSTOM_FIELDS)
    app.fixture("Property Setter", PROPERTY_SETTERS)
    app.fixture("Email Template", EMAIL_TEMPLATES)
    app.fixture("Workflow State", WORKFLOW_STATES)
    app.fixture("Workflow Action Master", WORKFLOW_ACTIONS)
    app.fixture("Role", [{"doctype": "Role", "name": r, "role_name": r} for r in (REVIEWER_ROLE, MAKER_ROLE)])
    app.fixture("Workflow", WORKFLOWS)
    (app.package_path / "custom").mkdir()
    (app.package_path / "custom" / "user.json").write_text(json.dumps(USER_CUSTOMIZATIONS, indent=1))
    folder = app.package_path / "print_format" / "gadget_card"
    folder.mkdir(parents=True)
    (folder / "gadget_card.json").write_text(json.dumps({**PRINT_FORMAT, "module": app.module}, indent=1))
    return app


@contextmanager
def _customized_site(root: Path, backend: str) -> Iterator[tuple[SiteHandle, MiniApp]]:
    app = _app(root)
    handle = create_site(root, backend, [str(app.path)], prefix="cf")
    try:
        yield handle, app
    finally:
        drop_site(handle)


def _site(request: pytest.FixtureRequest, factory: pytest.TempPathFactory,
          pool: SessionPool) -> tuple[SiteHandle, MiniApp]:
    backend = request.param
    return pool.get(("customizations", backend), lambda: _customized_site(factory.mktemp(f"cf-{backend}"), backend))


@pytest.fixture(params=BACKENDS)
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         pool: SessionPool) -> tuple[SiteHandle, MiniApp]:
    """The installed site on each backend (DDL and columns)."""
    return _site(request, tmp_path_factory, pool)


@pytest.fixture(params=["sqlite"])
def lite(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         pool: SessionPool) -> tuple[SiteHandle, MiniApp]:
    """The installed site on SQLite: behaviour that does not depend on the dialect."""
    return _site(request, tmp_path_factory, pool)


# -- install and migrate (both backends) ------------------------------------------------------------


def test_install_loads_frappe_exports_and_adds_custom_columns(both: tuple[SiteHandle, MiniApp]) -> None:
    handle, _app_folder = both
    assert {"custom_shirt_size", "custom_nickname"} <= set(columns(handle, "tabUser"))
    assert "custom_weight" in columns(handle, f"tab{GADGET}")
    with handle.context():
        user = [f.fieldname for f in smooth.get_meta("User").fields]
        assert user[user.index("last_name") + 1] == "custom_shirt_size"
        assert user[user.index("first_name") + 1] == "custom_nickname"
        assert smooth.get_meta("User").get_field("first_name").description == "As you like to be called"
        gadget = [f.fieldname for f in smooth.get_meta(GADGET).fields]
        assert gadget[:2] == ["title", "custom_weight"]
        assert smooth.db.get_value("Print Format", "Gadget Card", ["standard", "doc_type", "custom_format"]) == \
            ("Yes", GADGET, 1)
        assert smooth.db.get_value("Email Template", "Gadget Review Needed", "use_html") == 0
        flow = smooth.get_doc("Workflow", "Gadget Review")
        assert (flow.states[0].next_action_email_template, flow.states[1].avoid_status_override,
                flow.transitions[0].send_email_to_creator, flow.transitions[0].condition) == \
            ("Gadget Review Needed", 1, 1, CONDITION)


def test_second_migrate_issues_no_ddl_and_keeps_customizations(both: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = both
    with recorded_sql(handle) as statements:
        report, _lines = run_migrate(handle)
    assert ddl_in(statements) == []
    assert report.fixtures["inserted"] == report.fixtures["updated"] == 0
    assert "custom_shirt_size" in columns(handle, "tabUser")


def test_custom_field_saved_on_the_site_adds_its_column_and_reaches_other_processes(
        both: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = both
    other = Site(handle.name, handle.sites_path)  # another process of the same site, loaded before the change
    try:
        with handle.context():
            smooth.get_doc({"doctype": "Custom Field", "dt": GADGET, "label": "Colour", "fieldtype": "Data",
                            "insert_after": "notes"}).insert()
            smooth.db.commit()
        assert "custom_colour" in columns(handle, f"tab{GADGET}")
        assert not other.get_meta(GADGET).has_field("custom_colour")
        other.reload_if_customized()
        assert other.get_meta(GADGET).has_field("custom_colour")
        with handle.context():
            name = smooth.get_doc({"doctype": GADGET, "title": "Blue one", "notes": "n", "custom_colour": "blue",
                                   "custom_weight": 2.5}).insert().name
            smooth.db.commit()
            assert smooth.db.get_value(GADGET, name, ["custom_colour", "custom_weight"]) == ("blue", 2.5)
            smooth.delete_doc(GADGET, name, force=True)
            smooth.delete_doc("Custom Field", f"{GADGET}-custom_colour")
            smooth.db.commit()
            assert not smooth.get_meta(GADGET).has_field("custom_colour")
        assert "custom_colour" in columns(handle, f"tab{GADGET}")  # kept, as a removed field's column is
    finally:
        other.dispose()


def test_custom_fields_round_trip_through_rest(both: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = both
    set_site_config(handle, allow_test_user_header=True)
    with running_server(handle) as url:
        api = Api(url, handle)
        try:
            made = api.post("/api/resource/User", json={"email": "shirt@example.com", "first_name": "Shirt",
                                                        "custom_shirt_size": "M"})
            assert made.status_code == 200, made.text
            assert api.get("/api/resource/User/shirt@example.com").json()["data"]["custom_shirt_size"] == "M"
            bad = api.post("/api/resource/User", json={"email": "shirt2@example.com", "first_name": "S",
                                                       "custom_shirt_size": "XXL"})
            assert bad.status_code == 417
            gadget = api.post(f"/api/resource/{GADGET}", json={"title": "Rest", "notes": "x", "custom_weight": 1.25})
            assert gadget.status_code == 200, gadget.text
            name = gadget.json()["data"]["name"]
            assert api.get(f"/api/resource/{GADGET}/{name}").json()["data"]["custom_weight"] == 1.25
        finally:
            api.http.close()
            with handle.context():
                for doctype, name in (("User", "shirt@example.com"), *((GADGET, n) for n in smooth.get_all(
                        GADGET, pluck="name"))):
                    smooth.delete_doc(doctype, name, force=True)
                smooth.db.commit()


# -- overrides, templates, workflow (SQLite) ---------------------------------------------------------------


def test_property_setters_override_shipped_properties(lite: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = lite
    with handle.context():
        assert smooth.get_meta("User").get_field("last_name").label == "Family Name"
        assert smooth.get_meta(GADGET).description == "Gadgets, customized"
        with pytest.raises(MandatoryError, match="Notes"):
            smooth.get_doc({"doctype": GADGET, "title": "No notes"}).insert()
        smooth.db.rollback()


def test_export_fixtures_writes_frappe_shaped_records(lite: tuple[SiteHandle, MiniApp]) -> None:
    handle, app = lite
    shipped = {p.name: p.read_text() for p in (app.path / "fixtures").glob("*.json")}
    try:
        with handle.context():
            export_fixtures()
        fields = json.loads(((app.path / "fixtures") / "custom_field.json").read_text())
        assert {(r["doctype"], r["name"], r["dt"], r["fieldname"], r["insert_after"]) for r in fields} == \
            {("Custom Field", "User-custom_shirt_size", "User", "custom_shirt_size", "last_name"),
             ("Custom Field", "User-custom_nickname", "User", "custom_nickname", "first_name"),
             ("Custom Field", f"{GADGET}-custom_weight", GADGET, "custom_weight", "title")}
        setters = json.loads(((app.path / "fixtures") / "property_setter.json").read_text())
        assert [(r["name"], r["property"], r["value"]) for r in setters] == [
            ("User-first_name-description", "description", "As you like to be called"),
            ("User-last_name-label", "label", "Family Name")]
    finally:
        for name, text in shipped.items():
            ((app.path / "fixtures") / name).write_text(text)


def test_email_template_body_in_response_without_html(lite: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = lite
    with handle.context():
        mail = smooth.get_doc("Email Template", "Gadget Review Needed")
        rendered = render_template(mail.name, {"doc": {"title": "<Lamp>"}, "title": "Lamp", "custom_weight": 3})
        assert rendered.subject == "Review Lamp"
        assert rendered.html == "<p>Please review <b>&lt;Lamp&gt;</b> (weight 3).</p>"
        with pytest.raises(MandatoryError, match="Response"):
            smooth.get_doc({"doctype": "Email Template", "__newname": "Empty", "subject": "x", "use_html": 0,
                            "response_html": ""}).insert(set_name="Empty")
        smooth.db.rollback()


def test_print_format_from_the_module_folder_prints(lite: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = lite
    with handle.context():
        name = smooth.get_doc({"doctype": GADGET, "title": "Printed", "notes": "n", "custom_weight": 4.5}).insert().name
        html = smooth.get_print(GADGET, name, print_format="Gadget Card")
        assert '<h1 class="gadget">Printed</h1>' in html and "4.5" in html and ".gadget { color: #123; }" in html
        told: list[Any] = []
        fmt = smooth.get_doc("Print Format", "Gadget Card")
        fmt.raw_printing = 1
        fmt.save()
        told = [m["message"] for m in smooth.local.message_log]
        assert any("does not use Raw Printing" in str(m) for m in told)
        smooth.db.rollback()


def test_workflow_condition_with_frappe_session_user(lite: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = lite
    with handle.context():
        maker = make_user("maker@example.com", MAKER_ROLE)
        reviewer = make_user("reviewer@example.com", REVIEWER_ROLE)
        other = make_user("other-reviewer@example.com", REVIEWER_ROLE)
    try:
        with handle.context(user=maker):
            gadget = smooth.get_doc({"doctype": GADGET, "title": "Flow", "notes": "n", "reviewer": reviewer,
                                     "custom_weight": 7}).insert()
            smooth.db.commit()
            name = gadget.name
        with handle.context():
            mails = smooth.get_all("Email Queue", filters={"reference_name": name}, fields=["name", "subject"])
            assert [m["subject"] for m in mails] == ["Review Flow"]
            recipients = smooth.get_all("Email Queue Recipient", filters={"parent": mails[0]["name"]},
                                        pluck="recipient")
            # the reviewer the condition names (not the other one), and the creator (send_email_to_creator)
            assert sorted(recipients) == sorted([reviewer, maker])
        with handle.context(user=other):
            with pytest.raises(WorkflowPermissionError, match="condition"):
                smooth.apply_workflow(smooth.get_doc(GADGET, name), "Approve Gadget")
            smooth.db.rollback()
        with handle.context(user=reviewer):
            done = smooth.apply_workflow(smooth.get_doc(GADGET, name), "Approve Gadget")
            assert done.workflow_state == "Gadget Approved"
            smooth.db.commit()
            # Gadget Approved does not override the status: no workflow pill in lists or on the form
            assert cells.workflow_colours(GADGET) == ("workflow_state", {"Gadget Draft": "gray",
                                                                         "Gadget Approved": ""})
            assert cells.workflow_indicator(GADGET, done) is None
    finally:
        with handle.context():
            for n in smooth.get_all(GADGET, pluck="name"):
                smooth.delete_doc(GADGET, n, force=True)
            for user in (maker, reviewer, other):
                smooth.delete_doc("User", user, force=True)
            smooth.db.commit()


REFUSED = ["frappe.session.__class__", "frappe.db.sql('select 1')", "frappe.local.site", "frappe",
           "frappe.utils.nowdate.__globals__", "frappe.utils.getdate(**{'value': 1})", "doc.get('_private')",
           "frappe.db.get_value('User', 'x', 'name').__class__", "frappe.get_doc('User', 'x')"]


def test_frappe_namespace_holds_only_what_it_lists() -> None:
    """Frappe's spellings parse; anything else under `frappe` (or any attribute of a value) is refused."""
    now = lambda: dt.datetime(2026, 3, 31, 9, 30)  # noqa: E731
    functions = {**default_functions(now), **frappe_functions(now)}
    doc = {"starts": dt.date(2026, 1, 31)}
    for condition in ("frappe.utils.nowdate() == '2026-03-31'",
                      "frappe.utils.add_months(doc.starts, 1) == frappe.utils.getdate('2026-02-28')",
                      "frappe.utils.add_to_date(doc.starts, days=-1, as_string=True) == '2026-01-30'",
                      "frappe.utils.date_diff(frappe.utils.nowdate(), doc.starts) == 59",
                      "doc.get('missing', 3) == 3"):
        assert evaluate(condition, doc, {}, functions), condition
    for condition in REFUSED:
        with pytest.raises(ExpressionError):
            check(condition)


# -- Customize Form (SQLite) -------------------------------------------------------------------------------


def test_customize_form_writes_property_setters_and_custom_fields(lite: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = lite
    set_site_config(handle, allow_test_user_header=True)
    with handle.context():
        plain = make_user("plain@example.com", MAKER_ROLE)
    try:
        with running_server(handle) as url:
            api = Api(url, handle)
            page = api.get("/app/customize-form", params={"doctype": GADGET})
            assert page.status_code == 200 and 'name="label:title"' in page.text and "custom_weight" in page.text
            token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            form: dict[str, Any] = {"csrf_token": token, "doctype": GADGET, "action": "save",
                                    "label:title": "Gadget Title", "reqd:title": "1", "label:notes": "Notes",
                                    "reqd:notes": "1", "label:reviewer": "Reviewer", "hidden:reviewer": "1",
                                    "label:custom_weight": "Weight (kg)", "label:workflow_state": "Workflow State",
                                    "hidden:workflow_state": "1", "options:workflow_state": "Workflow State"}
            saved = api.post(f"/app/customize-form?doctype={GADGET}", data=form, follow_redirects=False)
            assert saved.status_code == 303, saved.text
            added = api.post(f"/app/customize-form?doctype={GADGET}", follow_redirects=False, data={
                "csrf_token": token, "doctype": GADGET, "action": "add", "new_label": "Serial No",
                "new_fieldtype": "Data", "new_insert_after": "title"})
            assert added.status_code == 303, added.text
            assert api.get("/app/customize-form", user=plain).status_code == 403
            link = 'href="/app/customize-form?doctype=Cust%20Gadget"'
            assert link in api.get("/app/cust-gadget").text and link not in api.get("/app/cust-gadget", user=plain).text
            api.http.close()
        with handle.context():
            assert smooth.db.get_value("Property Setter", f"{GADGET}-reviewer-hidden", "value") == "1"
            assert smooth.db.get_value("Custom Field", f"{GADGET}-custom_weight", "label") == "Weight (kg)"
            meta = smooth.get_meta(GADGET)
            assert meta.get_field("title").label == "Gadget Title" and meta.get_field("reviewer").hidden
            assert [f.fieldname for f in meta.fields][:2] == ["title", "custom_serial_no"]
        assert "custom_serial_no" in columns(handle, f"tab{GADGET}")
    finally:
        with handle.context():
            for name in smooth.get_all("Property Setter", filters={"doc_type": GADGET,
                                                                   "property": ["in", ["hidden", "label"]]},
                                       pluck="name"):
                smooth.delete_doc("Property Setter", name)
            smooth.db.set_value("Custom Field", f"{GADGET}-custom_weight", "label", "Weight")
            if smooth.db.exists("Custom Field", f"{GADGET}-custom_serial_no"):
                smooth.delete_doc("Custom Field", f"{GADGET}-custom_serial_no")
            smooth.delete_doc("User", plain, force=True)
            smooth.db.commit()


def test_bench_check_names_shipped_customizations_that_would_not_apply(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path, prefix="Lint Custom")
    app.doctype("Lint Gadget", [field("title")])
    app.fixture("custom_field.json", json.dumps([
        {"doctype": "Custom Field", "name": "Nope-custom_x", "dt": "Nope", "fieldname": "custom_x"},
        {"doctype": "Custom Field", "name": "Lint Gadget-title", "dt": "Lint Gadget", "fieldname": "title"}]))
    app.fixture("property_setter.json", json.dumps([
        {"doctype": "Property Setter", "name": "Lint Gadget-title-fieldtype", "doc_type": "Lint Gadget",
         "doctype_or_field": "DocField", "field_name": "title", "property": "fieldtype", "value": "Int"}]))
    sites = tmp_path / "sites"
    write_config(sites, "lint.test", {"db_path": "site.sqlite3", "apps": [str(app.path)]})
    found = {(i.id, i.level, Path(i.path).name) for i in lint_apps(sites, "lint.test") if i.id.startswith("custom.")}
    assert found == {("custom.W001", "warning", "custom_field.json"), ("custom.W003", "warning", "custom_field.json"),
                     ("custom.W005", "warning", "property_setter.json")}


def test_a_custom_field_that_would_break_the_doctype_is_refused_when_saved(lite: tuple[SiteHandle, MiniApp]) -> None:
    handle, _ = lite
    with handle.context():
        with pytest.raises(ValidationError, match="E010"):
            smooth.get_doc({"doctype": "Custom Field", "dt": GADGET, "label": "Odd", "fieldtype": "Select",
                            "options": "A\nB", "default": "C"}).insert()
        smooth.db.rollback()
        placed = smooth.get_doc({"doctype": "Custom Field", "dt": GADGET, "label": "Last", "fieldtype": "Data",
                                 "insert_after": "no_such_field"}).insert()
        assert any("placed at the end" in str(m["message"]) for m in smooth.local.message_log)
        assert placed.name == f"{GADGET}-custom_last"
        smooth.db.rollback()
