"""Notification: an alert an admin defines in the desk (Frappe's Notification), not code.

Document events (New, Save, Submit, Cancel, Value Change) fire from the document lifecycle: a
core `doc_events` "*" handler looks up the enabled Notifications of the saved doctype (kept by
the site cache, so a save of a doctype nobody watches costs no query). Days Before / Days After
a date field are sent by the daily scheduler, once per Notification, document and date: each send
is claimed by a Notification Claim row whose unique key names the three, inserted in the
transaction that sends, so two schedulers running together send it once and a changed date
(a probation extended) sends again. A run looks back over the last CATCH_UP_DAYS (never before
the Notification existed), so days the scheduler missed are caught up and creating a
Notification does not mail about the past.

The condition is Python run by the safe evaluator (never `eval`); subject and message are Jinja
in the bounded sandbox. A Notification that fails on a record (a template error, a condition
naming a field the doctype lacks) does not stop the save that fired it: the System Managers get
a desk notice naming it, so the person who wrote it can mend it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from smooth.context import db, local, savepoint, session_user
from smooth.context import today as site_today
from smooth.core.doctype.workflow_action.workflow_action import users_with_roles
from smooth.dates import getdate
from smooth.email.alerts import notify_system_managers
from smooth.email.queue import is_address, sendmail, split_list
from smooth.email.rendering import RenderedMail, check_message, render_message
from smooth.exceptions import DuplicateEntryError, UniqueValidationError, ValidationError
from smooth.hooks import watching
from smooth.messages import _
from smooth.model.document import Document
from smooth.model.listing import get_all
from smooth.model.records import get_doc
from smooth.model.workflow import condition_functions
from smooth.permissions import get_roles
from smooth.python_expressions import check as check_condition
from smooth.python_expressions import evaluate

log = logging.getLogger("smooth.notification")
DOCTYPE = "Notification"
CLAIM = "Notification Claim"
LOG = "Notification Log"
DATE_EVENTS = ("Days Before", "Days After")
# the document method each event fires on
EVENTS = {"after_insert": ("New",), "on_update": ("Save", "Value Change"), "on_submit": ("Submit",),
          "on_cancel": ("Cancel",)}
# records a Notification writes, or the framework writes for itself: watching them would loop or mean nothing
UNWATCHED = frozenset({DOCTYPE, CLAIM, LOG, "Notification Recipient", "Email Queue", "Email Queue Recipient",
                       "Error Log", "Scheduled Job Log", "Job Outbox", "Version", "Patch Log", "DocType"})
CATCH_UP_DAYS = 30
FIELDS = ["name", "subject", "channel", "document_type", "event", "date_changed", "days_in_advance",
          "value_changed", "condition", "message", "creation"]
# on a linked record, who it stands for: the first of these it has a value in (an Employee's user_id, else
# their company email)
USER_FIELDS = ("user_id", "user", "email", "company_email")


class Notification(Document):
    def validate(self) -> None:
        meta = local().site.get_meta(self.document_type) if self.document_type else None
        if meta is None or meta.istable:
            raise ValidationError(_("Notification {0}: Document Type {1!r} is not a doctype with records of its "
                                    "own", self.name, self.document_type))
        if self.event in DATE_EVENTS:
            field = meta.get_field(self.date_changed or "")
            if field is None or field.fieldtype not in ("Date", "Datetime"):
                raise ValidationError(_("Notification {0}: {1} needs a Date or Datetime field of {2}; {3!r} is not "
                                        "one", self.name, self.event, _(self.document_type), self.date_changed))
            if int(self.days_in_advance or 0) < 0:
                raise ValidationError(_("Notification {0}: Days Before or After cannot be negative", self.name))
        if self.event == "Value Change" and not meta.has_field(self.value_changed or ""):
            raise ValidationError(_("Notification {0}: {1} has no field {2!r} to watch",
                                    self.name, _(self.document_type), self.value_changed))
        if self.condition:
            check_condition(self.condition)
        for row in self.recipients or []:
            if not (row.receiver_by_document_field or row.receiver_by_role or row.cc):
                raise ValidationError(_("Notification {0}: recipient row {1} names no field, role or address",
                                        self.name, row.idx))
            if row.receiver_by_document_field and not _is_field(meta, row.receiver_by_document_field):
                raise ValidationError(_("Notification {0}: {1} has no field {2!r} (recipient row {3})",
                                        self.name, _(self.document_type), row.receiver_by_document_field, row.idx))
            unknown = [item for item in split_list(row.cc) if not is_address(item) and not db().exists("User", item)]
            if unknown:
                raise ValidationError(_("Notification {0}: recipient row {1}: {2} is neither an email address nor "
                                        "a user", self.name, row.idx, ', '.join(map(repr, unknown))))
        check_message(f"Notification {self.name!r}", self.subject or "", self.message or "")


def _is_field(meta: Any, fieldname: str) -> bool:
    return meta.has_field(fieldname) or fieldname in ("owner", "modified_by")


def alerts_for(doctype: str) -> tuple[dict[str, Any], ...]:
    """The enabled Notifications of `doctype`, each with its recipient rows (shared: do not change them)."""
    if local().flags.carrying_in:  # as in Frappe, none from an install, a patch or records carried in
        return ()
    return _enabled(doctype)


def _enabled(doctype: str) -> tuple[dict[str, Any], ...]:
    if doctype in UNWATCHED:
        return ()
    return db().cached(("notifications", doctype), lambda: _load({"document_type": doctype, "enabled": 1}))


def has_notifications(doctype: str) -> bool:
    """Whether any enabled Notification watches `doctype` (a save of any other skips `run_notifications`)."""
    return bool(_enabled(doctype))


def _load(filters: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    alerts = get_all(DOCTYPE, filters=filters, fields=FIELDS, order_by="name asc")
    rows = get_all("Notification Recipient", filters={"parent": ["in", [a["name"] for a in alerts] or [""]],
                                                      "parenttype": DOCTYPE},
                   fields=["parent", "receiver_by_document_field", "receiver_by_role", "cc"], order_by="idx asc")
    for alert in alerts:
        alert["recipients"] = [row for row in rows if row["parent"] == alert["name"]]
    return tuple(alerts)


@watching(has_notifications)
def run_notifications(doc: Document, method: str, *_args: Any, **_kwargs: Any) -> None:
    """doc_events "*": send the Notifications this event of `doc` triggers."""
    events = EVENTS.get(method)
    if not events:
        return
    for alert in alerts_for(doc.doctype):
        if alert["event"] not in events:
            continue
        if alert["event"] == "Value Change" and not _value_changed(doc, alert["value_changed"]):
            continue
        try:
            with savepoint():
                send_alert(alert, doc)
        except ValidationError as exc:
            _report(alert, doc, exc.message)


def _value_changed(doc: Document, fieldname: str) -> bool:
    before = doc.get_doc_before_save()
    return before is not None and before.get(fieldname) != doc.get(fieldname)


def condition_holds(alert: dict[str, Any], values: dict[str, Any]) -> bool:
    if not alert.get("condition"):
        return True
    user = session_user()
    return evaluate(alert["condition"], values, {"user": user, "roles": get_roles(user)}, condition_functions())


def render_alert(alert: dict[str, Any], values: dict[str, Any]) -> RenderedMail:
    return render_message(f"Notification {alert['name']!r}", alert["subject"] or "", alert["message"] or "",
                          {"doc": values, "alert": {"name": alert["name"], "subject": alert["subject"]}})


def send_alert(alert: dict[str, Any], doc: Document) -> bool:
    """Send `alert` about `doc` when its condition holds; whether it went to anyone."""
    values = doc.as_dict()
    if not condition_holds(alert, values):
        return False
    rendered = render_alert(alert, values)
    people = recipients(alert, doc)
    if not people:
        return False
    if alert["channel"] == "System Notification":
        users = [user for user in (_user_of(person) for person in people) if user]
        for user in dict.fromkeys(users):
            get_doc({"doctype": LOG, "subject": rendered.subject[:1000], "for_user": user, "type": "Alert",
                     "document_type": doc.doctype, "document_name": doc.name,
                     "email_content": rendered.html}).insert(ignore_permissions=True)
        return bool(users)
    addresses = list(dict.fromkeys(address for address in (_address_of(person) for person in people) if address))
    if addresses:
        sendmail(addresses, subject=rendered.subject or alert["name"], message=rendered.html,
                 reference_doctype=doc.doctype, reference_name=str(doc.name))
    return bool(addresses)


def recipients(alert: dict[str, Any], doc: Document) -> list[str]:
    """Users and addresses the alert goes to: by document field, by role, fixed; in order, once each."""
    found: list[str] = []
    for row in alert["recipients"]:
        if row["receiver_by_document_field"]:
            found.extend(_from_field(doc, row["receiver_by_document_field"]))
        if row["receiver_by_role"]:
            found.extend(users_with_roles({row["receiver_by_role"]}))
        found.extend(split_list(row["cc"]))
    return list(dict.fromkeys(person for person in found if person and person != "Guest"))


def _from_field(doc: Document, fieldname: str) -> list[str]:
    value = doc.get(fieldname)
    if not value:
        return []
    field = doc.meta.get_field(fieldname)
    if field is not None and field.fieldtype == "Link" and field.options not in ("User", None, ""):
        target = local().site.get_meta(field.options)
        names = [name for name in USER_FIELDS if target.has_field(name)]
        found = db().get_value(field.options, value, names, as_dict=True) if names else None
        person = next((found[name] for name in names if found and found.get(name)), None)
        return [str(person)] if person else []
    return split_list(str(value))


def _user_of(person: str) -> str | None:
    if db().exists("User", person):
        return person
    found = db().get_value("User", {"email": person}, "name")
    return str(found) if found else None


def _address_of(person: str) -> str | None:
    """A user's email, an address as it is; None for anything else (a field holding no one)."""
    email = db().get_value("User", person, "email")
    if email:
        return str(email)
    return person if is_address(person) else None


