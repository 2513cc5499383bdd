"""`/api/resource/{doctype}[/{name}]`: Frappe's REST CRUD over documents.

Lists go through `smooth.client.get_list` (permission-checked), single reads check the read
right on the record, writes run the full document lifecycle (which checks create, write or
delete). Responses are `{"data": ...}`; DELETE answers 202 `{"data": "ok"}`.
"""

from __future__ import annotations

from typing import Any

from smooth import access_log
from smooth.api import client
from smooth.api.args import parse_object
from smooth.api.request import ApiRequest
from smooth.context import local
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.model import records
from smooth.model.user_reads import readable_dict

DEFAULT_PAGE_LENGTH = 20


def list_docs(api: ApiRequest, doctype: str) -> dict[str, Any]:
    args = api.form
    page_length = args.get("limit_page_length", args.get("limit", DEFAULT_PAGE_LENGTH))
    rows = client.get_list(
        doctype, fields=args.get("fields"), filters=args.get("filters"), or_filters=args.get("or_filters"),
        order_by=args.get("order_by"), group_by=args.get("group_by"), limit_start=args.get("limit_start"),
        limit_page_length=page_length, as_dict=args.get("as_dict", True))
    return {"data": rows}


def _body(api: ApiRequest) -> dict[str, Any]:
    """The document values: form field `data` (JSON) when present, else the whole request."""
    data = api.form.get("data")
    values = parse_object(data, "data") if data is not None else dict(api.form)
    if not isinstance(values, dict):
        raise ValidationError(_("The request body must be a JSON object of field values"))
    values.pop("doctype", None)
    return values


def create_doc(api: ApiRequest, doctype: str) -> dict[str, Any]:
    doc = client.new_document(doctype, _body(api))
    return {"data": doc.insert()}


def read_doc(api: ApiRequest, doctype: str, name: str) -> dict[str, Any]:
    doc = client.load_for_read(doctype, name)
    if doc.meta.track_views:
        access_log.make_access_log(doctype, doc.name, "Open")
    return {"data": readable_dict(doc, no_nulls=True)}


def update_doc(api: ApiRequest, doctype: str, name: str) -> dict[str, Any]:
    local().site.get_meta(doctype)
    values = _body(api)
    values.pop("flags", None)
    doc = records.get_doc(doctype, name, for_update=True)
    return {"data": client.apply_update(doc, values).save()}


def delete_doc(api: ApiRequest, doctype: str, name: str) -> dict[str, Any]:
    local().site.get_meta(doctype)
    records.delete_doc(doctype, name, ignore_missing=False)
    api.status_code = 202
    return {"data": "ok"}
