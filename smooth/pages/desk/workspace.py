"""`/app` and `/app/<workspace>`: a workspace's shortcuts (with live counts) and cards of links.

Workspace slugs are resolved before doctype slugs in `/app/<slug>`: `workspace_for(slug)`
answers whether a slug names a workspace at all, so the dispatch can fall back to a
doctype's list view only when none does.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.exceptions import PermissionError
from smooth.pages.desk import listview
from smooth.pages.desk.access import require_desk_user
from smooth.pages.desk.workspaces import workspace_record, workspace_view
from smooth.pages.rendering import render_page


def workspace_for(slug_text: str) -> dict[str, Any] | None:
    """The workspace record `/app/<slug_text>` names (visible or not to this user), or None."""
    return workspace_record(slug_text)


def show_workspace(api: ApiRequest, record: dict[str, Any]) -> Response:
    require_desk_user(api)
    view = workspace_view(record)
    if view is None:
        raise PermissionError(f"Not permitted: the {record.get('title') or record['label']} workspace is not "
                              "shown to you (it is for other roles, or holds nothing you may open)")
    return render_page(api, "desk/workspace.html", {"workspace": view, "modules": {}})


def show_workspace_or_list(api: ApiRequest, slug: str) -> Response:
    """`/app/<slug>`: the workspace of that slug, else the list view of the doctype of that slug."""
    require_desk_user(api)
    record = workspace_for(slug)
    if record is None:
        return listview.show_list(api, slug)
    return show_workspace(api, record)
