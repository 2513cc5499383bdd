"""The form view: `/app/<slug>/new` and `/app/<slug>/<name>`, one template for every doctype.

GET shows the document (read permission; 404 / 403 pages otherwise). POST to the same URL
saves it (a plain form with the CSRF token; `modified` travels in a hidden field so a save
over someone else's newer save fails with the core's TimestampMismatchError). A failed save
is rolled back and the form is shown again with the server's message and everything the user
typed. Other actions post an `action` field to the same URL (submit, cancel, delete, rename,
comment, edit_comment, delete_comment); `?action=delete` / `?action=rename` ask first.
A Single doctype has one form, at `/app/<slug>/<Doctype Name>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.responses import Response

import smooth.permissions as permissions
from smooth import access_log
from smooth.api.client import apply_update, load_for_read, new_document
from smooth.api.files import upload_file
from smooth.api.method import resolve
from smooth.api.request import ApiRequest
from smooth.context import db, local, session_user
from smooth.core.doctype.comment import comment as comments
from smooth.core.doctype.file.file import ATTACH_FIELDTYPES
from smooth.exceptions import (
    DoesNotExistError,
    LinkValidationError,
    PermissionError,
    SmoothError,
    TimestampMismatchError,
    ValidationError,
)
from smooth.messages import _, get_link_to_form
from smooth.meta.desk_routes import form_path
from smooth.meta.doctype import DocField, Meta
from smooth.model import listing, records, rename, rich_text, time_zones, workflow
from smooth.model.document import Document
from smooth.pages.desk import cells, form_fields, form_html, link_titles, timeline
from smooth.pages.desk.access import doctype_for, require_desk_user, slug
from smooth.pages.desk.connections import connections
from smooth.pages.desk.form_actions import BUTTON_PREFIX, form_actions, offered_button
from smooth.pages.desk.form_sidebar import form_sidebar
from smooth.pages.desk.print_menu import print_choices
from smooth.pages.rendering import Redirect, render_page
from smooth.whitelist import is_whitelisted

NEW = "new"
FILE_SUFFIX = "__file"
ACTIVITY = "activity"  # ?activity=1: the timeline and attachments drawn in the form (they follow it otherwise)
ACTIONS = ("save", "submit", "cancel", "delete", "rename", "comment", "edit_comment", "delete_comment")
WORKFLOW_PREFIX = "workflow:"  # + a workflow action: take that transition (form_actions.workflow_actions)


def form_url(meta: Meta, name: str) -> str:
    return form_path(meta.name, name)


def _multiselect_options(child: Meta, link: DocField) -> list[str]:
    target = link.options or ""
    if not target or not permissions.has_permission(target, "read"):
        return []
    return [str(n) for n in listing.get_list(target, pluck="name", order_by="name asc",
                                             limit_page_length=form_fields.MULTISELECT_LIMIT)]


def _context(meta: Meta, doc: Document) -> form_fields.FormContext:
    can_edit = permissions.has_permission(meta.name, "create" if doc.is_new() else "write",
                                          doc=None if doc.is_new() else doc)
    locked: frozenset[str] = frozenset()
    flow = workflow.get_workflow(meta.name)
    if flow is not None:
        locked = frozenset({flow.workflow_state_field})  # states change by the workflow's buttons
        if not doc.is_new() and can_edit:
            can_edit = workflow.may_edit(doc, flow)
    return form_fields.FormContext(can_edit=can_edit, docstatus=int(doc.docstatus or 0), is_new=doc.is_new(),
                                   zones=time_zones.viewer_zones(), site_meta=local().site.get_meta,
                                   multiselect_options=_multiselect_options, locked=locked, granting=doc.meta,
                                   read_levels=permissions.field_levels(doc.meta, "read"))


def _load(meta: Meta, name: str) -> Document:
    if meta.issingle:
        if name != meta.name:
            raise Redirect(form_url(meta, meta.name))
        return load_for_read(meta.name, None)
    return load_for_read(meta.name, name)


def _rich_html(html: Any) -> Markup:
    """Stored rich text as markup, sanitised again on the way out (a value typed but not saved too)."""
    return Markup(rich_text.sanitize(html)) if isinstance(html, str) and html else Markup("")


def _title(meta: Meta, doc: Document) -> str:
    if doc.is_new():
        return _("New {0}", _(meta.name))
    title = doc.get(meta.title_field) if meta.title_field else None
    return str(title or doc.name)


def _condition_fields(meta: Meta, ctx: form_fields.FormContext) -> dict[str, dict[str, Any]]:
    """Field types the browser's condition evaluator needs to read inputs as the server does (and
    which fetched fields keep a value they have: `fetch_if_empty`)."""
    return {df.fieldname: {"type": df.fieldtype, **({"fetch_if_empty": 1} if df.fetch_if_empty else {})}
            for df in meta.value_fields if ctx.readable(df)}


def _render(api: ApiRequest, meta: Meta, doc: Document, state: dict[str, Any], *, error: str = "",
            stale: bool = False, status: int = 200, notice: str = "", confirm: str = "",
            rename_value: str = "", modified: str | None = None, messages: list[dict[str, Any]] | None = None,
            messages_tone: str = "warning", saved_url: str = "", create_missing: dict[str, str] | None = None,
            activity: bool = False) -> Response:
    """The form; its timeline and attachments follow from /activity unless `activity` (no scripts) asks them in."""
    ctx = _context(meta, doc)
    state = form_fields.readable_state(meta, state, ctx)
    url = form_url(meta, doc.name) if not doc.is_new() else f"/app/{slug(meta.name)}/{NEW}"
    new_url = f"/app/{slug(meta.name)}/{NEW}"
    tabs = form_fields.layout(meta, state, ctx)
    actions = form_actions(meta, doc, url, new_url)
    can_comment = not doc.is_new() and not meta.issingle
    link_title = link_titles.LinkTitles().prefetch(_link_values(meta, state))
    condition_doc = form_fields.condition_values(meta, {k: v for k, v in state.items()
                                                        if k != form_fields.STATE_TABLES}, doc.is_new())
    context = {
        "meta": meta, "doc": doc, "title": _title(meta, doc), "tabs": tabs, "url": url, "new_url": new_url,
        "list_url": f"/app/{slug(meta.name)}", "can_save": ctx.can_edit and int(doc.docstatus or 0) < 2
        and (int(doc.docstatus or 0) == 0 or any(f.allow_on_submit for f in meta.fields)),
        "actions": actions, "error": error, "stale": stale, "notice": notice,
        "confirm": confirm if confirm in {a.key for a in actions} else "",
        "rename_value": rename_value or (doc.name or ""), "messages": messages or [],
        "messages_tone": messages_tone, "create_missing": create_missing, "saved_url": saved_url,
        "timeline": (timeline.timeline(meta, doc.name, local().site.get_meta, (doc.owner, doc.creation))
                     if activity else None)
        if can_comment else [],
        "can_comment": can_comment, "modified": modified or (str(doc.modified or "") if not doc.is_new() else ""),
        "prompt_name": doc.is_new() and (meta.autoname or "").lower() == "prompt",
        "posted_name": state.get("__newname", ""),
        "condition_doc": condition_doc,
        "condition_fields": _condition_fields(meta, ctx), "slug": slug(meta.name), "slugify": slug,
        "rich_html": _rich_html,
        "form_field": form_html.FormFields(is_new=doc.is_new(), condition_doc=condition_doc,
                                           record_url=cells.form_url, link_title=link_title, rich_html=_rich_html),
        "docstatus_label": {0: "Draft", 1: "Submitted", 2: "Cancelled"}.get(int(doc.docstatus or 0), ""),
        "workflow_state": cells.workflow_indicator(meta.name, doc),
        "workflow_message": _workflow_message(meta, doc),
        "link_title": link_title, "print_choices": print_choices(doc),
        "connections": connections(meta, doc), "sidebar": form_sidebar(meta, doc, link_title, with_files=activity),
    }
    return render_page(api, "desk/form.html", context, status=status)


def _link_values(meta: Meta, state: dict[str, Any]) -> dict[str, list[Any]]:
    """{doctype: values} the form's Link fields and its grids' Link columns hold."""
    found: dict[str, list[Any]] = {}
    for df in meta.link_fields:
        found.setdefault(df.options or "", []).append(state.get(df.fieldname))
    for table in meta.table_fields:
        child = local().site.get_meta(table.options or "")
        for row in state.get(form_fields.STATE_TABLES, {}).get(table.fieldname, []):
            for df in child.link_fields:
                found.setdefault(df.options or "", []).append(row.get(df.fieldname))
    return found


def _workflow_message(meta: Meta, doc: Document) -> str:
    """The current workflow state's message (what to do in this state), as the admin wrote it."""
    flow = workflow.get_workflow(meta.name)
    if flow is None or doc.is_new():
        return ""
    state = workflow.state_of(doc, flow)
    return next((str(row.message or "").strip() for row in flow.states if row.state == state), "")


