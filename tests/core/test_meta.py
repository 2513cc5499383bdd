"""Doctype JSON -> Meta: every field type loads, and broken files fail at load time, clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from smooth.apps import core_app
from smooth.db.schema import build_metadata
from smooth.exceptions import MetaError
from smooth.meta.registry import MetaRegistry
from tests.core._app_builder import ThrowawayApp, field

VALUE_TYPES = ("Data", "Link", "Dynamic Link", "Select", "Int", "Float", "Currency", "Percent", "Check", "Date",
               "Time", "Datetime", "Duration", "Small Text", "Text", "Long Text", "Text Editor", "Code", "JSON",
               "Password", "Attach", "Attach Image", "Read Only")
LAYOUT_TYPES = ("Section Break", "Column Break", "Tab Break", "HTML")
TABLE_TYPES = ("Table", "Table MultiSelect")
BUILT_IN = ("User", "Role", "Has Role", "Version", "Patch Log", "System Settings")


def _options(fieldtype: str) -> dict[str, str]:
    return {"Link": {"options": "Role"}, "Dynamic Link": {"options": "link_doctype"},
            "Select": {"options": "\nOpen\nClosed"}, "Table": {"options": "Kitchen Row"},
            "Table MultiSelect": {"options": "Kitchen Row"}}.get(fieldtype, {})


def _fieldname(fieldtype: str) -> str:
    return "f_" + fieldtype.lower().replace(" ", "_")


@pytest.fixture
def kitchen_sink(tmp_path: Path) -> MetaRegistry:
    """An app with one field of every type the framework promises."""
    app = ThrowawayApp(tmp_path)
    fields = [field("link_doctype", "Link", options="DocType")]
    fields += [field(_fieldname(t), t, **_options(t)) for t in VALUE_TYPES + LAYOUT_TYPES + TABLE_TYPES]
    app.doctype("Kitchen Sink", fields, autoname="hash")
    app.doctype("Kitchen Row", [field("role", "Link", options="Role")], istable=1)
    return MetaRegistry([core_app(), app.load()])


@pytest.mark.parametrize("fieldtype", VALUE_TYPES + LAYOUT_TYPES + TABLE_TYPES)
def test_every_promised_fieldtype_loads(kitchen_sink: MetaRegistry, fieldtype: str) -> None:
    meta = kitchen_sink.get("Kitchen Sink")
    loaded = meta.get_field(_fieldname(fieldtype))
    assert loaded is not None
    assert loaded.fieldtype == fieldtype


def test_value_fields_get_a_column_and_layout_and_tables_do_not(kitchen_sink: MetaRegistry) -> None:
    meta = kitchen_sink.get("Kitchen Sink")
    table = build_metadata(kitchen_sink).tables["tabKitchen Sink"]
    for fieldtype in VALUE_TYPES:
        assert _fieldname(fieldtype) in meta.columns
        assert _fieldname(fieldtype) in table.c
    for fieldtype in LAYOUT_TYPES + TABLE_TYPES:
        assert _fieldname(fieldtype) not in meta.columns
        assert _fieldname(fieldtype) not in table.c


def test_child_doctype_has_parent_columns(kitchen_sink: MetaRegistry) -> None:
    child = kitchen_sink.get("Kitchen Row")
    assert child.istable
    assert {"parent", "parenttype", "parentfield"} <= set(child.columns)
    assert "parent" not in kitchen_sink.get("Kitchen Sink").columns


def test_meta_exposes_doctype_properties(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    perms = [{"role": "System Manager", "read": 1, "write": 1, "submit": 1},
             {"role": "Guest", "read": 1, "if_owner": 1}]
    app.doctype("Prop Doc", [field("title"), field("posted_on", "Date")], autoname="field:title",
                is_submittable=1, sort_field="posted_on", sort_order="asc", track_changes=1, title_field="title",
                permissions=perms)
    app.doctype("Prop Single", [field("value")], issingle=1)
    registry = MetaRegistry([core_app(), app.load()])

    meta = registry.get("Prop Doc")
    assert [f.fieldname for f in meta.fields] == ["title", "posted_on"]
    assert meta.permissions == perms
    assert meta.is_submittable and meta.track_changes
    assert not meta.istable and not meta.issingle
    assert meta.autoname == "field:title"
    assert (meta.sort_field, meta.sort_order) == ("posted_on", "ASC")
    assert meta.title_field == "title"
    assert meta.app == app.name
    assert registry.get("Prop Single").issingle


def test_meta_defaults_follow_frappe(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    app.doctype("Plain Doc", [field("title")])
    meta = MetaRegistry([core_app(), app.load()]).get("Plain Doc")
    assert (meta.sort_field, meta.sort_order) == ("creation", "DESC")
    assert not (meta.is_submittable or meta.track_changes or meta.istable or meta.issingle)
    assert meta.title_field is None
    assert meta.autoname == ""


@pytest.mark.parametrize("doctype", BUILT_IN)
def test_built_in_doctypes_load(doctype: str) -> None:
    registry = MetaRegistry([core_app()])
    meta = registry.get(doctype)
    assert meta.name == doctype
    assert meta.app == "smooth"


def test_built_in_doctype_flags() -> None:
    registry = MetaRegistry([core_app()])
    assert registry.get("Has Role").istable
    assert registry.get("System Settings").issingle
    assert registry.get("User").get_field("roles").options == "Has Role"
    assert registry.get("Role").autoname == "field:role_name"


# -- errors at load time -----------------------------------------------------------------------


def _load_error(app: ThrowawayApp) -> str:
    with pytest.raises(MetaError) as raised:
        MetaRegistry([core_app(), app.load()])
    return str(raised.value)


def test_malformed_json_names_the_file_and_line(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.raw_doctype("broken_doc", '{\n "name": "Broken Doc",\n "fields": [\n  {"fieldname": "a",}\n ]\n}\n')
    message = _load_error(app)
    assert str(path) in message
    assert "malformed JSON" in message
    assert "line 4" in message


def test_unknown_fieldtype_names_file_field_and_type(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Typo Doc", [field("amount", "Currancy")])
    message = _load_error(app)
    assert str(path) in message
    assert "'amount'" in message
    assert "unknown fieldtype 'Currancy'" in message


def test_duplicate_fieldname(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Twice Doc", [field("title"), field("body", "Text"), field("title", "Int")])
    message = _load_error(app)
    assert str(path) in message
    assert "duplicate fieldname 'title'" in message


def test_link_to_missing_doctype(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Linking Doc", [field("customer", "Link", options="Customer")])
    message = _load_error(app)
    assert str(path) in message
    assert "'customer'" in message
    assert "missing doctype 'Customer'" in message


def test_table_target_must_be_a_child_doctype(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Parent Doc", [field("rows", "Table", options="Not Child")])
    app.doctype("Not Child", [field("value")])
    message = _load_error(app)
    assert str(path) in message
    assert "'rows'" in message
    assert "'Not Child' is not a child doctype" in message


def test_table_of_missing_doctype(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    app.doctype("Orphan Parent", [field("rows", "Table MultiSelect", options="Nowhere Row")])
    assert "Table of missing doctype 'Nowhere Row'" in _load_error(app)


@pytest.mark.parametrize("fieldtype", ["Link", "Dynamic Link", "Table"])
def test_missing_options(tmp_path: Path, fieldtype: str) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Optionless Doc", [field("target", fieldtype)])
    message = _load_error(app)
    assert str(path) in message
    assert "'target'" in message
    assert f"{fieldtype} field needs `options`" in message


def test_dynamic_link_options_must_name_a_field(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    app.doctype("Dyn Doc", [field("target", "Dynamic Link", options="target_type")])
    assert "Dynamic Link options names missing field 'target_type'" in _load_error(app)


def test_file_name_must_match_doctype_name(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.raw_doctype("misnamed_doc", '{"name": "Other Name", "fields": []}')
    message = _load_error(app)
    assert str(path) in message
    assert "'Other Name' does not match its file name 'misnamed_doc.json'" in message


def test_autoname_field_must_exist(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Named Doc", [field("title")], autoname="field:code")
    message = _load_error(app)
    assert str(path) in message
    assert "autoname names the field 'code', which does not exist" in message


def test_autoname_field_must_hold_a_value(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    app.doctype("Layout Named", [field("details", "Section Break")], autoname="field:details")
    assert "autoname" in _load_error(app)


@pytest.mark.parametrize(("props", "words"), [
    ({"title_field": "headline"}, "title_field names the field 'headline'"),
    ({"sort_field": "posted"}, "sort_field names the field 'posted'"),
    ({"sort_order": "upwards"}, "sort_order 'upwards' is not ASC or DESC"),
])
def test_list_settings_must_name_real_fields(tmp_path: Path, props: dict[str, str], words: str) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Listed Doc", [field("title")], **props)
    message = _load_error(app)
    assert str(path) in message
    assert words in message


def test_list_settings_may_name_standard_columns(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    app.doctype("Listed Doc", [field("title")], sort_field="modified", sort_order="asc", title_field="title")
    assert MetaRegistry([core_app(), app.load()]).get("Listed Doc").sort_field == "modified"


@pytest.mark.parametrize("fieldname", ["name", "owner", "creation", "modified", "modified_by", "docstatus", "idx",
                                       "parent", "parenttype", "parentfield", "doctype"])
def test_reserved_fieldnames_are_refused(tmp_path: Path, fieldname: str) -> None:
    app = ThrowawayApp(tmp_path)
    path = app.doctype("Reserved Doc", [field(fieldname)])
    message = _load_error(app)
    assert str(path) in message
    assert f"fieldname {fieldname!r} is a standard column" in message


def test_every_error_of_a_site_is_in_one_message(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    app.doctype("First Bad", [field("a", "Nope")])
    app.doctype("Second Bad", [field("b"), field("b")])
    message = _load_error(app)
    assert "unknown fieldtype 'Nope'" in message
    assert "duplicate fieldname 'b'" in message


def test_a_broken_doctype_does_not_make_its_links_look_missing(tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path)
    app.doctype("Broken Target", [field("a", "Nope")])
    app.doctype("Linker", [field("target", "Link", options="Broken Target")])
    message = _load_error(app)
    assert "unknown fieldtype 'Nope'" in message
    assert "missing doctype 'Broken Target'" not in message


def test_doctype_defined_in_two_apps(tmp_path: Path) -> None:
    first, second = ThrowawayApp(tmp_path), ThrowawayApp(tmp_path)
    first.doctype("Shared Name", [field("a")])
    path = second.doctype("Shared Name", [field("b")])
    with pytest.raises(MetaError) as raised:
        MetaRegistry([core_app(), first.load(), second.load()])
    assert "'Shared Name' is defined twice" in str(raised.value)
    assert str(path) in str(raised.value)
