"""`/app`: the user's default workspace (else the first they may see), and every doctype they may read.

The list of doctypes by module stays below the workspace, folded, and is the whole page for
a user who sees no workspace: nothing they may read is ever out of reach.
"""

from __future__ import annotations

from collections import defaultdict

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.context import local
from smooth.pages.desk.access import require_desk_user, slug
from smooth.pages.desk.workspaces import default_workspace
from smooth.pages.rendering import render_page
from smooth.permissions import has_permission


def readable_doctypes() -> dict[str, list[tuple[str, str]]]:
    """Module -> [(doctype, url)] of the non-child doctypes the current user may read."""
    modules: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for meta in sorted(local().site.registry, key=lambda m: m.name):
        if not meta.istable and has_permission(meta.name, "read"):
            modules[meta.module or "Other"].append((meta.name, f"/app/{slug(meta.name)}"))
    return dict(sorted(modules.items()))


def show_home(api: ApiRequest) -> Response:
    require_desk_user(api)
    return render_page(api, "desk/workspace.html", {"workspace": default_workspace(),
                                                    "modules": readable_doctypes()})