def _state(meta: Meta, doc: Document) -> dict[str, Any]:
    return form_fields.state_from_doc(meta, doc, local().site.get_meta, time_zones.viewer_zones())


# -- GET ----------------------------------------------------------------------------------------------

def _prefill(meta: Meta, api: ApiRequest) -> Document:
    """A new document: defaults, values from the query string (known fields only), or a duplicate's copy."""
    values: dict[str, Any] = {}
    source = api.form.get("duplicate")
    if isinstance(source, str) and source:
        original = load_for_read(meta.name, source)
        for df in meta.value_fields:
            if not df.no_copy and df.fieldtype != "Password" and not df.unique:
                values[df.fieldname] = original.get(df.fieldname)
        for table in meta.table_fields:
            child = local().site.get_meta(table.options or "")
            values[table.fieldname] = [{f.fieldname: row.get(f.fieldname) for f in child.value_fields
                                        if not f.no_copy} for row in original.get(table.fieldname) or []]
    else:
        for key, value in api.form.items():
            known = meta.get_field(key)
            if known is not None and known.has_value and isinstance(value, str) and known.fieldtype != "Password":
                values[key] = value
    doc = records.new_doc(meta.name)
    doc.update(values)
    return doc


def new_form(api: ApiRequest, slug: str) -> Response:
    require_desk_user(api)
    meta = doctype_for(slug)
    if meta.issingle:
        raise Redirect(form_url(meta, meta.name))
    if not permissions.has_permission(meta.name, "create"):
        raise PermissionError(_("Not permitted: you may not create a {0}", _(meta.name)))
    if api.method == "POST":
        return _save(api, meta, None)
    doc = _prefill(meta, api)
    return _render(api, meta, doc, _state(meta, doc))


