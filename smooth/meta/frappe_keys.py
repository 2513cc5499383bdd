"""Which keys of a Frappe doctype file Smooth implements, and a warning for every other one.

A doctype file written for Frappe loads whatever keys it carries: a key Smooth does not
implement never refuses the file (one such key would stop a whole app installing), and is
never dropped without a word either. `bench check` reports each one, naming the key and the
file:

meta.W001 a doctype key Frappe has and Smooth does not implement · W002 the same for a field
key (one warning per key and file, naming the fields) · W003 a key neither Frappe nor Smooth
knows (a typo?) · W004 a permission-row key Smooth does not implement · W006 a field type
Smooth stores as Frappe does but edits as plain text (Barcode, Signature, Geolocation, Icon).

Keys are sorted into four lists: IMPLEMENTED (Smooth acts on them), BOOKKEEPING (what an
export carries about the file itself, or storage details Smooth decides on its own: nothing to
implement), NOT_IMPLEMENTED (Frappe's, warned about) and, by elimination, unknown. A key set
to an empty value (0, "", null, []) asks for Frappe's default, which is Smooth's behaviour,
so it is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from smooth.meta import fieldtypes
from smooth.meta.checks import Issue
from smooth.meta.doctype import PERM_TYPES

BOOKKEEPING_RECORD = frozenset({"doctype", "name", "owner", "creation", "modified", "modified_by", "docstatus",
                                "idx", "parent", "parentfield", "parenttype"})

DOCTYPE_IMPLEMENTED = frozenset({
    "name", "module", "istable", "issingle", "is_submittable", "track_changes", "autoname", "title_field",
    "search_fields", "sort_field", "sort_order", "allow_rename", "description", "fields", "field_order",
    "permissions", "show_title_field_in_link", "links",
    "track_views",  # here: opening, printing, downloading or exporting a record writes an Access Log row
    "indexes",  # Smooth's own: composite and unique indexes
})
DOCTYPE_BOOKKEEPING = BOOKKEEPING_RECORD | frozenset({
    "engine", "row_format", "migration_hash", "naming_rule", "custom", "__last_sync_on", "_user_tags", "_comments",
    "_assign", "_liked_by", "_module_package",
})
DOCTYPE_NOT_IMPLEMENTED = frozenset({
    "is_tree", "is_calendar_and_gantt", "editable_grid", "quick_entry", "track_seen", "beta",
    "is_virtual", "queue_in_background", "documentation", "image_field", "timeline_field", "nsm_parent_field",
    "max_attachments", "hide_toolbar", "allow_copy", "allow_import", "allow_events_in_timeline",
    "allow_auto_repeat", "make_attachments_public", "translated_doctype", "default_print_format", "default_view",
    "force_re_route_to_default_view", "document_type", "icon", "color", "show_preview_popup",
    "show_name_in_global_search", "default_email_template", "email_append_to", "sender_field", "sender_name_field",
    "subject_field", "restrict_to_domain", "read_only", "in_create", "actions", "states", "has_web_view",
    "allow_guest_to_view", "index_web_pages_for_search", "route", "is_published_field", "website_search_field",
    "name_case", "hide_heading", "read_only_onload", "image_view", "protect_attached_files",
    "grid_page_length", "rows_threshold_for_grid_search", "recipient_account_field",
})

FIELD_IMPLEMENTED = frozenset({
    "fieldname", "fieldtype", "label", "options", "reqd", "read_only", "default", "unique", "search_index",
    "in_list_view", "in_standard_filter", "hidden", "length", "allow_on_submit", "no_copy", "set_only_once",
    "fetch_from", "fetch_if_empty", "depends_on", "mandatory_depends_on", "read_only_depends_on", "permlevel",
    "non_negative", "description", "precision", "ignore_user_permissions", "print_hide", "in_global_search",
})
FIELD_BOOKKEEPING = BOOKKEEPING_RECORD | frozenset({"oldfieldname", "oldfieldtype"})
FIELD_NOT_IMPLEMENTED = frozenset({
    "hide_days", "hide_seconds", "is_virtual", "sort_options", "show_dashboard", "link_filters", "show_on_timeline",
    "bold", "allow_in_quick_entry", "translatable", "print_hide_if_no_value", "report_hide",
    "collapsible", "collapsible_depends_on", "hide_border", "in_preview", "in_filter",
    "allow_bulk_edit", "make_attachment_public", "ignore_xss_filter",
    "remember_last_selected_value", "print_width", "width", "max_height", "columns", "documentation_url",
    "placeholder", "button_color",
})

PERM_IMPLEMENTED = frozenset(PERM_TYPES) | {"role", "permlevel", "if_owner"}
# set_user_permissions: who may hand out User Permissions (here: whoever may write User Permission records)
PERM_NOT_IMPLEMENTED = frozenset({"set_user_permissions", "apply_user_permissions", "user_permission_doctypes"})


IGNORED_HINT = "the doctype works without it (smooth/meta/frappe_keys.py lists what Smooth implements)"


def _set(value: Any) -> bool:
    return value not in (None, 0, "", False) and value != [] and value != {}


def key_warnings(data: Mapping[str, Any], path: Path | None) -> list[Issue]:
    """A warning per key of the file Smooth does not implement (see the module docstring)."""
    where = str(path or "")
    issues: list[Issue] = []
    for key in sorted(k for k, v in data.items() if _set(v)):
        if key in DOCTYPE_NOT_IMPLEMENTED:
            issues.append(Issue("meta.W001", "warning", f"doctype key {key!r} is not implemented by Smooth "
                                "(ignored)", path=where, hint=IGNORED_HINT))
        elif key not in DOCTYPE_IMPLEMENTED and key not in DOCTYPE_BOOKKEEPING:
            issues.append(Issue("meta.W003", "warning", f"unknown doctype key {key!r} (ignored)", path=where,
                                hint="neither Frappe nor Smooth knows it: a typo?"))
    fields = data.get("fields")
    rows = [f for f in fields if isinstance(f, Mapping)] if isinstance(fields, list) else []
    issues.extend(_row_warnings(rows, where, "field", FIELD_IMPLEMENTED | FIELD_BOOKKEEPING,
                                FIELD_NOT_IMPLEMENTED, "meta.W002"))
    for row in rows:
        if row.get("fieldtype") in fieldtypes.WIDGETLESS:
            issues.append(Issue("meta.W006", "warning", f"fieldtype {row['fieldtype']!r} has no widget in Smooth "
                                "(stored as Frappe stores it, edited as text)", path=where,
                                field=str(row.get("fieldname") or ""), hint="the value is kept unchanged"))
    perms = data.get("permissions")
    rows = [p for p in perms if isinstance(p, Mapping)] if isinstance(perms, list) else []
    issues.extend(_row_warnings(rows, where, "permission", PERM_IMPLEMENTED | BOOKKEEPING_RECORD,
                                PERM_NOT_IMPLEMENTED, "meta.W004"))
    return issues


def _row_warnings(rows: Iterable[Mapping[str, Any]], where: str, kind: str, known: frozenset[str],
                  not_implemented: frozenset[str], check_id: str) -> list[Issue]:
    """One warning per key (not per row), naming the rows that set it."""
    by_key: dict[str, list[str]] = {}
    for position, row in enumerate(rows, start=1):
        label = str(row.get("fieldname") or row.get("role") or f"#{position}")
        for key, value in row.items():
            if key not in known and _set(value):
                by_key.setdefault(key, []).append(label)
    issues = []
    for key in sorted(by_key):
        owners = ", ".join(by_key[key][:5]) + (f" and {len(by_key[key]) - 5} more" if len(by_key[key]) > 5 else "")
        if key in not_implemented:
            issues.append(Issue(check_id, "warning", f"{kind} key {key!r} is not implemented by Smooth (ignored; "
                                f"set on {owners})", path=where, hint=IGNORED_HINT))
        else:
            issues.append(Issue("meta.W003", "warning", f"unknown {kind} key {key!r} (ignored; set on {owners})",
                                path=where, hint="neither Frappe nor Smooth knows it: a typo?"))
    return issues
