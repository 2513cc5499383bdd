"""Request bodies read within the site's size caps, decoded without a path to a 500.

A body is counted while it streams in, so neither a false Content-Length nor a chunked
upload gets past the cap (413). JSON goes through `args.load_json` (depth and Unicode
checks, 417); a multipart body Starlette cannot parse (no boundary, an oversized part
header) is the client's mistake, 400.

Site config: `max_body_size` (bytes, default 1 MiB) for JSON and form bodies; a multipart
upload may carry `max_file_size` (default 10 MiB) plus `max_body_size` for its other fields.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from smooth.api.args import load_json
from smooth.exceptions import BadRequestError, RequestTooLargeError, ValidationError
from smooth.messages import _
from smooth.model.user_queries import site_limit

MiB = 1024 * 1024
DEFAULT_MAX_BODY_SIZE = 1 * MiB
DEFAULT_MAX_FILE_SIZE = 10 * MiB
MULTIPART = "multipart/form-data"
URLENCODED = "application/x-www-form-urlencoded"


def body_cap(config: Mapping[str, Any], content_type: str) -> int:
    """The most bytes a body of `content_type` may have on this site."""
    cap = site_limit(config, "max_body_size", DEFAULT_MAX_BODY_SIZE)
    if content_type == MULTIPART:
        cap += site_limit(config, "max_file_size", DEFAULT_MAX_FILE_SIZE)
    return cap


def _too_large(cap: int) -> RequestTooLargeError:
    return RequestTooLargeError(_("The request body is larger than {0:,} bytes, the most this site accepts", cap))


def capped(request: Request, cap: int) -> Request:
    """The same request, reading its body through a counter that stops at `cap` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(cap)
    received = 0
    source = request.receive

    async def receive() -> Message:
        nonlocal received
        message = await source()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > cap:
                raise _too_large(cap)
        return message

    return Request(request.scope, receive)


async def read_json(request: Request, cap: int) -> Any:
    """The decoded JSON body (None when it is empty)."""
    raw = await capped(request, cap).body()
    if not raw.strip():
        return None
    value = load_json(raw, "The request body")
    if not isinstance(value, dict | list):
        raise ValidationError(_("The request body must be a JSON object or list"))
    return value


async def read_form_fields(request: Request, cap: int) -> dict[str, Any]:
    """Form fields (text as str, files as UploadFile), later fields winning as in Frappe's form_dict."""
    try:
        data = await capped(request, cap).form()
    except HTTPException as exc:
        raise BadRequestError(_("The request body cannot be read: {0}", exc.detail)) from None
    return {key: value if isinstance(value, UploadFile) else str(value) for key, value in data.multi_items()}


def form_copy(form: Mapping[str, Any]) -> dict[str, Any]:
    """`form` as a new dict a handler may change freely, for a request run again: values copied deep, uploads
    shared and rewound to their start."""
    copied: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, UploadFile):
            value.file.seek(0)
            copied[key] = value
        else:
            copied[key] = copy.deepcopy(value)
    return copied
