"""Frappe's functions whose signatures differ from Smooth's: the arguments Frappe code passes, adapted.

Presentation-only arguments (`wide`, `is_minimizable`, `alert`, ...) are accepted and dropped; an
argument that would change behaviour Smooth does not have is refused by name (NotProvidedError),
never silently ignored.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from smooth import facade
from smooth.email.queue import sendmail as _sendmail
from smooth.exceptions import DoesNotExistError, ValidationError
from smooth.frappe_compat.missing import not_provided
from smooth.hooks import resolve
from smooth.jobs.enqueue import enqueue as _enqueue
from smooth.messages import msgprint as _msgprint
from smooth.messages import throw as _throw
from smooth.model.database_api import document_db
from smooth.model.records import delete_doc as _delete_doc
from smooth.model.records import get_doc
from smooth.model.records import new_doc as _new_doc
from smooth.whitelist import whitelist as _whitelist

F = TypeVar("F", bound=Callable[..., Any])


def _refuse(function: str, given: dict[str, Any]) -> None:
    used = sorted(name for name, value in given.items() if value)
    if used:
        not_provided(f"{function}({', '.join(f'{name}=...' for name in used)})")


def _text(msg: Any) -> str:
    return "<br>".join(str(m) for m in msg) if isinstance(msg, list | tuple) else str(msg)


def _(msg: str, lang: str | None = None, context: str | None = None) -> str:
    """Frappe's translation marker: the text as given (Smooth ships English); Frappe code formats it itself."""
    return msg


def throw(msg: Any, exc: type[Exception] = ValidationError, title: str | None = None, is_minimizable: bool = False,
          wide: bool = False, as_list: bool = False, primary_action: Any = None) -> None:
    _throw(_text(msg), exc, title=title)


def msgprint(msg: Any, title: str | None = None, raise_exception: Any = False, as_table: bool = False,
             as_list: bool = False, indicator: str | None = None, alert: bool = False, primary_action: Any = None,
             is_minimizable: bool | None = None, wide: bool | None = None, realtime: bool = False) -> None:
    """Frappe's msgprint; `raise_exception` (True or an exception class) makes it a throw."""
    if raise_exception:
        exc = raise_exception if inspect.isclass(raise_exception) and issubclass(raise_exception, Exception) \
            else ValidationError
        _throw(_text(msg), exc, title=title)
    _msgprint(_text(msg), title=title, indicator=indicator)


def new_doc(doctype: str, parent_doc: Any = None, parentfield: str | None = None, as_dict: bool = False) -> Any:
    doc = _new_doc(doctype)
    if parent_doc is not None:
        doc.parent, doc.parenttype, doc.parentfield = parent_doc.name, parent_doc.doctype, parentfield
    return doc.as_dict() if as_dict else doc


def frappe_get_doc(*args: Any, **kwargs: Any) -> Any:
    """Frappe's get_doc, which also loads the one record matching filters: `get_doc("User", {"email": ...})`."""
    if len(args) >= 2 and isinstance(args[1], dict):
        name = document_db().get_value(args[0], args[1], "name")
        if name is None:
            raise DoesNotExistError(f"No {args[0]} matches {args[1]}")
        args = (args[0], name, *args[2:])
    return get_doc(*args, **kwargs)


def get_single(doctype: str) -> Any:
    return get_doc(doctype)


def delete_doc(doctype: str, name: str, force: bool = False, ignore_doctypes: Any = None, for_reload: bool = False,
               ignore_permissions: bool = False, flags: Any = None, ignore_on_trash: bool = False,
               ignore_missing: bool = True, delete_permanently: bool = False) -> None:
    _refuse("frappe.delete_doc", {"ignore_doctypes": ignore_doctypes, "for_reload": for_reload,
                                  "ignore_on_trash": ignore_on_trash})
    _delete_doc(doctype, name, ignore_permissions=ignore_permissions, force=bool(force),
                ignore_missing=ignore_missing)


def whitelist(allow_guest: bool = False, xss_safe: bool = False, methods: list[str] | None = None) -> Callable[[F], F]:
    return _whitelist(allow_guest=allow_guest, methods=methods, xss_safe=xss_safe)


def has_permission(doctype: str | None = None, ptype: str = "read", doc: Any = None, user: str | None = None,
                   verbose: bool = False, throw: bool = False, **_ignored: Any) -> bool:
    if doctype is None:
        if doc is None:
            raise ValidationError("has_permission needs a doctype or a document")
        doctype = doc.doctype
    return facade.has_permission(doctype, ptype, doc=doc, user=user, throw=throw)


def get_roles(user: str | None = None) -> list[str]:
    return facade.get_roles(user)


def get_meta(doctype: str, cached: bool = True) -> Any:
    return facade.get_meta(doctype)


def enqueue(method: str | Callable[..., Any], queue: str = "default", timeout: int | None = None,
            event: str | None = None, is_async: bool = True, job_name: str | None = None, now: bool = False,
            enqueue_after_commit: bool = False, *, on_success: Any = None, on_failure: Any = None,
            at_front: bool = False, job_id: str | None = None, deduplicate: bool = False, **kwargs: Any) -> Any:
    """Frappe's enqueue. Smooth always queues after the commit (a job never sees a rolled-back write);
    `now=True` or `is_async=False` runs the method here and now, as Frappe does."""
    _refuse("frappe.enqueue", {"on_success": on_success, "on_failure": on_failure, "at_front": at_front})
    if now or not is_async:
        target = resolve(method, "frappe.enqueue") if isinstance(method, str) else method
        return target(**kwargs)
    return _enqueue(method, queue=queue, timeout=timeout, job_id=job_id, deduplicate=deduplicate, **kwargs)


# how Frappe tunes delivery (priority, retries, unsubscribe footer): Smooth's queue decides these itself
_SENDMAIL_TUNING = {"add_unsubscribe_link", "send_priority", "retry", "x_priority", "queue_separately",
                    "is_notification", "with_container", "expose_recipients", "unsubscribe_method",
                    "unsubscribe_message"}


def sendmail(recipients: Any = None, sender: str = "", subject: str = "No Subject", message: str = "No Message",
             as_markdown: bool = False, delayed: bool = True, reference_doctype: str | None = None,
             reference_name: str | None = None, attachments: Any = None, content: str | None = None,
             doctype: str | None = None, name: str | None = None, cc: Any = None, now: bool | None = None,
             template: str | None = None, args: dict[str, Any] | None = None, **unsupported: Any) -> str:
    """Frappe's sendmail: queued in this unit of work, sent after the commit (`now`/`delayed=False`: at once)."""
    _refuse("frappe.sendmail", {"as_markdown": as_markdown,
                                **{k: v for k, v in unsupported.items() if k not in _SENDMAIL_TUNING}})
    return _sendmail(recipients, subject=None if template and subject == "No Subject" else subject,
                     template=template, args=args, message=None if template else (content or message),
                     attachments=attachments, reference_doctype=reference_doctype or doctype,
                     reference_name=reference_name or name, now=bool(now) or not delayed, sender=sender or None,
                     cc=cc)
