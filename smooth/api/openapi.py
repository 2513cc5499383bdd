"""`/api/openapi.json`: an OpenAPI 3 description of the REST API, generated from metadata.

One schema per doctype (field types, required fields, Select enums, Link targets as
`x-link-doctype`, child tables as arrays of the child schema) and the resource paths for
every non-child doctype, so generic tools (schemathesis, client generators) can use the API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from smooth.context import local
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField, Meta
from smooth.version import VERSION

ENVELOPE_ERROR = {
    "type": "object",
    "properties": {
        "exc_type": {"type": "string"},
        "exception": {"type": "string"},
        "_server_messages": {"type": "string", "description": "JSON list of JSON-encoded {message, title, "
                                                               "indicator} objects"},
        "exc": {"type": "string", "description": "JSON list: the traceback where the caller may see it, "
                                                 "else the one-line exception"},
        "_error_message": {"type": "string"},
        "_exc_source": {"type": "string"},
    },
    "required": ["exc_type", "exception"],
}
STANDARD_PROPERTIES: dict[str, dict[str, Any]] = {
    "name": {"type": "string"},
    "owner": {"type": "string", "readOnly": True},
    "creation": {"type": "string", "readOnly": True, "description": "YYYY-MM-DD HH:MM:SS[.ffffff]"},
    "modified": {"type": "string", "description": "send it back on update for an optimistic check"},
    "modified_by": {"type": "string", "readOnly": True},
    "docstatus": {"type": "integer", "enum": [0, 1, 2]},
    "idx": {"type": "integer", "readOnly": True},
    "parent": {"type": "string", "readOnly": True},
    "parenttype": {"type": "string", "readOnly": True},
    "parentfield": {"type": "string", "readOnly": True},
}
LIST_PARAMETERS = [
    ("fields", 'JSON list of field names, or ["*"]'),
    ("filters", 'JSON filters: [["field", "operator", value], ...] or {"field": value}'),
    ("or_filters", "JSON filters, OR-ed together"),
    ("order_by", '"field asc|desc"'),
    ("group_by", "a field name"),
    ("limit_start", "offset"),
    ("limit_page_length", "page size (default 20, 0 = all)"),
    ("as_dict", "1 (objects) or 0 (lists)"),
]


def schema_name(doctype: str) -> str:
    return doctype.replace(" ", "_")


def field_schema(field: DocField) -> dict[str, Any]:
    ftype = field.fieldtype
    schema: dict[str, Any]
    if ftype == "Check":
        schema = {"type": "integer", "enum": [0, 1]}
    elif ftype in fieldtypes.INTEGER:
        schema = {"type": "integer"}
    elif ftype in fieldtypes.DECIMAL:
        schema = {"type": "number"}
    elif ftype == "Date":
        schema = {"type": "string", "format": "date"}
    elif ftype in fieldtypes.TABLE:
        schema = {"type": "array", "items": {"$ref": f"#/components/schemas/{schema_name(field.options or '')}"}}
    elif ftype == "Select":
        schema = {"type": "string", "enum": ["", *field.select_options]}
    else:
        schema = {"type": "string"}
        if ftype in ("Data", "Link", "Dynamic Link", "Select", "Password") and field.length:
            schema["maxLength"] = field.length
    if ftype == "Link":
        schema["x-link-doctype"] = field.options
    if ftype == "Dynamic Link":
        schema["x-link-doctype-field"] = field.options
    if ftype == "Password":
        schema["writeOnly"] = True
    if field.read_only or ftype == "Read Only":
        schema["readOnly"] = True
    schema["title"] = field.label
    schema["x-fieldtype"] = ftype
    if field.description:
        schema["description"] = field.description
    return schema


MASKED = {"type": "string", "readOnly": True, "x-fieldtype": "Password",
          "description": "a stored password reads back as a mask (*****), never its value"}


def has_password(meta: Meta) -> bool:
    """Whether documents of `meta` (or of its child tables) carry a Password field."""
    return bool(meta.password_fields) or any(
        local().site.get_meta(f.options or "").password_fields for f in meta.table_fields)


def read_schema_name(meta: Meta) -> str:
    """The schema responses use: `<Name>_read` when Password fields read back masked, else the doctype's."""
    return schema_name(meta.name) + ("_read" if has_password(meta) else "")


