"""The list queries a person asks for, through the REST API or a desk view: one door below both.

Filters arrive already parsed (the lists and objects `smooth.filters` reads), so a desk view
hands over the conditions it built without a trip through JSON text. The site's caps on a
client's filters (site config `max_filter_conditions`, `max_in_values`) bound them, and DocPerms
plus the apps' record rules choose the rows, so a desk list, its counts and the REST list always
agree on what the user may see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import smooth.permissions as permissions
from smooth import filters as filter_rules
from smooth.context import db, local
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.model import list_counts, listing
from smooth.model.list_counts import ListCount

DEFAULT_MAX_FILTER_CONDITIONS = 200
DEFAULT_MAX_IN_VALUES = 1000


def site_limit(config: Mapping[str, Any], key: str, default: int) -> int:
    """A positive whole-number cap from site config (`default` when unset)."""
    value = config.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(_("site_config {0} must be a positive whole number, not {1!r}", key, value))
    return value


def check_filter_caps(doctype: str, *filter_sets: Any) -> None:
    """A client's filters (and or_filters) within the site's caps: max_filter_conditions, max_in_values."""
    config = local().site.config
    filter_rules.check_size(
        doctype, filter_sets,
        max_conditions=site_limit(config, "max_filter_conditions", DEFAULT_MAX_FILTER_CONDITIONS),
        max_values=site_limit(config, "max_in_values", DEFAULT_MAX_IN_VALUES))


def rows(doctype: str, *, fields: Sequence[str] | str | None = None, filters: Any = None, or_filters: Any = None,
         order_by: str | None = None, group_by: str | None = None, limit_start: Any = 0,
         limit_page_length: Any = 20, as_list: bool = False) -> list[Any]:
    """The records the session user may read that match a client's filters."""
    check_filter_caps(doctype, filters, or_filters)
    return listing.get_list(doctype, fields=fields, filters=filters, or_filters=or_filters, order_by=order_by,
                            group_by=group_by, limit_start=limit_start, limit_page_length=limit_page_length,
                            as_list=as_list)


def count(doctype: str, filters: Any = None, or_filters: Any = None) -> int:
    """How many records the session user may read match a client's filters (the same rules as `rows`)."""
    check_filter_caps(doctype, filters, or_filters)
    extra, extra_or = permissions.list_filters(doctype)
    return db().count(doctype, filters, or_filters=or_filters, extra_filters=extra, extra_or_filters=extra_or)


def list_count(doctype: str, filters: Any = None, or_filters: Any = None) -> ListCount:
    """A list's total (the same rules as `count`): exact up to a threshold, estimated beyond it, kept briefly."""
    check_filter_caps(doctype, filters, or_filters)
    extra, extra_or = permissions.list_filters(doctype)
    return list_counts.total(doctype, filters, or_filters, extra, extra_or)


def group_counts(doctype: str, fieldname: str, filters: Any = None, *,
                 limit: int | None = None) -> list[tuple[Any, int]]:
    """(value, count) of `fieldname` among the records `rows` would give, most frequent first; computed once per
    set of filters and kept briefly (a list's sidebar asks for the same counts on every page)."""
    check_filter_caps(doctype, filters)
    extra = permissions.list_filters(doctype)

    def compute() -> list[tuple[Any, int]]:
        found = listing.get_list(doctype, fields=[fieldname, "count(*) as count"], filters=filters,
                                 group_by=fieldname, order_by="count(*) desc", limit_page_length=limit or 0)
        return [(row[fieldname], int(row["count"])) for row in found]

    return list_counts.cached(doctype, ("group", fieldname, filters, limit, extra), compute)


def facet_counts(doctype: str, fieldnames: Sequence[str], filters: Any = None, *,
                 limit: int | None = None) -> dict[str, list[tuple[Any, int]]]:
    """`group_counts` of several fields under the same filters: one GROUP BY over all of them, added up per
    field here, when the matching rows are few enough to count exactly (the list's threshold); else one query
    per field. On a large table each query reads every matching row, so a sidebar of six fields read them six
    times."""
    fields = list(dict.fromkeys(fieldnames))
    total = list_count(doctype, filters) if len(fields) > 1 else None  # it checks the filter caps too
    if total is None or total.estimated or total.number > list_counts.exact_up_to():
        return {f: group_counts(doctype, f, filters, limit=limit) for f in fields}
    extra = permissions.list_filters(doctype)

    def compute() -> dict[str, list[tuple[Any, int]]]:
        found = listing.get_list(doctype, fields=[*fields, "count(*) as count"], filters=filters,
                                 group_by=", ".join(fields), order_by="", limit_page_length=0)
        added: dict[str, dict[Any, int]] = {f: {} for f in fields}
        for row in found:
            for f in fields:
                added[f][row[f]] = added[f].get(row[f], 0) + int(row["count"])
        return {f: sorted(counts.items(), key=lambda item: -item[1])[:limit] for f, counts in added.items()}

    return list_counts.cached(doctype, ("facets", fields, filters, limit, extra), compute)
