"""What the desk's workspaces show a user: which workspaces they see, each one's shortcuts and cards.

Workspace records are desk configuration, read without permission checks; what a user sees
of them is decided here, per link: a DocType link or shortcut only when the user may read
that doctype (and has the link's `only_for` role), a workspace only when it is public (or
theirs), they hold one of its roles (when it names any) and at least one of its links or
shortcuts is theirs to open.

Shortcut counts go through `smooth.model.user_queries.count`, the permission-checked count
(DocPerms and the apps' record rules), so "Pending requests assigned to me" counts only what
that user may read. A count filter is plain JSON; the only values that stand for something
else are whole strings:

- `"__user"` (also Frappe's `"frappe.session.user"` and `"smooth.session.user"`): the viewing user,
- `"__today"`: today's date in the system time zone.

Nothing in a filter is ever evaluated as code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from smooth.context import local, session_user, today
from smooth.core.doctype.workspace.workspace import parse_stats_filter, workspace_slug
from smooth.exceptions import SmoothError
from smooth.i18n.formatting import format_number
from smooth.messages import _
from smooth.model import user_queries
from smooth.model.database_api import document_db
from smooth.pages.desk.desk_pages import find_desk_page, may_open
from smooth.permissions import ADMINISTRATOR, AUTOMATIC_ROLES, get_roles, has_permission

USER_TOKENS = frozenset({"__user", "frappe.session.user", "smooth.session.user"})
TODAY_TOKEN = "__today"
VIEWS = {"List": "", "Calendar": "/view/calendar", "Report": "/view/report", "New": "/new"}
COLORS = frozenset({"grey", "blue", "green", "orange", "red", "purple"})


@dataclass
class Link:
    label: str
    url: str
    description: str = ""


@dataclass
class Card:
    label: str
    links: list[Link] = field(default_factory=list)


@dataclass
class Shortcut:
    label: str
    url: str
    color: str
    count: int | None = None
    count_text: str = ""
    error: str = ""


@dataclass
class Workspace:
    """A workspace as one user sees it."""

    name: str
    title: str
    slug: str
    url: str
    shortcuts: list[Shortcut] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.shortcuts and not any(card.links for card in self.cards)

    def holds(self, path: str) -> bool:
        """Whether `path` is a desk page this workspace links to (a list, its forms and views, a desk page):
        the desk nav marks the workspace as the app the user is in."""
        for card in self.cards:
            for link in card.links:
                target = link.url.split("?", 1)[0]
                if target.startswith("/app/") and (path == target or path.startswith(target + "/")):
                    return True
        return False


def resolve_tokens(value: Any, user: str) -> Any:
    """The filter with its `__user` / `__today` strings replaced; every other value as it was."""
    if isinstance(value, str):
        if value in USER_TOKENS:
            return user
        return today().isoformat() if value == TODAY_TOKEN else value
    if isinstance(value, list):
        return [resolve_tokens(v, user) for v in value]
    if isinstance(value, dict):
        return {k: resolve_tokens(v, user) for k, v in value.items()}
    return value


_CACHE = "desk_workspaces"


def _cached_records() -> tuple[object, list[dict[str, Any]]]:
    """Every workspace with its rows, in sidebar order, and a token naming that read. Every desk page draws
    them, so they are kept by the site cache (Workspace and its rows are cached doctypes): read again (four
    queries, whatever their number) only after a Workspace was saved or deleted, with no query of their own
    on the pages between. The token is new with each read, so views worked out from the rows (`_visible`)
    are keyed by it."""
    flags = local().flags.__dict__
    if _CACHE not in flags:
        flags[_CACHE] = document_db().cached(("desk workspaces",), lambda: (object(), _read_records()))
    found: tuple[object, list[dict[str, Any]]] = flags[_CACHE]
    return found


def _records() -> list[dict[str, Any]]:
    return list(_cached_records()[1])


def _read_records() -> list[dict[str, Any]]:
    database = document_db()
    heads = database.get_all("Workspace", fields=["name", "label", "title", "public", "for_user", "is_hidden",
                                                  "sequence_id"], order_by="sequence_id asc, label asc")
    by_name = {h["name"]: {**h, "roles": [], "links": [], "shortcuts": []} for h in heads}
    rows: list[tuple[str, str, list[str]]] = [
        ("roles", "Has Role", ["parent", "role"]),
        ("links", "Workspace Link", ["parent", "type", "label", "link_type", "link_to", "only_for", "description"]),
        ("shortcuts", "Workspace Shortcut", ["parent", "label", "type", "link_to", "doc_view", "stats_filter",
                                             "format", "color"]),
    ]
    for key, doctype, fields in rows:
        for row in database.get_all(doctype, fields=fields, filters={"parenttype": "Workspace"},
                                    order_by="parent asc, idx asc"):
            if row["parent"] in by_name:
                by_name[row["parent"]][key].append(row)
    return list(by_name.values())


def _may_open(kind: str | None, target: str | None, only_for: str | None, roles: set[str]) -> bool:
    if only_for and only_for not in roles:
        return False
    if (kind or "DocType") == "DocType":
        try:
            return bool(target) and has_permission(str(target), "read")
        except SmoothError:
            return False  # a doctype no longer installed
    if kind == "Page":
        page = find_desk_page(str(target or ""))
        return page is not None and may_open(page)
    return bool(target)


def _url(kind: str | None, target: str, view: str | None = None, filters: Any = None) -> str:
    if kind == "URL":
        return target
    if kind == "Page":
        return f"/app/{target}"
    base = f"/app/{workspace_slug(target)}{VIEWS.get(view or 'List', '')}"
    query = _route_options(filters) if not view or view == "List" else ""
    return f"{base}?{query}" if query else base


def _route_options(filters: Any) -> str:
    """Frappe's route options: `?field=value` for an equality, `?field=["op", value]` (JSON) otherwise."""
    pairs: list[tuple[str, str]] = []
    items: list[tuple[str, Any]] = []
    if isinstance(filters, dict):
        items = list(filters.items())
    elif isinstance(filters, list):
        for f in filters:
            if isinstance(f, list) and len(f) in (3, 4):
                items.append((str(f[-3]), [f[-2], f[-1]]))
    for fieldname, value in items:
        if isinstance(value, list) and len(value) == 2 and value[0] == "=":
            value = value[1]
        pairs.append((fieldname, json.dumps(value) if isinstance(value, list | dict) else str(value)))
    return urlencode(pairs)


