"""Two-factor login: TOTP codes from an authenticator app, recovery codes, remembered devices.

Required when System Settings' `enable_two_factor_auth` is on and the user holds an enabled Role
with `two_factor_auth` checked (Frappe's fields). Only password logins ask for it (smooth.auth.login);
API keys and tokens are unaffected.

- Between the password and the code the client holds a *ticket* (`tmp_id`, Frappe's name): the user,
  an expiry (site config `two_factor_ticket_seconds`, default 300) and a digest of the user's
  second-factor state, signed with a key derived from the site's `encryption_key`. A code or an
  enrolment spent moves that state on, so a ticket serves one second factor only.
- The secret is kept Fernet-encrypted in `__Two Factor`; a new one must be confirmed with a code
  within `two_factor_enrolment_seconds` (default 600) or it is dropped.
- A code is accepted once: the newest TOTP time step used is stored, and a code of that step or
  an older one is refused (no replay within its 30 seconds, nor of an older code still in the
  window). Wrong codes are throttled per user and IP (smooth.auth.rate_limit.TWO_FACTOR); a right
  password does not clear that count.
- Recovery codes (ten, shown once at enrolment) are stored as SHA-256 digests (they are random,
  50 bits each, so a slow hash buys nothing) and each is removed when used.
- "Remember this device" sets cookie `tfa_device`: user, expiry and an HMAC over them and the
  enrolment's start, so it is worthless for another user and dies with a reset of the second factor.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import pyotp
import segno
from sqlalchemy import and_, delete, insert, select, update

from smooth.auth import rate_limit
from smooth.auth.settings import int_setting
from smooth.context import db, local, session_user
from smooth.exceptions import AuthenticationError, PermissionError, ValidationError
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.passwords import encryption_key, fernet
from smooth.permissions import get_roles
from smooth.whitelist import whitelist

TABLE = "__Two Factor"
SETTINGS = "System Settings"
METHOD = "OTP App"
REMEMBER_COOKIE = "tfa_device"
RECOVERY_CODE_COUNT = 10
DEFAULT_TICKET_SECONDS = 300
DEFAULT_ENROLMENT_SECONDS = 600
DEFAULT_REMEMBER_DAYS = 30
STEP_SECONDS = 30
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


@dataclass
class Enrolment:
    """What the enrolment page shows: the secret as a key to type and as a QR code (inline SVG)."""

    secret: str
    uri: str
    qr_svg: str


def required_for(user: str) -> bool:
    """Whether `user` must give a second factor after the password."""
    database = document_db()
    if not database.get_single_value(SETTINGS, "enable_two_factor_auth"):
        return False
    roles = database.get_all("Has Role", pluck="role", filters={"parent": user, "parenttype": "User"}, order_by="")
    return bool(roles) and bool(database.get_all("Role", filters={"name": ["in", roles], "two_factor_auth": 1,
                                                                   "disabled": 0}, limit_page_length=1, order_by=""))


def is_enrolled(user: str) -> bool:
    row = _row(user)
    return row is not None and bool(row.enrolled)


def enrolment_pending(user: str) -> bool:
    """Whether the user has a new secret still waiting for its first code."""
    row = _row(user)
    return row is not None and not row.enrolled and not _enrolment_expired(row)


# -- the ticket between password and code ---------------------------------------------------------------

def issue_ticket(user: str) -> str:
    seconds = int_setting(local().site, "two_factor_ticket_seconds", DEFAULT_TICKET_SECONDS, minimum=1)
    expiry = int(time.time()) + seconds
    body = _b64(json.dumps({"u": user, "e": expiry, "s": _state(user)}, separators=(",", ":")))
    return f"{body}.{_sign('ticket', body)}"


def ticket_user(ticket: Any) -> str:
    """The user a live, unspent ticket is for; AuthenticationError (401) otherwise."""
    expired = AuthenticationError(_("The verification step expired or was already used: log in with your password "
                                    "again"))
    if not isinstance(ticket, str) or ticket.count(".") != 1 or len(ticket) > 1000:
        raise expired
    body, signature = ticket.split(".")
    if not hmac.compare_digest(signature, _sign("ticket", body)):
        raise expired
    try:
        data = json.loads(_unb64(body))
        user, expiry, state = str(data["u"]), int(data["e"]), str(data["s"])
    except (ValueError, KeyError, TypeError):
        raise expired from None
    if expiry < time.time() or not hmac.compare_digest(state, _state(user)):
        raise expired
    return user


# -- enrolment --------------------------------------------------------------------------------------------

def begin_enrolment(user: str) -> Enrolment:
    """The user's pending secret (the same one while the enrolment lasts, so a reload shows the same
    QR code), or a new one; an enrolled user cannot enrol again without a reset."""
    row = _row(user)
    if row is not None and row.enrolled:
        raise ValidationError(_("{0} already has two-factor authentication set up", user))
    if row is None or _enrolment_expired(row):
        secret = pyotp.random_base32()
        table = _table()
        database = db()
        database.execute(delete(table).where(table.c.user == user), write=True)
        database.execute(insert(table).values(user=user, secret=fernet().encrypt(secret.encode()).decode(),
                                              recovery_codes="[]", enrolled=0, last_step=0,
                                              created=int(time.time() * 1000)), write=True)
    else:
        secret = _secret(row)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user, issuer_name=issuer_name())
    return Enrolment(secret=secret, uri=uri, qr_svg=segno.make(uri, error="m").svg_inline(scale=5, border=2,
                                                                                          dark="#111"))


def confirm_enrolment(user: str, code: Any) -> list[str]:
    """Check the first code of a pending secret; enrols the user and returns the recovery codes (shown once)."""
    row = _row(user)
    if row is None or row.enrolled:
        raise AuthenticationError(_("There is no two-factor enrolment to confirm: log in with your password again"))
    if _enrolment_expired(row):
        db().execute(delete(_table()).where(_table().c.user == user), write=True)
        raise AuthenticationError(_("The two-factor enrolment expired: log in with your password again for a new "
                                    "code"))
    step = _matching_step(_secret(row), code, after=0)
    if step is None:
        raise AuthenticationError(_("The code is not right: enter the 6 digits your authenticator app shows now"))
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    table = _table()
    db().execute(update(table).where(table.c.user == user).values(
        enrolled=1, last_step=step, recovery_codes=json.dumps([_digest(user, c) for c in codes])), write=True)
    return codes


# -- verification -----------------------------------------------------------------------------------------

def verify(user: str, code: Any) -> str:
    """Check a TOTP code or a recovery code of an enrolled user; returns which it was ("Two-Factor
    Code", "Recovery Code"). A code is spent by its use; AuthenticationError when wrong or spent."""
    row = _row(user)
    if row is None or not row.enrolled:
        raise AuthenticationError(_("{0} has no two-factor authentication set up", user))
    text = str(code or "").strip() if isinstance(code, str | int) else ""
    if text.isdigit() and len(text) == 6:
        step = _matching_step(_secret(row), text, after=0)
        if step is None:
            raise AuthenticationError(_("The code is not right: enter the 6 digits your authenticator app shows now"))
        table = _table()
        spent: Any = db().execute(update(table).where(and_(table.c.user == user, table.c.last_step < step))
                             .values(last_step=step), write=True)
        if not spent.rowcount:
            raise AuthenticationError(_("This code was already used: wait for the next one in your authenticator app"))
        return "Two-Factor Code"
    digests = json.loads(row.recovery_codes or "[]")
    digest = _digest(user, text)
    if text and digest in digests:
        digests.remove(digest)
        table = _table()
        used: Any = db().execute(update(table).where(and_(table.c.user == user,
                                                     table.c.recovery_codes == row.recovery_codes))
                            .values(recovery_codes=json.dumps(digests)), write=True)
        if used.rowcount:
            return "Recovery Code"
    raise AuthenticationError(_("The code is not right: enter the 6 digits your authenticator app shows now, or "
                                "one of your recovery codes"))


def remaining_recovery_codes(user: str) -> int:
    row = _row(user)
    return len(json.loads(row.recovery_codes or "[]")) if row is not None and row.enrolled else 0


def reset(user: str) -> None:
    """Forget the user's second factor (secret, recovery codes, remembered devices): the next password
    login enrols again."""
    db().execute(delete(_table()).where(_table().c.user == user), write=True)


def forget_user(doc: Any, method: str | None = None) -> None:
    """User on_trash (core hooks): the deleted user's second factor goes too."""
    reset(str(doc.name))


@whitelist(methods=("POST",))
def reset_otp_secret(user: str | None = None, code: str | None = None) -> str:
    """Reset a user's second factor (Frappe's method name). Your own needs a current code or an unused
    recovery code; another user's needs the System Manager role."""
    me = session_user()
    target = (user or me).strip() if isinstance(user or me, str) else me
    if target != me:
        if "System Manager" not in get_roles(me):
            raise PermissionError(_("Not permitted: only a System Manager may reset another user's two-factor login"))
        if not document_db().get_value("User", target):
            raise ValidationError(_("User {0} does not exist", target))
    elif is_enrolled(me):
        _verify_throttled(me, code)
    reset(target)
    return f"Two-factor authentication was reset for {target}"


def _verify_throttled(user: str, code: Any) -> str:
    """`verify`, counted against the same throttle as the login's code step (a stolen session must not
    be a way to try codes without limit)."""
    site, ip = local().site, local().request_ip
    rate_limit.check(site, user, ip, rate_limit.TWO_FACTOR)
    try:
        method = verify(user, code)
    except AuthenticationError:
        rate_limit.record_failure(site, user, ip, rate_limit.TWO_FACTOR)
        raise
    rate_limit.clear_user(site, user, rate_limit.TWO_FACTOR)
    return method


# -- remembered devices -----------------------------------------------------------------------------------

def remember_days() -> int:
    value = document_db().get_single_value(SETTINGS, "two_factor_remember_days")
    return DEFAULT_REMEMBER_DAYS if value in (None, "") else max(0, int(value))


def remember_token(user: str, days: int) -> str:
    """The `tfa_device` cookie's value for `user`, good for `days` days."""
    expiry = int(time.time()) + days * 86400
    body = f"{_b64(user)}.{expiry}"
    return f"{body}.{_sign('remember', body, _enrolment_mark(user))}"


def is_remembered(user: str, token: Any) -> bool:
    """Whether the cookie value is a live remember-device token of `user` (of this enrolment)."""
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 1000:
        return False
    encoded_user, expiry, signature = token.split(".")
    mark = _enrolment_mark(user)
    try:
        if _unb64(encoded_user) != user or int(expiry) < time.time() or not mark:
            return False
    except ValueError:
        return False
    return hmac.compare_digest(signature, _sign("remember", f"{encoded_user}.{expiry}", mark))


def issuer_name() -> str:
    return str(document_db().get_single_value(SETTINGS, "otp_issuer_name") or local().site.name)


# -- internals --------------------------------------------------------------------------------------------

def _table() -> Any:
    return db().table(TABLE)


def _row(user: str) -> Any:
    table = _table()
    return db().execute(select(table).where(table.c.user == user)).first()


def _secret(row: Any) -> str:
    return fernet().decrypt(str(row.secret).encode()).decode()


def _sign(purpose: str, *parts: str) -> str:
    key = hmac.new(encryption_key(), f"smooth two-factor {purpose}".encode(), hashlib.sha256).digest()
    return _b64(hmac.new(key, "|".join(parts).encode(), hashlib.sha256).digest())


def _state(user: str) -> str:
    """A digest of the user's second-factor state: moves on with every code, recovery code or enrolment
    (not with a pending enrolment's secret, which the ticket's holder is about to confirm)."""
    row = _row(user)
    raw = "none" if row is None or not row.enrolled else f"{row.last_step}|{row.recovery_codes}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _enrolment_mark(user: str) -> str:
    row = _row(user)
    return str(row.created) if row is not None and row.enrolled else ""


def _enrolment_expired(row: Any) -> bool:
    seconds = int_setting(local().site, "two_factor_enrolment_seconds", DEFAULT_ENROLMENT_SECONDS, minimum=1)
    return not row.enrolled and time.time() * 1000 - int(row.created) > seconds * 1000


def _matching_step(secret: str, code: Any, *, after: int) -> int | None:
    """The time step (the current one or a neighbour, for clock drift) whose code is `code`."""
    text = str(code or "").strip() if isinstance(code, str | int) else ""
    if not (text.isdigit() and len(text) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // STEP_SECONDS
    for step in (now, now - 1, now + 1):
        if step > after and hmac.compare_digest(totp.at(step * STEP_SECONDS), text):
            return step
    return None


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _digest(user: str, code: str) -> str:
    normal = code.upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"{user}:{normal}".encode()).hexdigest()


def _b64(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