def doctype_schema(meta: Meta, *, read: bool = False) -> dict[str, Any]:
    """The doctype as a JSON schema; with `read`, as responses carry it (Password fields masked)."""
    properties = {c: dict(STANDARD_PROPERTIES[c]) for c in meta.standard_columns}
    for field in meta.fields:
        if not field.fieldname:
            continue
        if read and field.fieldtype == "Password":
            properties[field.fieldname] = {**MASKED, "title": field.label}
        elif read and field.fieldtype in fieldtypes.TABLE:
            child = local().site.get_meta(field.options or "")
            properties[field.fieldname] = {**field_schema(field), "items": {
                "$ref": f"#/components/schemas/{read_schema_name(child)}"}}
        elif field.has_value or field.fieldtype in fieldtypes.TABLE:
            properties[field.fieldname] = field_schema(field)
    schema: dict[str, Any] = {"type": "object", "title": meta.name, "properties": properties}
    required = [f.fieldname for f in meta.mandatory_fields]
    if required:
        schema["required"] = required
    if meta.description:
        schema["description"] = meta.description
    return schema


def _json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# what any request may be answered, whatever the operation: a body that cannot be read or a missing
# CSRF token (400), a bad token or expired session (401), a body over the size cap (413), a throttled
# client (429) and a database that cannot be reached (503); the last two say when to try again
EVERYWHERE = (400, 401, 413, 429, 503)
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer", "minimum": 1}}}


def _errors(*codes: int) -> dict[str, dict[str, Any]]:
    """Error envelopes for `codes` and for the statuses every operation may answer (EVERYWHERE)."""
    names = {400: "unreadable request or missing CSRF token", 401: "not authenticated", 403: "not permitted",
             404: "not found", 409: "duplicate", 413: "request too large", 417: "validation failed",
             429: "too many requests", 503: "database unavailable"}
    responses = {str(c): _json_response({"$ref": "#/components/schemas/Error"}, names[c])
                 for c in sorted({*EVERYWHERE, *codes})}
    for code in ("429", "503"):
        responses[code]["headers"] = RETRY_AFTER
    return responses


def _doc_envelope(ref: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"data": {"$ref": ref}}, "required": ["data"]}


def resource_paths(meta: Meta) -> dict[str, Any]:
    ref = f"#/components/schemas/{schema_name(meta.name)}"
    read_ref = f"#/components/schemas/{read_schema_name(meta)}"
    base = f"/api/resource/{quote(meta.name)}"
    tag = [meta.name]
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}
    name_param = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    one: dict[str, dict[str, Any]] = {
        "get": {"tags": tag, "summary": f"Read one {meta.name}", "parameters": [name_param],
                "responses": {"200": _json_response(_doc_envelope(read_ref), meta.name), **_errors(403, 404)}},
        "put": {"tags": tag, "summary": f"Update a {meta.name}", "parameters": [name_param], "requestBody": body,
                "responses": {"200": _json_response(_doc_envelope(read_ref), meta.name), **_errors(403, 404, 417)}},
    }
    if meta.issingle:
        return {f"{base}/{quote(meta.name)}": {k: {**v, "parameters": []} for k, v in one.items()}}
    one["delete"] = {"tags": tag, "summary": f"Delete a {meta.name}", "parameters": [name_param],
                     "responses": {"202": _json_response(
                         {"type": "object", "properties": {"data": {"type": "string", "enum": ["ok"]}}}, "deleted"),
                         **_errors(403, 404, 417)}}
    listing = {
        "get": {"tags": tag, "summary": f"List {meta.name} records the caller may read",
                "parameters": [{"name": n, "in": "query", "required": False, "description": d,
                                "schema": {"type": "string"}} for n, d in LIST_PARAMETERS],
                "responses": {"200": _json_response({"type": "object", "properties": {"data": {
                    "type": "array", "items": {}}}, "required": ["data"]}, "records"), **_errors(403, 417)}},
        "post": {"tags": tag, "summary": f"Create a {meta.name}", "requestBody": body,
                 "responses": {"200": _json_response(_doc_envelope(read_ref), meta.name),
                               **_errors(403, 404, 409, 417)}},
    }
    return {base: listing, f"{base}/{{name}}": one}


def _message(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"message": schema}}


ANY: dict[str, Any] = {}
JSON_TEXT = {"type": "string", "description": "JSON text"}
DOC_BODY = {"type": "object", "description": "a document: {\"doctype\": ..., field: value, ...}",
            "properties": {"doctype": {"type": "string"}}, "required": ["doctype"]}
