"""How documents of one doctype and controller class are built, coerced, checked and dispatched.

A new document and every save ask the doctype the same questions: which columns a value may be
written to directly, how each field's value is coerced and which values need no coercion, what
each field is checked for, which handlers each event runs. A bulk insert of ten thousand rows
asked them ten thousand times. A plan answers them once; it is kept on the doctype's `Meta`,
which a metadata reload replaces, and so is the plan (hooks are read with the metadata).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from smooth.context import db, local
from smooth.hooks import WATCHES, Handler
from smooth.meta import fieldtypes
from smooth.meta.coerce import settled_test
from smooth.meta.doctype import DocField, Meta
from smooth.model import rich_text
from smooth.model.values import default_value, storable
from smooth.safe_urls import is_url_field

if TYPE_CHECKING:
    from smooth.model.document import Document


class Coercion(NamedTuple):
    field: DocField
    settled: Callable[[Any], bool] | None  # a value passing it is left as it is
    sanitize: bool  # rich text: cleaned after coercion


class Check(NamedTuple):
    """A field's checks beyond its type: a safe URL, and one of select, rating, text (length) or sign."""

    field: DocField
    url: bool
    kind: str
    options: frozenset[str]  # select: the allowed values
    quick_limit: int  # text: a str no longer than this fits whatever the unit (see fieldtypes.check_length)


class Plan:
    """The answers for one (Meta, controller class); events are worked out as they are first run."""

    def __init__(self, cls: type, meta: Meta) -> None:
        self.cls, self.meta = cls, meta
        self.hooks = local().site.hooks
        self.blank: dict[str, Any] = {column: None for column in meta.columns} | {"docstatus": 0, "idx": 0}
        tables = {f.fieldname for f in meta.table_fields}
        # a value for one of these goes straight into the document; others may meet a property or a method
        self.direct = frozenset(c for c in meta.columns if c not in tables and not hasattr(cls, c))
        self.coercions = tuple(
            Coercion(f, None if f.fieldtype in rich_text.RICH_TEXT else settled_test(f.fieldtype),
                     f.fieldtype in rich_text.RICH_TEXT)
            for f in meta.value_fields)
        self.checks = tuple(_check(f) for f in meta.checked_fields)
        # the fields a new document may take a default for (most have none: no loop over them per record)
        self.defaulted = tuple(f for f in meta.value_fields
                               if f.default not in (None, "") or default_value(f) is not None)
        self.empty_is_null = tuple(f.fieldname for f in meta.value_fields if storable(f, "") is None)
        self.names_itself = callable(getattr(cls, "autoname", None))  # a controller's autoname() method
        self._events: dict[str, tuple[bool, tuple[Handler, ...], Watched | None]] = {}

    def event(self, method: str) -> tuple[bool, tuple[Handler, ...], Watched | None]:
        """Whether the controller class defines `method`, the doc_events handlers after it, and, when any of
        them is `watching`, the read that says which of them to run (`live_handlers`)."""
        found = self._events.get(method)
        if found is None:
            handlers = self.hooks.events_for(self.meta.name, method)
            watched = any(getattr(h, WATCHES, None) is not None for h in handlers)
            found = self._events[method] = (callable(getattr(self.cls, method, None)), handlers,
                                            Watched(self.meta.name, handlers) if watched else None)
        return found


class Watched:
    """An event's handlers of one doctype, some `watching`; the key of `db.cached`'s answer (by identity: a
    metadata reload makes new plans, and `db.cached` forgets answers read with the old metadata)."""

    __slots__ = ("doctype", "handlers")

    def __init__(self, doctype: str, handlers: tuple[Handler, ...]) -> None:
        self.doctype, self.handlers = doctype, handlers

    def live(self) -> tuple[Handler, ...]:
        return tuple(h for h in self.handlers if (watches := getattr(h, WATCHES, None)) is None
                     or watches(self.doctype))


def live_handlers(watched: Watched) -> tuple[Handler, ...]:
    """The handlers less the watching ones with nothing to do for the doctype, in order: one cached read for
    them all, where each would have looked for its Workflow or Notifications itself. While installing,
    patching or importing, every handler runs and decides for itself (as before): a predicate may read a
    table a patch has not made yet."""
    if local().flags.carrying_in:
        return watched.handlers
    return db().cached(watched, watched.live)


def _check(field: DocField) -> Check:
    url = is_url_field(field.fieldtype, field.options)
    if field.fieldtype == "Select":
        return Check(field, url, "select", frozenset(field.select_options), 0)
    if field.fieldtype == "Rating":
        return Check(field, url, "rating", frozenset(), 0)
    if field.fieldtype in fieldtypes.TEXT and field.fieldtype != "Password":
        limit = fieldtypes.max_length(field.fieldtype, field.length)
        quick = 0 if limit is None else limit.size if limit.unit == "characters" else limit.size // 4
        return Check(field, url, "text", frozenset(), quick)
    signed = field.non_negative and field.fieldtype in fieldtypes.NUMERIC
    return Check(field, url, "sign" if signed else "", frozenset(), 0)


def plan_of(doc: Document) -> Plan:
    cls = type(doc)
    plans: dict[type, Plan] = doc.meta.save_plans
    plan = plans.get(cls)
    if plan is None:
        plan = plans[cls] = Plan(cls, doc.meta)
    return plan
