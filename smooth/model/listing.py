"""Frappe's `get_list` (permission-checked) and `get_all` (not): the query door for apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import smooth.permissions as permissions
from smooth.context import db, local
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.model.user_reads import readable_fields


def get_list(doctype: str, fields: Sequence[str] | str | None = None, filters: Any = None, *,
             or_filters: Any = None, order_by: str | None = None, group_by: str | None = None,
             limit_start: int = 0, limit_page_length: int | None = None, limit: int | None = None,
             distinct: bool = False, pluck: str | None = None, as_list: bool = False,
             ignore_permissions: bool = False, user: str | None = None, **kwargs: Any) -> list[Any]:
    """Records the session user may read (DocPerms and the apps' record rules applied)."""
    if kwargs.pop("start", None) is not None or kwargs.pop("page_length", None) is not None:
        raise ValidationError(_("use limit_start and limit_page_length"))
    if kwargs:
        raise ValidationError(_("get_list got unknown arguments: {0}", ', '.join(sorted(kwargs))))
    extra: tuple[list[Any], list[Any]] = ([], [])
    if not ignore_permissions:
        extra = permissions.list_filters(doctype, user=user)
        fields = readable_fields(local().site.get_meta(doctype), fields, user)
    return db().get_all(
        doctype, fields=fields, filters=filters, or_filters=or_filters, extra_filters=extra[0],
        extra_or_filters=extra[1], order_by=order_by, group_by=group_by, limit_start=limit_start,
        limit_page_length=limit if limit is not None else limit_page_length, distinct=distinct, pluck=pluck,
        as_list=as_list)


def get_all(doctype: str, fields: Sequence[str] | str | None = None, filters: Any = None, **kwargs: Any) -> list[Any]:
    """Like get_list, without permission checks (Frappe's get_all)."""
    kwargs.setdefault("ignore_permissions", True)
    return get_list(doctype, fields, filters, **kwargs)
