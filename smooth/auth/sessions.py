"""Server-side login sessions: a random `sid` cookie pointing at {user, csrf_token, created, last_seen}.

As in Frappe, a session has no CSRF token until a page shows it one (`issue_csrf_token`): a
client that only logged in through the API holds just the cookie and is not asked for a token
(smooth.auth.csrf); once a page has carried the token, every unsafe request must send it.

A session ends after `session_expiry_seconds` (site config, default 6 hours) without a
request. Only a SHA-256 of the sid is stored, so a copy of the store does not hand out live
sessions. Storage is Redis when the site config has `redis_url` (key TTL = idle expiry),
else the framework table `__Sessions`.

`last_seen` is written at most once per `touch_interval` (a tenth of the expiry, at most a
minute), so reading a session is not a write on every request. Resuming a session also reads
whether its user is still enabled and their roles, in the same statement as the session row
(the database store) or one more (Redis): every request needs them, and never from a cache,
so a user disabled or a role taken away counts from the next request on.

Database writes outside login commit at once in a short transaction on a connection of their
own (`Database.write_now`), so a GET (which rolls back) still keeps its session alive and the request's
unit of work never commits early.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, and_, bindparam, delete, insert, select, update

from smooth.auth.settings import int_setting, redis_call, redis_for, redis_key
from smooth.context import db

if TYPE_CHECKING:
    from smooth.site import Site

COOKIE = "sid"
DEFAULT_EXPIRY_SECONDS = 6 * 3600
TABLE = "__Sessions"


@dataclass
class Session:
    sid: str
    user: str
    csrf_token: str
    created: float
    last_seen: float
    ip: str = ""
    refreshed: bool = False  # last_seen was just extended: the cookie should be re-sent
    user_roles: list[str] | None = None  # read with the session: the user's roles, None when disabled or gone
    created_here: bool = False  # made by this unit of work: its row is not committed yet


def expiry_seconds(site: Site) -> int:
    return int_setting(site, "session_expiry_seconds", DEFAULT_EXPIRY_SECONDS, minimum=1)


def touch_interval(expiry: int) -> float:
    return min(60.0, expiry / 10)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def create(site: Site, user: str, ip: str = "") -> Session:
    """A new session for `user`; in the database it is part of the caller's (login) transaction."""
    now = time.time()
    session = Session(sid=secrets.token_urlsafe(32), user=user, csrf_token="", created=now, last_seen=now,
                      ip=ip[:64], created_here=True)
    client = redis_for(site)
    expiry = expiry_seconds(site)
    if client is not None:
        redis_call(client.set, redis_key(site, "session", _digest(session.sid)), _encode(session), px=expiry * 1000)
    else:
        table = site.table(TABLE)
        db().execute(delete(table).where(table.c.last_seen < _ms(now - expiry)), write=True)
        db().execute(insert(table).values(sid=_digest(session.sid), user=user, csrf_token=session.csrf_token,
                                          ip=session.ip, created=_ms(now), last_seen=_ms(now)), write=True)
    return session


def resume(site: Site, sid: str) -> Session | None:
    """The live session for cookie value `sid`, extending its idle expiry; None when unknown or expired."""
    if not sid or len(sid) > 200:
        return None
    client = redis_for(site)
    expiry = expiry_seconds(site)
    now = time.time()
    digest = _digest(sid)
    if client is not None:
        key = redis_key(site, "session", digest)
        raw = redis_call(client.get, key)
        session = _decode(sid, raw) if raw else None
        if session is None:
            return None
        if now - session.last_seen > expiry:
            redis_call(client.delete, key)
            return None
        if now - session.last_seen >= touch_interval(expiry):
            session.last_seen, session.refreshed = now, True
            redis_call(client.set, key, _encode(session), px=expiry * 1000)
        session.user_roles = _active_user_roles(site, session.user)
        return session
    table = site.table(TABLE)
    rows = db().execute(_session_with_user(table, site.table("User"), site.table("Has Role")),
                        {"sid": digest}).all()
    if not rows:
        return None
    row = rows[0]
    session = Session(sid=sid, user=row.user, csrf_token=row.csrf_token, created=row.created / 1000,
                      last_seen=row.last_seen / 1000, ip=row.ip or "",
                      user_roles=None if row.enabled_user is None else [r.role for r in rows if r.role is not None])
    if now - session.last_seen > expiry:
        db().write_now(delete(table).where(table.c.sid == digest))
        return None
    if now - session.last_seen >= touch_interval(expiry):
        session.last_seen, session.refreshed = now, True
        db().write_now(update(table).where(table.c.sid == digest).values(last_seen=_ms(now)))
    return session