def show_form(api: ApiRequest, slug: str, name: str) -> Response:
    require_desk_user(api)
    meta = doctype_for(slug)
    if api.method == "POST":
        action = api.form.get("action") or "save"
        if str(action).startswith(WORKFLOW_PREFIX):
            return _act(api, meta, name, str(action))
        if action not in ACTIONS and not str(action).startswith(BUTTON_PREFIX):
            raise ValidationError(_("Unknown form action {0!r}", action))
        if action == "save":
            return _save(api, meta, name)
        return _act(api, meta, name, str(action))
    doc = _load(meta, name)
    if meta.track_views:
        access_log.make_access_log(meta.name, doc.name, "Open")
    asked = api.form.get("action")
    notice = {"1": _("Saved"), "submitted": _("Submitted"), "cancelled": _("Cancelled"), "renamed": _("Renamed"),
              "comment": _("Comment added")}.get(str(api.form.get("saved") or ""), "")
    confirm = asked if isinstance(asked, str) else ""  # an offered action's key (checked when drawn)
    return _render(api, meta, doc, _state(meta, doc), notice=notice, confirm=confirm,
                   activity=bool(api.form.get(ACTIVITY)))


def show_activity(api: ApiRequest, slug: str, name: str) -> Response:
    """`/app/<slug>/<name>/activity`: the timeline and the attachments, which the form loads once it is shown."""
    require_desk_user(api)
    meta = doctype_for(slug)
    if meta.issingle:
        raise DoesNotExistError(_("A Single {0} has no activity view", _(meta.name)))
    doc = load_for_read(meta.name, name)
    return render_page(api, "desk/_form_activity.html", {
        "meta": meta, "url": form_url(meta, str(doc.name)),
        "timeline": timeline.timeline(meta, str(doc.name), local().site.get_meta, (doc.owner, doc.creation)),
        "sidebar": form_sidebar(meta, doc, link_titles.LinkTitles(), with_files=True)})


# -- saving --------------------------------------------------------------------------------------------

