"""A client for another Frappe site's REST API (`/api/resource`, `/api/method`), token-authenticated.

Generic: it knows Frappe's wire shapes (the `{"data": ...}` and `{"message": ...}` envelopes,
`limit_start` / `limit_page_length` paging, JSON-encoded `fields` and `filters`) and nothing of
what the caller reads. Apps reach it as `smooth.frappe_client` so they never speak HTTP.

Failures are typed by what the person running it should do: fix the key and secret
(`RemoteAuthenticationError`), check the URL or the remote's health (`RemoteSiteError`,
`retryable` when trying again later may help).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import requests

from smooth.exceptions import AuthenticationError, SmoothError
from smooth.messages import _

TIMEOUT_SECONDS = 30
PAGE_LENGTH = 100


class RemoteSiteError(SmoothError):
    """The remote site could not answer (down, wrong URL, a server error)."""

    http_status_code = 502
    retryable = False


class RemoteNotFoundError(RemoteSiteError):
    """The remote site has no such doctype (another version of the app) or record (deleted meanwhile)."""


class RemotePermissionError(RemoteSiteError):
    """The key's user may not read what was asked."""


class RemoteAuthenticationError(AuthenticationError):
    """The remote site refused the API key and secret."""


class FrappeSite:
    """One remote Frappe site, read as the user whose API key and secret are given."""

    def __init__(self, url: str, api_key: str, api_secret: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"token {api_key}:{api_secret}", "Accept": "application/json"})

    def get_list(self, doctype: str, *, fields: list[str] | None = None, filters: Any = None,
                 limit_start: int = 0, limit_page_length: int = PAGE_LENGTH, order_by: str = "creation asc",
                 parent: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"fields": json.dumps(fields or ["name"]), "limit_start": limit_start,
                                  "limit_page_length": limit_page_length, "order_by": order_by}
        if filters:
            params["filters"] = json.dumps(filters)
        if parent:
            params["parent"] = parent  # a child table is listed through its parent doctype, as Frappe requires
        data = self._get(f"/api/resource/{quote(doctype)}", params).get("data")
        if not isinstance(data, list):
            raise RemoteSiteError(_("{0} answered the list of {1} without a data list", self.url, _(doctype)))
        return data

    def pages(self, doctype: str, *, fields: list[str] | None = None, start: int = 0,
              page_length: int = PAGE_LENGTH, parent: str | None = None) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(limit_start, rows) page after page in a stable order, until a short page; resumes from `start`."""
        while True:
            rows = self.get_list(doctype, fields=fields, limit_start=start, limit_page_length=page_length,
                                 order_by="creation asc, name asc", parent=parent)
            yield start, rows
            if len(rows) < page_length:
                return
            start += len(rows)

    def get_doc(self, doctype: str, name: str) -> dict[str, Any]:
        """The whole document, child tables included."""
        data = self._get(f"/api/resource/{quote(doctype)}/{quote(name, safe='')}", {}).get("data")
        if not isinstance(data, dict):
            raise RemoteSiteError(_("{0} answered {1} {2} without a document", self.url, _(doctype), name))
        return data

    def get_fieldnames(self, doctype: str) -> set[str]:
        """The fields the remote's version of `doctype` has (its meta, as the desk form loads it)."""
        docs = self._get("/api/method/frappe.desk.form.load.getdoctype", {"doctype": doctype}).get("docs") or []
        meta = next((doc for doc in docs if isinstance(doc, dict) and doc.get("name") == doctype), None)
        if meta is None:
            raise RemoteSiteError(_("{0} answered the meta of {1} without it", self.url, _(doctype)))
        return {field["fieldname"] for field in meta.get("fields") or [] if field.get("fieldname")}

    def get_count(self, doctype: str) -> int:
        message = self._get("/api/method/frappe.client.get_count", {"doctype": doctype}).get("message")
        return int(message or 0)

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.session.get(self.url + path, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            error = RemoteSiteError(_("Could not reach {0}: {1}; check the URL and that the site is running",
                                      self.url, exc.__class__.__name__))
            error.retryable = True
            raise error from None
        if response.status_code == 401:
            raise RemoteAuthenticationError(
                _("{0} refused the API key and secret (HTTP 401): generate a key pair for a System Manager on that "
                  "site (User > API Access) and pass --api-key and --api-secret", self.url))
        if response.status_code == 403:
            raise RemotePermissionError(_("{0} does not let this key's user read {1} (HTTP 403): use a System "
                                          "Manager's key", self.url, path))
        if response.status_code == 404:
            raise RemoteNotFoundError(_("{0} has no {1} (HTTP 404)", self.url, path))
        if response.status_code >= 400:
            error = RemoteSiteError(_("{0}{1} answered HTTP {2}", self.url, path, response.status_code))
            error.retryable = response.status_code >= 500
            raise error
        try:
            body = response.json()
        except ValueError:
            raise RemoteSiteError(_("{0}{1} did not answer JSON: is this a Frappe site?", self.url, path)) from None
        if not isinstance(body, dict):
            raise RemoteSiteError(_("{0}{1} answered JSON without an envelope", self.url, path))
        return body