def _report(alert: dict[str, Any], doc: Document | dict[str, Any], reason: str) -> None:
    name = doc.get("name")
    log.warning("Notification %s on %s %s: %s", alert["name"], alert["document_type"], name, reason)
    notify_system_managers(lambda: _("Notification {0} could not be sent about {1} {2}", alert["name"],
                                     _(alert["document_type"]), name), reason, (DOCTYPE, alert["name"]))


# -- date-based: the daily scheduler --------------------------------------------------------------


def send_date_notifications(today: dt.date | None = None) -> int:
    """scheduler_events daily: every Days Before / Days After alert due on `today` or in the days missed; how many
    documents were notified."""
    day = today or site_today()
    sent = 0
    for alert in _load({"event": ["in", list(DATE_EVENTS)], "enabled": 1}):
        sent += _send_due(alert, day)
    return sent


def due_window(alert: dict[str, Any], day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The (first, last) values of the date field whose alert falls due by `day` and is not older than the
    catch-up window nor the alert itself; None when nothing can be due."""
    shift = int(alert["days_in_advance"] or 0) * (1 if alert["event"] == "Days Before" else -1)
    created = getdate(alert["creation"]) or day
    floor = max(day - dt.timedelta(days=CATCH_UP_DAYS), created)
    if floor > day:
        return None
    return floor + dt.timedelta(days=shift), day + dt.timedelta(days=shift)


def _send_due(alert: dict[str, Any], day: dt.date) -> int:
    window = due_window(alert, day)
    if window is None:
        return 0
    doctype, field = alert["document_type"], alert["date_changed"]
    meta = local().site.get_meta(doctype)
    first, last = window
    bounds: list[Any] = [first, last]
    date_field = meta.get_field(field)
    if date_field is not None and date_field.fieldtype == "Datetime":
        bounds = [dt.datetime.combine(first, dt.time.min), dt.datetime.combine(last, dt.time.max)]
    filters: list[Any] = [[field, "between", bounds]]
    if meta.is_submittable:
        filters.append(["docstatus", "<", 2])
    due = {f"{alert['name']}|{row['name']}|{getdate(row[field])}": row
           for row in get_all(doctype, filters=filters, fields=["name", field], order_by="name asc")}
    taken = set(get_all(CLAIM, filters={"key": ["in", list(due) or [""]]}, pluck="key"))
    sent = 0
    for key, row in due.items():
        if key in taken:
            continue
        try:
            with savepoint():
                doc = get_doc(doctype, row["name"])
                if not condition_holds(alert, doc.as_dict()):
                    continue
                if not _claim(key, alert, doc, getdate(row[field])):
                    continue
                sent += send_alert(alert, doc)
        except ValidationError as exc:
            _report(alert, row, exc.message)
    return sent


def _claim(key: str, alert: dict[str, Any], doc: Document, reference: dt.date | None) -> bool:
    """Insert the claim that makes this send happen once; False when another run holds it."""
    try:
        with savepoint():
            get_doc({"doctype": CLAIM, "key": key, "notification": alert["name"], "document_type": doc.doctype,
                     "document_name": doc.name, "reference_date": reference}).insert(ignore_permissions=True)
        return True
    except (DuplicateEntryError, UniqueValidationError):
        return False


def preview(alert: Document, record: Document) -> dict[str, str]:
    """What `alert` would send about `record` now: subject, message, and whether its condition holds and to whom."""
    values = alert.as_dict()
    values["recipients"] = [row.as_dict() for row in alert.recipients or []]
    rendered = render_alert(values, record.as_dict())
    holds = condition_holds(values, record.as_dict())
    people = recipients(values, record)
    note = (("The condition holds" if holds else "The condition does not hold: nothing would be sent")
            + "; recipients: " + (", ".join(people) or "none"))
    return {"subject": rendered.subject, "html": rendered.html, "text": rendered.text, "note": note}