def _attach_target(meta: Meta, key: str, editable: set[str]) -> bool:
    """Whether posted `key` (`<field>` or a grid cell `<table>-<row>-<field>`) is an Attach field the viewer
    may fill."""
    field = meta.get_field(key)
    if field is not None:
        return field.fieldtype in ATTACH_FIELDTYPES and key in editable
    table_name, _dash, rest = key.partition("-")
    index, _dash, fieldname = rest.partition("-")
    table = meta.get_field(table_name)
    if table is None or table.fieldtype != "Table" or table_name not in editable or not index.isdigit():
        return False
    cell = local().site.get_meta(table.options or "").get_field(fieldname)
    return cell is not None and cell.fieldtype in ATTACH_FIELDTYPES and not cell.read_only


def _store_uploads(api: ApiRequest, meta: Meta, editable: set[str]) -> dict[str, str]:
    """Store the files chosen in Attach fields and grid cells (private Files, attached once the document is
    saved): their URLs by posted name, as if typed, so a mandatory Attach holds its value when validated."""
    stored: dict[str, str] = {}
    for key, upload in api.form.items():
        target = key.removesuffix(FILE_SUFFIX)
        if target != key and isinstance(upload, UploadFile) and upload.filename and _attach_target(meta, target,
                                                                                                  editable):
            stored[target] = str(upload_file(file=upload)["file_url"])
    return stored


def _attach_files(meta: Meta, doc: Document) -> None:
    """Attach the Files the viewer uploaded for this form (still unattached) to the saved document.

    Only the viewer's own unattached Files: a URL typed into the hidden field attaches nothing of anyone else's.
    A grid cell's file is attached to the document (a child row has no page of its own).
    """
    urls: list[tuple[str | None, Any]] = [(df.fieldname, doc.get(df.fieldname)) for df in meta.value_fields
                                          if df.fieldtype in ATTACH_FIELDTYPES]
    for table in meta.table_fields:
        cells = [c.fieldname for c in local().site.get_meta(table.options or "").value_fields
                 if c.fieldtype in ATTACH_FIELDTYPES]
        urls += [(None, row.get(c)) for row in doc.get(table.fieldname) or [] for c in cells]
    for fieldname, url in urls:
        if not url:
            continue
        for name in db().get_all("File", filters={"file_url": url, "owner": session_user(),
                                                  "attached_to_name": None}, pluck="name", order_by=""):
            record = records.get_doc("File", name)
            record.update({"attached_to_doctype": meta.name, "attached_to_name": doc.name,
                           "attached_to_field": fieldname})
            record.save(ignore_permissions=True)  # the document's write right was checked by its save


def _posted_state(meta: Meta, form: Mapping[str, Any]) -> dict[str, Any]:
    state = form_fields.state_from_post(meta, form, local().site.get_meta)
    new_name = form.get("__newname")
    if isinstance(new_name, str):
        state["__newname"] = new_name
    return state


def _save(api: ApiRequest, meta: Meta, name: str | None) -> Response:
    site_meta = local().site.get_meta
    state = _posted_state(meta, api.form)
    new_name = api.form.get("__newname")
    doc = records.new_doc(meta.name) if name is None else _load(meta, name)
    ctx = _context(meta, doc)
    editable = form_fields.editable_fields(meta, state, ctx)
    try:
        posted = _posted_state(meta, {**api.form, **_store_uploads(api, meta, editable)})
        values = form_fields.save_values(meta, posted, editable, site_meta, ctx.zones)
        if name is None:
            if (meta.autoname or "").lower() == "prompt" and isinstance(new_name, str) and new_name.strip():
                values["name"] = new_name.strip()
            doc = new_document(meta.name, values)
            doc.insert()
        else:
            modified = api.form.get("modified")
            if not meta.issingle and isinstance(modified, str) and modified:
                values["modified"] = modified
            doc = _load(meta, name)
            _keep_multiselect_rows(meta, doc, values)
            apply_update(doc, values)
            doc.save()
        _attach_files(meta, doc)
    except SmoothError as exc:
        db().rollback()
        kept = _keep_uploads(api, meta, editable)
        state = _posted_state(meta, {**api.form, **kept})
        shown = records.new_doc(meta.name) if name is None else _reload_or_new(meta, name)
        stamp = api.form.get("modified")
        said = (_("The files you chose are kept: save again, or choose another") if len(kept) > 1
                else _("The file you chose is kept: save again, or choose another"))
        return _render(api, meta, shown, state, error=exc.message or type(exc).__name__,
                       stale=isinstance(exc, TimestampMismatchError), status=exc.http_status_code,
                       modified=stamp if isinstance(stamp, str) and stamp else None,
                       messages=[{"message": said, "title": ""}] if kept else [],
                       create_missing=_create_missing(exc))
    told = _told()
    if told:  # what the controller said on saving (msgprint) is shown with the saved form, not lost in a redirect
        saved = _load(meta, doc.name)
        return _render(api, meta, saved, _state(meta, saved), notice=_("Saved"), messages=told,
                       saved_url=form_url(meta, saved.name))
    raise Redirect(form_url(meta, doc.name) + "?saved=1")


