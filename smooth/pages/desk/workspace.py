"""`/app` and `/app/<workspace>`: a workspace's shortcuts (with live counts) and cards of links.

Workspace slugs are resolved before doctype slugs in `/app/<slug>`: `workspace_for(slug)`
answers whether a slug names a workspace at all, then an app's desk page
(`smooth/pages/desk/desk_pages.py`) of that name, so the dispatch falls back to a doctype's
list view only when neither does.
"""

from __future__ import annotations

import importlib
from typing import Any

from starlette.responses import HTMLResponse, Response

from smooth.api.errors import MethodNotAllowedError
from smooth.api.method import file_download
from smooth.api.request import ApiRequest
from smooth.exceptions import PermissionError
from smooth.messages import _
from smooth.pages.desk import listview
from smooth.pages.desk.access import require_desk_user
from smooth.pages.desk.desk_pages import DeskPage, find_desk_page, may_open
from smooth.pages.desk.workspaces import workspace_record, workspace_view
from smooth.pages.portal import PageContext
from smooth.pages.rendering import SECURITY_HEADERS, render_page, render_template, template_folders
from smooth.whitelist import FileDownload


def workspace_for(slug_text: str) -> dict[str, Any] | None:
    """The workspace record `/app/<slug_text>` names (visible or not to this user), or None."""
    return workspace_record(slug_text)


def show_workspace(api: ApiRequest, record: dict[str, Any]) -> Response:
    require_desk_user(api)
    view = workspace_view(record)
    if view is None:
        raise PermissionError(_("Not permitted: the {0} workspace is not shown to you (it is for other roles, or "
                                "holds nothing you may open)", _(record.get('title') or record['label'])))
    return render_page(api, "desk/workspace.html", {"workspace": view, "modules": {}})


def show_desk_page(api: ApiRequest, page: DeskPage) -> Response:
    """An app's desk page: its `get_context(context)` fills the context (query arguments in `form_dict`).

    A page's own GET form (an export) is answered by the page: `get_context` may set `download` (a
    `smooth.FileDownload`) to send a file, or put its error in the context and set `http_status`, so the
    form comes back with the message and what was chosen, never an API method's JSON."""
    seen = require_desk_user(api)
    if not may_open(page):
        raise PermissionError(_("Not permitted: the {0} page is for {1}", _(page.title), ', '.join(page.roles)))
    if api.method != "GET":
        raise MethodNotAllowedError(_("The {0} page takes no form posts", _(page.title)))
    context = PageContext(form_dict=dict(api.form), user=seen.user, viewer=seen, path=api.request.url.path,
                          title=_(page.title), request_id=api.request_id)
    returned = getattr(importlib.import_module(page.module), "get_context", lambda _context: None)(context)
    if isinstance(returned, dict):
        context.update(returned)
    if isinstance(context.download, FileDownload):
        return file_download(context.download)
    html = render_template(page.template, context, [*template_folders(), page.root])
    return HTMLResponse(html, status_code=int(context.http_status or 200), headers=SECURITY_HEADERS)


def show_workspace_or_list(api: ApiRequest, slug: str) -> Response:
    """`/app/<slug>`: the workspace of that slug, else the app's desk page, else the doctype's list view."""
    require_desk_user(api)
    record = workspace_for(slug)
    if record is not None:
        return show_workspace(api, record)
    page = find_desk_page(slug)
    if page is not None:
        return show_desk_page(api, page)
    return listview.show_list(api, slug)