def issue_csrf_token(site: Site, session: Session) -> str:
    """The session's CSRF token, made and stored on first use: from then on the session's unsafe
    requests must carry it. In the database a concurrent first use keeps the first token written."""
    if session.csrf_token:
        return session.csrf_token
    token = secrets.token_urlsafe(24)
    client = redis_for(site)
    if client is not None:
        session.csrf_token = token
        redis_call(client.set, redis_key(site, "session", _digest(session.sid)), _encode(session),
                   px=expiry_seconds(site) * 1000, xx=True)
        return token
    table = site.table(TABLE)
    digest = _digest(session.sid)
    claim = update(table).where(table.c.sid == digest, table.c.csrf_token == "").values(csrf_token=token)
    read = select(table.c.csrf_token).where(table.c.sid == digest)
    database = db()
    if (database.has_write_lock and database.is_sqlite) or session.created_here:
        # the unit's own transaction: it holds SQLite's write lock, or the uncommitted row (a page drawn by
        # the request that logged in; another connection would wait on that row's lock)
        database.execute(claim, write=True)
        stored = database.execute(read).scalar()
    else:
        with database.engine.begin() as connection:
            connection.execute(claim)
            stored = connection.execute(read).scalar()
    session.csrf_token = str(stored or token)
    return session.csrf_token


@lru_cache(maxsize=16)
def _session_with_user(sessions: Table, users: Table, has_role: Table) -> Any:
    """A session row, its user's name if enabled, and one row per role of that user; built once per
    site's tables (the statement keeps its compiled form), as every cookie request runs it."""
    return (select(sessions.c.user, sessions.c.csrf_token, sessions.c.ip, sessions.c.created, sessions.c.last_seen,
                   users.c.name.label("enabled_user"), has_role.c.role)
            .select_from(sessions
                         .outerjoin(users, and_(users.c.name == sessions.c.user, users.c.enabled == 1))
                         .outerjoin(has_role, and_(has_role.c.parent == users.c.name,
                                                   has_role.c.parenttype == "User")))
            .where(sessions.c.sid == bindparam("sid")))


@lru_cache(maxsize=16)
def _user_with_roles(users: Table, has_role: Table) -> Any:
    return (select(users.c.name, has_role.c.role)
            .select_from(users.outerjoin(has_role, and_(has_role.c.parent == users.c.name,
                                                        has_role.c.parenttype == "User")))
            .where(and_(users.c.name == bindparam("user"), users.c.enabled == 1)))


def _active_user_roles(site: Site, user: str) -> list[str] | None:
    """The roles of `user` if they exist and are enabled, else None (for a session kept in Redis)."""
    rows = db().execute(_user_with_roles(site.table("User"), site.table("Has Role")), {"user": user}).all()
    return [row.role for row in rows if row.role is not None] if rows else None


def end(site: Site, sid: str) -> None:
    """Forget the session (logout); committed at once (with the caller's writes so far), whatever the method."""
    if not sid:
        return
    client = redis_for(site)
    if client is not None:
        redis_call(client.delete, redis_key(site, "session", _digest(sid)))
        return
    table = site.table(TABLE)
    db().write_now(delete(table).where(table.c.sid == _digest(sid)))


def exists(site: Site, sid: str) -> bool:
    """Whether the store still holds the session (for tests and tooling; no expiry check)."""
    client = redis_for(site)
    if client is not None:
        return bool(redis_call(client.exists, redis_key(site, "session", _digest(sid))))
    table = site.table(TABLE)
    return db().execute(select(table.c.sid).where(table.c.sid == _digest(sid))).first() is not None


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _encode(session: Session) -> str:
    data = asdict(session)
    data.pop("sid")
    data.pop("refreshed")
    data.pop("user_roles")
    data.pop("created_here")
    return json.dumps(data)


def _decode(sid: str, raw: str) -> Session | None:
    try:
        data = json.loads(raw)
        return Session(sid=sid, user=data["user"], csrf_token=data["csrf_token"], created=float(data["created"]),
                       last_seen=float(data["last_seen"]), ip=data.get("ip") or "")
    except (ValueError, KeyError, TypeError):
        return None