def _keep_uploads(api: ApiRequest, meta: Meta, editable: set[str]) -> dict[str, str]:
    """After a refused save (rolled back, stored files too), store the chosen files again, so the form drawn
    with the error carries them and the person need not choose them again (committed with the request)."""
    try:
        return _store_uploads(api, meta, editable)
    except SmoothError:  # the file itself was refused (type, size): the form's error names it; nothing kept
        db().rollback()
        return {}


def _create_missing(exc: SmoothError) -> dict[str, str] | None:
    """For a Link naming no record, a link that creates it, named as typed: opened in a new tab, so this
    form and what was typed in it stay to be saved again."""
    if not isinstance(exc, LinkValidationError) or not exc.doctype or not exc.value:
        return None
    site = local().site
    if exc.doctype not in site.registry or not permissions.has_permission(exc.doctype, "create"):
        return None
    target = site.get_meta(exc.doctype)
    autoname = target.autoname or ""
    field = autoname[len("field:"):] if autoname.startswith("field:") else target.title_field
    query = "?" + urlencode({field: exc.value}) if field and target.get_field(field) is not None else ""
    return {"label": f"Create {exc.doctype} “{exc.value}”", "href": f"/app/{slug(exc.doctype)}/new{query}"}


def _told() -> list[dict[str, Any]]:
    """What the code said in this request (msgprint), for the page drawn next."""
    return [m for m in local().message_log if isinstance(m, dict) and m.get("message")]


def _keep_multiselect_rows(meta: Meta, doc: Document, values: dict[str, Any]) -> None:
    """A Table MultiSelect posts only the chosen links: rows still chosen keep their names (no Version noise)."""
    for table in meta.table_fields:
        if table.fieldtype != "Table MultiSelect" or table.fieldname not in values:
            continue
        child = local().site.get_meta(table.options or "")
        link = next((f.fieldname for f in child.value_fields if f.fieldtype == "Link"), None)
        if link is None:
            continue
        stored = {row.get(link): row.name for row in doc.get(table.fieldname) or []}
        for row in values[table.fieldname]:
            if not row.get("name") and row.get(link) in stored:
                row["name"] = stored.pop(row[link])


def _reload_or_new(meta: Meta, name: str) -> Document:
    try:
        return _load(meta, name)
    except DoesNotExistError:
        return records.new_doc(meta.name)


# -- other actions -------------------------------------------------------------------------------------

def _press(meta: Meta, doc: Document, key: str, form: dict[str, Any]) -> tuple[str, str, Markup]:
    """A doctype's own button (`<snake_name>_form.json`): call its whitelisted method with the name
    and the values the button asked for (its `args`, nothing else from the post). The record to show
    next (the one the method returned, else this one) and what the button did."""
    button = offered_button(meta, doc, key)
    fn = resolve(str(button["method"]))
    if is_whitelisted(fn) is None:
        raise PermissionError(_("Not permitted: function {0} is not whitelisted", button['method']))
    values = {}
    for arg in button.get("args") or []:
        value = form.get(str(arg["fieldname"]))
        value = value.strip() if isinstance(value, str) else ""
        if arg.get("reqd") and not value:
            raise ValidationError(_("{0} is required", arg.get('label') or arg['fieldname']))
        values[str(arg["fieldname"])] = value
    result = fn(name=doc.name, **values)
    if isinstance(result, dict) and result.get("redirect_to"):  # e.g. a consent screen elsewhere
        raise Redirect(str(result["redirect_to"]))
    label = str(button["label"])
    if isinstance(result, dict) and result.get("doctype") and result.get("name"):
        target, name = str(result["doctype"]), str(result["name"])
        return target, name, Markup("{}: {} {}").format(label, target, get_link_to_form(target, name))
    return meta.name, doc.name, Markup("{}: done").format(label)


