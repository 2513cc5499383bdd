"""Who may do what: role DocPerms from metadata, then the apps' record rules.

A right is granted when any DocPerm row of the user's roles grants it. Rows marked
`if_owner` grant it only on records the user owns. Apps narrow access with two hooks:

- `permission_query_conditions[doctype](user)` returns filters (never SQL): None for no
  restriction, a filter list/dict, or {"filters": [...], "or_filters": [...]}. Lists and
  counts add them to the query; single-record checks evaluate the same filters on the
  record, so the two can never disagree.
- `has_permission[doctype](doc, ptype, user)` may return False to deny; it cannot grant.

Frappe's User Permissions narrow reads further: a `User Permission` (user, allow, for_value)
lets the user read only records whose Links to `allow` are empty or one of the allowed values
(and only the allowed `allow` records themselves); lists and single-record reads apply the
same filters. `ignore_user_permissions` on a Link field exempts it; `apply_to_all_doctypes: 0`
with `applicable_for` limits a row to that one doctype.

Administrator may do everything. Child rows follow their parent doctype's permissions.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, and_, bindparam, select

import smooth.filters as filter_rules
from smooth.context import db, local, session_user
from smooth.exceptions import PermissionError
from smooth.messages import _, _lazy
from smooth.meta.doctype import Meta

if TYPE_CHECKING:
    from smooth.model.document import Document

AUTOMATIC_ROLES = ("Guest", "All")
ADMINISTRATOR = "Administrator"
GUEST = "Guest"


def get_roles(user: str | None = None) -> list[str]:
    user = user or session_user()
    loc = local()
    cached = loc.roles.get(user)
    if cached is not None:
        return cached
    if user == ADMINISTRATOR:
        roles = [str(meta_role) for meta_role in db().cached(("all roles",), _all_roles)] + [ADMINISTRATOR]
    elif user == GUEST:
        roles = [GUEST]
    else:
        roles = list(db().cached(("roles", user), lambda: _stored_roles(user))) + list(AUTOMATIC_ROLES)
    loc.roles[user] = roles
    return roles


def _stored_roles(user: str) -> tuple[str, ...]:
    """The user's roles, read with the user's whole row in one query: the row is remembered (and kept by the
    site cache), so the Link checks and lookups of this user that follow ask nothing more."""
    database = db()
    meta = local().site.get_meta("User")
    result = database.execute(_user_with_roles(database.table("User"), database.table("Has Role"),
                                               tuple(meta.columns)), {"user": user})
    rows = [dict(row) for row in result.mappings()]
    if rows:
        database.remember_rows("User", [{k: v for k, v in rows[0].items() if k != _ROLE}])
    return tuple(row[_ROLE] for row in rows if row[_ROLE] is not None)


_ROLE = "__role"
# Translators: the verb of "Not permitted: {user} may not {verb} {document}"
_VERBS = {"read": _lazy("read"), "write": _lazy("write"), "create": _lazy("create"), "delete": _lazy("delete"),
          "submit": _lazy("submit"), "cancel": _lazy("cancel"), "amend": _lazy("amend"), "report": _lazy("report"),
          "export": _lazy("export"), "import": _lazy("import"), "print": _lazy("print"), "email": _lazy("email"),
          "share": _lazy("share"), "select": _lazy("select")}


@lru_cache(maxsize=16)
def _user_with_roles(user_table: Table, has_role: Table, columns: tuple[str, ...]) -> Any:
    """A user's row once per role (once with no role); built once per site's tables, as nearly every request
    asks (the statement's compiled form and cache key are kept with it)."""
    return select(*(user_table.c[c] for c in columns), has_role.c.role.label(_ROLE)).outerjoin(
        has_role, and_(has_role.c.parent == user_table.c.name, has_role.c.parenttype == "User")).where(
        user_table.c.name == bindparam("user"))


def remember_roles(found: dict[str, list[str]]) -> None:
    """Keep roles a caller read for many users at once (as `Has Role` rows) in the unit's cache."""
    loc = local()
    for user, roles in found.items():
        if user not in (ADMINISTRATOR, GUEST):
            loc.roles.setdefault(user, list(roles) + list(AUTOMATIC_ROLES))


def _all_roles() -> tuple[str, ...]:
    return tuple(db().get_all("Role", pluck="name", order_by=""))


def clear_role_cache(user: str | None = None) -> None:
    loc = local()
    if user is None:
        loc.roles.clear()
    else:
        loc.roles.pop(user, None)


def role_rights(meta: Meta, user: str) -> tuple[frozenset[str], frozenset[str]]:
    """(rights granted outright, rights granted only on owned records); worked out once per doctype and set of
    roles (a workflow checks every holder of a role against each new document)."""
    roles = frozenset(get_roles(user))
    known = meta.rights_by_roles.get(roles)
    if known is None:
        granted: set[str] = set()
        owner_only: set[str] = set()
        for perm in meta.permissions:
            if perm.get("role") not in roles or int(perm.get("permlevel") or 0) != 0:
                continue
            rights = {k for k, v in perm.items() if v and k not in ("role", "permlevel", "if_owner")}
            (owner_only if perm.get("if_owner") else granted).update(rights)
        known = meta.rights_by_roles[roles] = (frozenset(granted), frozenset(owner_only - granted))
    return known


def field_levels(meta: Meta, ptype: str = "read", user: str | None = None) -> frozenset[int] | None:
    """The permlevels of `meta`'s fields that `user` may read (ptype "read") or write; None means every level.

    As in Frappe, a DocPerm row at permlevel N grants its rights on the fields at level N (a write
    right implies reading them); level 0 follows the document's own rights, checked elsewhere. A
    child table's fields take their levels from the parent's DocPerms: pass the parent's meta."""
    user = user or session_user()
    if user == ADMINISTRATOR:
        return None
    roles = set(get_roles(user))
    levels = {0}
    for perm in meta.permissions:
        if perm.get("role") in roles and (perm.get(ptype) or (ptype == "read" and perm.get("write"))):
            levels.add(int(perm.get("permlevel") or 0))
    return frozenset(levels)


def _permission_meta(doctype: str, doc: Document | None) -> Meta:
    site = local().site
    meta = site.get_meta(doctype)
    if meta.istable:
        parent = (doc.parenttype if doc is not None else None) or _parent_doctype(meta)
        if parent:
            return site.get_meta(parent)
    return meta


def _parent_doctype(child: Meta) -> str | None:
    for meta in local().site.registry:
        if any(f.options == child.name for f in meta.table_fields):
            return meta.name
    return None


def has_permission(doctype: str, ptype: str = "read", doc: Document | None = None, user: str | None = None,
                   raise_exception: bool = False, *, values: dict[str, Any] | None = None) -> bool:
    """`values`: `doc.as_dict()`, when the caller checks many users against one document."""
    user = user or session_user()
    if user == ADMINISTRATOR:
        return True
    meta = _permission_meta(doctype, doc)
    rule_doctype = meta.name
    if doc is not None and doc.parent_doc is not None:
        doc, values = doc.parent_doc, None
    elif doc is not None and meta.name != doctype:
        # a child row on its own: its doctype's own record rule judges it when the apps give one (as lists
        # do), else the parent's rule judges the parent's stored row
        if local().site.hooks.mapped_for("permission_query_conditions", doctype):
            rule_doctype, values = doctype, None
        else:
            values = db().get_value(meta.name, doc.parent or "", ["*"], as_dict=True) or {}
    allowed = _check(meta, ptype, doc, user, rule_doctype, values)
    if not allowed and raise_exception:
        what = f"{_(meta.name)} {doc.name}" if doc is not None and doc.name else _(meta.name)
        raise PermissionError(_("Not permitted: {0} may not {1} {2}", user, _ptype_verb(ptype), what))
    return allowed


def _ptype_verb(ptype: str) -> str:
    verb = _VERBS.get(ptype)
    return str(verb) if verb is not None else ptype


def _check(meta: Meta, ptype: str, doc: Document | None, user: str, rule_doctype: str,
           values: dict[str, Any] | None) -> bool:
    granted, owner_only = role_rights(meta, user)
    if ptype not in granted and not (ptype == "select" and "read" in granted):
        if ptype not in owner_only:
            return False
        if doc is not None and not (doc.is_new() and not doc.owner) and doc.owner != user:
            return False
    if doc is None or (doc.is_new() and ptype == "create"):
        return _hooks_allow(meta, doc, ptype, user)
    rule = record_rule(rule_doctype, user)
    if rule is not None:
        values = doc.as_dict() if values is None else values
        if not (filter_rules.matches(values, rule[0]) and filter_rules.matches_any(values, rule[1])):
            return False
    judged = values is not None or doc.doctype == meta.name  # a child row alone: its parent's row is judged
    restricted = user_permission_filters(meta, user) if judged and ptype in USER_PERMISSION_TYPES else []
    if restricted and not filter_rules.matches(doc.as_dict() if values is None else values, restricted):
        return False
    return _hooks_allow(meta, doc, ptype, user)


USER_PERMISSION_TYPES = frozenset({"read", "select", "write", "delete", "submit", "cancel", "amend", "print",
                                   "email", "share", "export", "report"})


def user_permission_filters(meta: Meta, user: str) -> list[filter_rules.Filter]:
    """The filters the user's User Permissions put on records of `meta` (none when the user has none)."""
    allowed: dict[str, list[str]] = {}
    for doctype, rows in _user_permissions(user).items():
        values = [value for value, only_for in rows if not only_for or only_for == meta.name]
        if values:
            allowed[doctype] = values
    if not allowed:
        return []
    conditions: list[list[Any]] = []
    if meta.name in allowed:
        conditions.append(["name", "in", allowed[meta.name]])
    for field in meta.link_fields:
        if field.options in allowed and not field.raw.get("ignore_user_permissions"):
            conditions.append([field.fieldname, "in", [*allowed[field.options], ""]])  # "" : an empty Link passes
    return filter_rules.normalize(meta, conditions)


def _user_permissions(user: str) -> dict[str, list[tuple[str, str]]]:
    """allow doctype -> [(for_value, applicable_for or "")], kept by the site cache (shared: never changed)."""
    loc = local()
    cached = loc.user_permissions.get(user)
    if cached is None:
        cached = {}
        if user != GUEST and "User Permission" in loc.site.registry:
            cached = db().cached(("user permissions", user), lambda: _stored_user_permissions(user))
        loc.user_permissions[user] = cached
    return cached


def _stored_user_permissions(user: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for row in db().get_all("User Permission", filters={"user": user}, order_by="",
                            fields=["allow", "for_value", "apply_to_all_doctypes", "applicable_for"]):
        only_for = "" if row["apply_to_all_doctypes"] else (row["applicable_for"] or "")
        found.setdefault(row["allow"], []).append((str(row["for_value"]), only_for))
    return found


def _hooks_allow(meta: Meta, doc: Document | None, ptype: str, user: str) -> bool:
    if doc is None:
        return True
    for hook in local().site.hooks.mapped_for("has_permission", meta.name) + \
            local().site.hooks.mapped_for("has_permission", "*"):
        if hook(doc, ptype, user) is False:
            return False
    return True


def record_rule(doctype: str,
                user: str) -> tuple[list[filter_rules.Filter], list[filter_rules.Filter]] | None:
    """The apps' permission_query_conditions for `doctype`, normalised; None when unrestricted."""
    site = local().site
    meta = site.get_meta(doctype)
    hooks = site.hooks.mapped_for("permission_query_conditions", doctype)
    if not hooks:
        return None
    and_filters: list[filter_rules.Filter] = []
    or_filters: list[filter_rules.Filter] = []
    restricted = False
    for hook in hooks:
        result: Any = hook(user)
        if result is None:
            continue
        restricted = True
        if isinstance(result, dict) and set(result) <= {"filters", "or_filters"} and result:
            and_filters += filter_rules.normalize(meta, result.get("filters"))
            or_filters += filter_rules.normalize(meta, result.get("or_filters"))
        else:
            and_filters += filter_rules.normalize(meta, result)
    return (and_filters, or_filters) if restricted else None


def list_filters(doctype: str, user: str | None = None, ptype: str = "read") -> tuple[
        list[filter_rules.Filter], list[filter_rules.Filter]]:
    """Filters that restrict a list of `doctype` to what `user` may see (PermissionError if nothing)."""
    user = user or session_user()
    if user == ADMINISTRATOR:
        return [], []
    meta = _permission_meta(doctype, None)  # child rows follow their parent doctype's DocPerms
    granted, owner_only = role_rights(meta, user)
    if ptype not in granted and not (ptype == "select" and "read" in granted):
        if ptype not in owner_only:
            raise PermissionError(_("Not permitted: {0} may not {1} {2}", user, _ptype_verb(ptype), _(doctype)))
        and_filters = filter_rules.normalize(meta, {"owner": user})
    else:
        and_filters = []
    if ptype in USER_PERMISSION_TYPES and meta.name == doctype:
        and_filters = and_filters + user_permission_filters(meta, user)
    rule = record_rule(doctype, user)
    if rule is None:
        return and_filters, []
    return and_filters + rule[0], rule[1]
