"""Google Meet links: one Calendar event per request on the evaluator's calendar, kept in step.

After a booking commits, a job creates the event (learner as attendee, times with the
evaluator's zone, a hangoutsMeet conference request) and stores its id and `hangoutLink` on
the request; a move patches that event, a cancellation deletes it, always by the stored id.
The event id is derived from the site and the request, so a retry after a lost answer finds
the event it already made instead of creating a second one.

`meet_status` says where things stand: Not Configured (with what is missing), Pending,
Created, or Failed with Google's error. Transient errors are retried with backoff; an
authorization that expired or was revoked fails at once, marks the evaluator's Google
Calendar Expired and alerts the evaluator and the System Managers. Every change of the link
goes through the document, so it is in the request's Version history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

import smooth
from smooth import _
from smooth_lms.calendar_file import description, summary
from smooth_lms.notifications import evaluator_zone, send_booking_mails
from smooth_lms.timezones import to_wall

gcal = smooth.google_calendar

log = logging.getLogger("smooth_lms.meet_links")
REQUEST = "LMS Certificate Request"
BACKOFF_SECONDS = (1.0, 2.0, 4.0)
TROUBLESHOOTING = "Meet link missing: check the Google Workspace integration settings"


def event_id(request: str) -> str:
    """Google event ids use base32hex characters (0-9, a-v): a hex digest of site and request qualifies."""
    return "smooth" + hashlib.sha256(f"{smooth.local.site.name}\0{request}".encode()).hexdigest()[:32]


def when(instant: dt.datetime, zone_name: str) -> dict[str, str]:
    return {"dateTime": f"{to_wall(instant, zone_name):%Y-%m-%dT%H:%M:%S}", "timeZone": zone_name}


def event_body(doc: Any) -> dict[str, Any]:
    zone_name = evaluator_zone(doc.evaluator)
    values = doc.as_dict()
    return {
        "id": event_id(doc.name),
        "summary": summary(values),
        "description": description(values),
        "start": when(doc.start_utc, zone_name),
        "end": when(doc.end_utc, zone_name),
        "attendees": [{"email": doc.member, "displayName": doc.member_name or doc.member}],
        "conferenceData": {"createRequest": {"requestId": f"{event_id(doc.name)}-{int(doc.get('sequence') or 0)}",
                                             "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
        "guestsCanModify": False,
    }


def prepare_request(doc: Any, method: str) -> None:
    """doc_events before_insert: the link is Pending, or the request says why there will be none (in its INSERT)."""
    if smooth.flags.in_import:
        return  # a migrated request keeps the link (or none) it had
    if gcal.is_enabled():
        doc.meet_status = "Pending"
    else:
        doc.meet_error = "The Google integration is off (Google Settings)"


def on_request_booked(doc: Any, method: str) -> None:
    """doc_events after_insert: create the link after commit."""
    if doc.meet_status == "Pending":
        smooth.enqueue(sync_meet_event, name=doc.name, event="booked")


def on_request_changed(doc: Any, method: str) -> None:
    """doc_events on_update: patch the event of a moved request, delete the one of a cancelled request."""
    before = doc.get_doc_before_save()
    if before is None or not doc.google_calendar_event_id and doc.meet_status != "Failed":
        return
    if doc.status == "Cancelled" and before.status != "Cancelled":
        smooth.enqueue(sync_meet_event, name=doc.name, event="cancelled")
    elif doc.status == "Pending" and doc.start_utc != before.start_utc:
        smooth.enqueue(sync_meet_event, name=doc.name, event="moved")


@smooth.whitelist(methods=("POST",))
def retry_meet_link(name: str) -> str:
    """The desk's "Retry Meet link": the evaluator or a Moderator asks again after fixing the settings."""
    return ask_again(smooth.get_doc(REQUEST, name), "Pending",
                     _("{0} is {1}: only a Pending evaluation gets a Meet link"), sync_meet_event)


def ask_again(doc: Any, active: str, refusal: str, job: Callable[..., str]) -> str:
    """A desk "Retry Meet link": with write permission, on a document in the `active` status, the Meet status
    goes back to Pending and `job` asks Google again; `refusal` says why another status gets none (`{0}` the
    document, `{1}` its status)."""
    if not smooth.has_permission(doc.doctype, "write", doc=doc):
        raise smooth.PermissionError(_("Not permitted to change the Meet link of {0}", doc.name))
    if doc.status != active:
        raise smooth.ValidationError(refusal.format(doc.name, _(doc.status)))
    doc.db_set({"meet_status": "Pending", "meet_error": None}, update_modified=False)
    smooth.enqueue(job, name=doc.name, event="retry")
    smooth.msgprint(_("Asked Google Calendar again for the Meet link of {0}: Meet Status shows the outcome", doc.name))
    return "Pending"