def _workflow_action(meta: Meta, doc: Document, taken: str, modified: Any) -> Markup | None:
    """Take a workflow action; what it did: the state it moved the document to (None when it stayed,
    e.g. Issue Certificate, whose method says what it did)."""
    doc = records.get_doc(meta.name, doc.name)
    if isinstance(modified, str) and modified:
        doc.__dict__["modified"] = modified
    flow = workflow.get_workflow(meta.name)
    before = workflow.state_of(doc, flow) if flow is not None else ""
    workflow.apply_workflow(doc, taken)
    after = workflow.state_of(doc, flow) if flow is not None else ""
    if flow is None or before == after:
        return None
    label = meta.get_label(flow.workflow_state_field)
    return Markup("{}: {} changed from {} to {}").format(taken, label, before, after)


def _done(api: ApiRequest, meta: Meta, doc: Document, notice: Markup, shown: tuple[str, str] | None = None
          ) -> Response:
    """The form after an action, saying what the action did and what the code said (msgprint, links kept):
    the record the action returned when the viewer may read it, else this one.

    Drawn in answer to the post rather than after a redirect, so the messages are not lost; the address
    becomes the record's (data-saved-url) so a reload does not post again.
    """
    candidates = [(meta, doc.name)]
    if shown is not None and shown[0] in local().site.registry:
        candidates.insert(0, (local().site.get_meta(shown[0]), shown[1]))
    for target, name in candidates:
        try:
            record = _load(target, name)
            break
        except (PermissionError, DoesNotExistError):  # out of the viewer's reach now: the action stands
            continue
    else:
        raise Redirect(f"/app/{slug(meta.name)}")
    return _render(api, target, record, _state(target, record), notice=notice, messages=_told(),
                   messages_tone="success", saved_url=form_url(target, record.name))


def _act(api: ApiRequest, meta: Meta, name: str, action: str) -> Response:
    doc = _load(meta, name)
    url = form_url(meta, doc.name)
    form = api.form
    try:
        if action == "delete":
            records.delete_doc(meta.name, doc.name, ignore_missing=False)
            raise Redirect(f"/app/{slug(meta.name)}?deleted={quote(doc.name, safe='')}")
        if action in ("submit", "cancel"):
            doc = records.get_doc(meta.name, doc.name, for_update=True)
            modified = form.get("modified")
            if isinstance(modified, str) and modified:
                doc._original_modified = modified
            (doc.submit if action == "submit" else doc.cancel)()
            raise Redirect(url + ("?saved=submitted" if action == "submit" else "?saved=cancelled"))
        if action.startswith(BUTTON_PREFIX):
            doctype, result, notice = _press(meta, doc, action, form)
            if _told():  # the method said what it did: its words, not the generic line
                notice = Markup("")
            return _done(api, meta, doc, notice, (doctype, result))
        if action.startswith(WORKFLOW_PREFIX):
            taken = action[len(WORKFLOW_PREFIX):]
            moved = _workflow_action(meta, doc, taken, form.get("modified"))
            if moved is None:
                moved = Markup("") if _told() else Markup("{}: done").format(taken)
            return _done(api, meta, doc, moved)
        if action == "rename":
            target = form.get("new_name")
            if not isinstance(target, str) or not target.strip():
                raise ValidationError(_("Enter the new name"))
            renamed = rename.rename_doc(meta.name, doc.name, target.strip())
            raise Redirect(form_url(meta, renamed) + "?saved=renamed")
        content = form.get("content")
        if action == "comment":
            comments.add_comment(meta.name, doc.name, content if isinstance(content, str) else "")
        elif action == "edit_comment":
            comments.update_comment(str(form.get("comment") or ""), content if isinstance(content, str) else "")
        else:
            comments.delete_comment(str(form.get("comment") or ""))
        raise Redirect(url + "#timeline")
    except SmoothError as exc:
        db().rollback()
        doc = _load(meta, name)
        return _render(api, meta, doc, _state(meta, doc), error=exc.message or type(exc).__name__,
                       status=exc.http_status_code, stale=isinstance(exc, TimestampMismatchError),
                       confirm="rename" if action == "rename" else "",
                       rename_value=str(form.get("new_name") or ""))