def _shortcut(row: dict[str, Any], user: str) -> Shortcut:
    kind = row.get("type") or "DocType"
    color = str(row.get("color") or "Grey").lower()
    where = f"Shortcut {row['label']}"
    filters = None
    try:
        filters = resolve_tokens(parse_stats_filter(row.get("stats_filter"), where), user)
    except SmoothError as exc:
        return Shortcut(row["label"], _url(kind, row["link_to"], row.get("doc_view")),
                        color if color in COLORS else "grey", error=exc.message)
    shortcut = Shortcut(row["label"], _url(kind, row["link_to"], row.get("doc_view"), filters),
                        color if color in COLORS else "grey")
    if filters is not None and kind == "DocType":
        try:
            shortcut.count = user_queries.count(row["link_to"], filters)
        except SmoothError as exc:
            shortcut.error = exc.message
        else:
            template = _(row["format"]) if row.get("format") else "{}"
            count = format_number(shortcut.count)  # with the reader's language's separators
            shortcut.count_text = template.replace("{}", count) if "{}" in template else f"{count} {template}"
    return shortcut


def _view(record: dict[str, Any], user: str, roles: set[str], with_counts: bool) -> Workspace:
    page_slug = workspace_slug(record["label"])
    view = Workspace(record["name"], record.get("title") or record["label"], page_slug, f"/app/{page_slug}")
    for row in record["shortcuts"]:
        if _may_open(row.get("type"), row.get("link_to"), None, roles):
            if with_counts:
                view.shortcuts.append(_shortcut(row, user))
            else:
                view.shortcuts.append(Shortcut(row["label"], "", "grey"))
    card: Card | None = None
    for row in record["links"]:
        if row.get("type") == "Card Break":
            card = Card(row["label"])
            view.cards.append(card)
            continue
        if not _may_open(row.get("link_type"), row.get("link_to"), row.get("only_for"), roles):
            continue
        if card is None:
            card = Card(view.title)
            view.cards.append(card)
        card.links.append(Link(row["label"], _url(row.get("link_type"), row["link_to"]),
                               row.get("description") or ""))
    view.cards = [c for c in view.cards if c.links]
    return view