def sync_meet_event(name: str, event: str) -> str:
    """The job: bring the Calendar event in line with the request; returns the Meet status it left."""
    smooth.set_user("Administrator")
    doc = smooth.get_doc(REQUEST, name, for_update=True)
    status = sync_event(doc, event, owner=doc.evaluator, active=doc.status == "Pending", body=event_body,
                        patched={"moved": ("start", "end", "description")}, link_field="google_meet_link")
    if status == "Created" and event not in ("cancelled", "moved") and doc.status == "Pending" and \
            smooth.db.exists("Email Queue", {"reference_doctype": REQUEST, "reference_name": name}):
        smooth.enqueue(send_booking_mails, name=name, event="meet_link")  # the booking mail said it would follow
    return status


def sync_event(doc: Any, event: str, *, owner: str, active: bool, body: Callable[[Any], dict[str, Any]],
               patched: dict[str, tuple[str, ...]], link_field: str) -> str:
    """Bring `doc`'s event on `owner`'s calendar in line with it (a request's, a live class's): cancelled
    deletes it; while `active`, an event in `patched` patches those fields of the one made before, anything
    else makes it (its id is stable: a retry finds it). The Meet link lands in `link_field`; the Meet status
    it leaves is returned, with Google's error kept on the document."""
    try:
        connection = gcal.connect(owner)
        if event == "cancelled":
            if doc.google_calendar_event_id:
                with_retries(lambda: gcal.cancel_event(connection, doc.google_calendar_event_id))
            return str(doc.meet_status)
        if not active:
            return str(doc.meet_status)
        values = body(doc)
        fields = patched.get(event)
        if doc.google_calendar_event_id and fields:
            result = with_retries(lambda: gcal.patch_event(connection, doc.google_calendar_event_id,
                                                            {k: values[k] for k in fields}))
        else:
            result = with_retries(lambda: gcal.insert_event(connection, values))
    except gcal.GoogleNotConfigured as exc:
        return _record(doc, "Not Configured", f"{exc.message} ({TROUBLESHOOTING})")
    except gcal.GoogleAuthorizationError as exc:
        authorization_lost(owner, doc.doctype, doc.name, exc.message)
        return _record(doc, "Failed", f"{exc.message} ({TROUBLESHOOTING})")
    except gcal.GoogleError as exc:
        return _record(doc, "Failed", f"{exc.message} ({TROUBLESHOOTING})")
    link = result.get("hangoutLink") or entry_point(result)
    if not link:
        return _record(doc, "Failed", f"Google created the event but gave no Meet link ({TROUBLESHOOTING})",
                       event_id=result.get("id"))
    doc.update({link_field: link, "google_calendar_event_id": result.get("id") or values["id"],
                "meet_status": "Created", "meet_error": None})
    doc.save(ignore_permissions=True)  # through the document: the link's changes are in the Version history
    smooth.db.set_single_value("Google Settings", "last_success", smooth.now_datetime())
    return "Created"


def entry_point(result: dict[str, Any]) -> str | None:
    for entry in (result.get("conferenceData") or {}).get("entryPoints") or []:
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return str(entry["uri"])
    return None


def with_retries(call: Any) -> Any:
    for pause in (*BACKOFF_SECONDS, None):
        try:
            return call()
        except gcal.GoogleError as exc:
            if not exc.retryable or pause is None:
                raise
            log.warning("Google Calendar: %s; retrying in %.0f s", exc.message, pause)
            time.sleep(pause)
    raise AssertionError("unreachable")


def _record(doc: Any, status: str, error: str, event_id: str | None = None) -> str:
    doc.meet_status, doc.meet_error = status, error
    if event_id:
        doc.google_calendar_event_id = event_id
    doc.save(ignore_permissions=True)
    return status


def authorization_lost(user: str, doctype: str, name: str, reason: str) -> None:
    """Mark `user`'s calendar Expired and tell them and the System Managers once (about `doctype` `name`)."""
    calendar = smooth.db.get_value("Google Calendar", {"user": user}, "name")
    if calendar:
        smooth.db.set_value("Google Calendar", calendar, {"authorization_status": "Expired", "last_error": reason})
    admins = smooth.get_all("Has Role", filters={"role": "System Manager", "parenttype": "User"}, pluck="parent")
    recipients = sorted({user, *[a for a in admins if a not in ("Administrator", "Guest")]})
    for lang, group in smooth.group_by_language(recipients):  # one mail per language: each reads it in theirs
        with smooth.in_language(lang):
            smooth.sendmail(group, subject=_("Google Calendar authorization lost for {0}", user),
                            message=Markup("<p>{}</p><p>{}</p>").format(
                                _("Smooth could not create the Google Meet link for {0} {1} because Google refused "
                                  "the credentials of {2}'s calendar: {3}", _(doctype), name, user, reason),
                                _("Reconnect the calendar (Google Calendar in the desk) or check the service account "
                                  "in Google Settings, then use Retry Meet link on {0}.", name)),
                            reference_doctype=doctype, reference_name=name)