# name: (HTTP method, summary, [(argument, required, schema)], result schema); GET ones take query arguments
CLIENT_METHODS: dict[str, tuple[str, str, list[tuple[str, bool, dict[str, Any]]], dict[str, Any]]] = {
    "get_list": ("get", "Records the caller may read (the same arguments as GET /api/resource)", [
        ("fields", False, JSON_TEXT), ("filters", False, JSON_TEXT), ("or_filters", False, JSON_TEXT),
        ("order_by", False, {"type": "string"}), ("group_by", False, {"type": "string"}),
        ("limit_start", False, {"type": "integer", "minimum": 0}),
        ("limit_page_length", False, {"type": "integer", "minimum": 0}),
        ("as_dict", False, {"type": "integer", "enum": [0, 1]})], {"type": "array"}),
    "get_count": ("get", "How many records the caller may read match the filters", [
        ("filters", False, JSON_TEXT), ("or_filters", False, JSON_TEXT)], {"type": "integer"}),
    "get_value": ("get", "Field value(s) of the first readable record matching the filters", [
        ("fieldname", False, {"type": "string", "description": "a field, comma-separated fields or a JSON list"}),
        ("filters", False, {"type": "string", "description": "JSON filters or a document name"}),
        ("as_dict", False, {"type": "integer", "enum": [0, 1]})], ANY),
    "get": ("get", "One document with its child tables", [
        ("name", False, {"type": "string"}), ("filters", False, JSON_TEXT)], {"type": "object"}),
    "insert": ("post", "Insert a document", [("doc", True, DOC_BODY)], {"type": "object"}),
    "save": ("post", "Save changes to a document (insert when it has no name)", [("doc", True, DOC_BODY)],
             {"type": "object"}),
    "set_value": ("post", "Set one field (or a JSON object of fields) and save", [
        ("name", True, {"type": "string"}), ("fieldname", True, {"type": "string"}), ("value", False, ANY)],
        {"type": "object"}),
    "submit": ("post", "Submit a document", [("doc", True, DOC_BODY)], {"type": "object"}),
    "cancel": ("post", "Cancel a submitted document", [("name", True, {"type": "string"})], {"type": "object"}),
    "delete": ("post", "Delete a document", [("name", True, {"type": "string"})], {"type": "object"}),
}
DOCTYPE_ARGUMENT = {"submit", "save", "insert"}


def client_method_paths(doctypes: list[str]) -> dict[str, Any]:
    """`/api/method/frappe.client.*`: the document API Frappe clients call by name."""
    doctype_schema_ = {"type": "string", "enum": doctypes}
    paths: dict[str, Any] = {}
    for name, (verb, summary, arguments, result) in CLIENT_METHODS.items():
        if name not in DOCTYPE_ARGUMENT:
            arguments = [("doctype", True, doctype_schema_), *arguments]
        operation: dict[str, Any] = {
            "tags": ["frappe.client"], "summary": summary,
            "responses": {"200": _json_response(_message(result), "result"), **_errors(403, 404, 409, 417)}}
        if verb == "get":
            operation["parameters"] = [{"name": a, "in": "query", "required": req, "schema": schema}
                                       for a, req, schema in arguments]
        else:
            body = {"type": "object", "properties": {a: schema for a, _req, schema in arguments},
                    "required": [a for a, req, _schema in arguments if req]}
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        paths[f"/api/method/frappe.client.{name}"] = {verb: operation}
    return paths


def build_openapi() -> dict[str, Any]:
    """The whole document for the current site."""
    site = local().site
    metas = sorted(site.registry, key=lambda m: m.name)
    schemas: dict[str, Any] = {"Error": ENVELOPE_ERROR}
    paths: dict[str, Any] = {
        "/api/method/ping": {"get": {"summary": "Health check", "responses": {"200": _json_response(
            {"type": "object", "properties": {"message": {"type": "string", "enum": ["pong"]}}}, "pong"),
            **_errors()}}},
    }
    for meta in metas:
        schemas[schema_name(meta.name)] = doctype_schema(meta)
        if has_password(meta):
            schemas[read_schema_name(meta)] = doctype_schema(meta, read=True)
        if not meta.istable:
            paths.update(resource_paths(meta))
    paths.update(client_method_paths([m.name for m in metas]))
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Smooth REST API ({site.name})", "version": VERSION,
                 "description": "Frappe-compatible REST API v1 generated from doctype metadata."},
        "paths": paths,
        "components": {"schemas": schemas},
    }