def _admitted(record: dict[str, Any], user: str, roles: set[str]) -> bool:
    if record.get("is_hidden"):
        return False
    if not record.get("public") and record.get("for_user") != user:
        return False
    wanted = {r["role"] for r in record["roles"]}
    return not wanted or bool(wanted & roles)


# (site path, its doctypes, workspace read token, user, roles) -> the workspaces that user sees in the nav
_visible: dict[tuple[Any, ...], tuple[Workspace, ...]] = {}
_VISIBLE_LIMIT = 512


def visible_workspaces() -> list[Workspace]:
    """The workspaces the current user sees, in sidebar order (without counts: no queries beyond the rows).

    Every desk page draws them in its nav, so they are kept per process for what decides them: the
    workspace records (the token of their read), the user and their roles, and the doctypes' DocPerms (the site's
    registry, replaced when metadata is reloaded). The views are shared: templates only read them."""
    user = session_user()
    if user == "Guest":
        return []
    roles = frozenset(get_roles(user))
    token, records = _cached_records()
    site = local().site
    key = (str(site.path), site.registry, token, user, roles)
    shown = _visible.get(key)
    if shown is None:
        views = (_view(record, user, set(roles), with_counts=False) for record in records
                 if _admitted(record, user, set(roles)))
        shown = tuple(view for view in views if not view.is_empty)
        if len(_visible) >= _VISIBLE_LIMIT:
            _visible.clear()
        _visible[key] = shown
    return list(shown)


def workspace_record(page_slug: str) -> dict[str, Any] | None:
    """The workspace whose label has this slug (whoever may see it), or None."""
    return next((r for r in _records() if workspace_slug(r["label"]) == page_slug), None)


def workspace_view(record: dict[str, Any]) -> Workspace | None:
    """The workspace as the current user sees it, counts included; None when they may not see it."""
    user = session_user()
    roles = set(get_roles(user))
    if not _admitted(record, user, roles):
        return None
    view = _view(record, user, roles, with_counts=True)
    return None if view.is_empty else view


ADMIN_ROLES = frozenset({"System Manager", ADMINISTRATOR})  # admitted everywhere: they make no workspace theirs


def _made_for(record: dict[str, Any], roles: set[str]) -> bool:
    """Whether the workspace names one of the user's own roles (HR Manager -> HR), not only an admin's."""
    own = roles - ADMIN_ROLES - set(AUTOMATIC_ROLES)
    return bool(own) and not roles & ADMIN_ROLES and bool({r["role"] for r in record["roles"]} & own)


def default_workspace() -> Workspace | None:
    """The user's Default Workspace when they may see it, else the first made for one of their roles, else the
    first they may see, else None. System Managers hold every role's rights, so for them the order decides."""
    user = session_user()
    roles = set(get_roles(user))
    records = _records()
    chosen = document_db().get_value("User", user, "default_workspace") if user else None
    ordered = sorted(records, key=lambda r: (r["name"] != chosen, not _made_for(r, roles)))
    for record in ordered:
        if _admitted(record, user, roles):
            view = _view(record, user, roles, with_counts=True)
            if not view.is_empty:
                return view
    return None
