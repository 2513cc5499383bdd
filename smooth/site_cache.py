"""Reads nearly every unit of work repeats, kept across units and processes until their records change.

A user's roles, the Singles, a doctype's active Workflow and its states' styles, who holds a role, a user's User
Permissions, the Email Templates, the Notifications, a doctype's Print Formats and the desk's Workspaces change
rarely and are read on almost every request (or mail).
A `SiteCache` (one per `Site`, in process memory) keeps them, each entry tagged with the site's
*cache generation*: a token every process of the site can read cheaply, which changes whenever a
transaction that wrote one of the `CACHED_DOCTYPES` commits. An entry is used only while its tag is the current
token, so a change made by any process (several `bench serve` and `bench worker` processes,
on several hosts) is seen by every process from its next transaction on.

Where the token lives:

- with `redis_url` in the site config, in Redis (`smooth:<site>:cache_generation`, one GET
  per transaction, a SET of a new random token per committed change): processes on several hosts
  share it;
- without (the embedded default), in the file `cache.generation` in the site folder (one
  small read per transaction; a change writes a new random token and renames it in place), for
  the processes of one host (several SQLite server workers) or of hosts sharing the sites
  folder.

Why it is safe (`smooth.db.database.Database` does the bookkeeping): the token is read when a
transaction begins, before its first statement, so what the transaction then reads is at least
as new as every change whose token bump it saw; a writer bumps after its commit, so no reader
can tag old rows with the new token. A transaction that wrote a cached doctype neither uses nor
fills the cache until it ends (it must see its own writes), and a token that cannot be read (Redis
down) bypasses the cache. The one window left is between a writer's commit and its bump (a few
microseconds); entries older than `MAX_AGE` seconds are read again, so even a bump lost to a
crash there is bounded. A migrate (and so a new site) changes the token too, and a process that
reloads its metadata forgets its entries; after restoring a database by hand, call
`smooth.clear_cache()`.

A few columns change on routine activity (`VOLATILE_COLUMNS`: every login stamps `User.last_login`). They
are left out of cached rows, so a write of only them changes no generation (a shift's logins would otherwise
empty every process's cache) and a read of them always goes to the database.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

log = logging.getLogger("smooth.site_cache")

# the doctypes whose rows the core caches: a committed write to any of them changes the generation (apps add
# theirs with the `site_cache_doctypes` hook: `Site.cached_doctypes`)
CACHED_DOCTYPES = frozenset({"Has Role", "Role", "User", "Singles", "User Permission", "Workflow",
                             "Workflow Document State", "Workflow Transition", "Workflow State", "Email Template",
                             "Print Format", "Notification", "Notification Recipient", "Workspace",
                             "Workspace Link", "Workspace Shortcut"})
# columns written on routine activity (every login stamps User.last_login): kept out of cached rows, so writing
# only them changes no generation and a shift's logins do not empty every process's cache
VOLATILE_COLUMNS: dict[str, frozenset[str]] = {"User": frozenset({"last_login"})}
GENERATION_FILE = "cache.generation"
MAX_AGE = 300.0
MAX_ENTRIES = 20_000  # past this (a site with many users), start again rather than grow
MISSING = object()

_redis_clients: dict[str, redis.Redis] = {}
_redis_lock = threading.Lock()


def redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per Redis URL and process, answering text."""
    client = _redis_clients.get(url)
    if client is None:
        with _redis_lock:
            client = _redis_clients.get(url)
            if client is None:
                client = _redis_clients[url] = redis.Redis.from_url(
                    url, socket_timeout=5, socket_connect_timeout=5, decode_responses=True)
    return client


def names_cached_table(sql: str, tables: frozenset[str]) -> bool:
    """Whether a statement's text may write one of the cached doctypes' `tables` (a raw `db.sql` write)."""
    lowered = sql.lower()
    return any(table.lower() in lowered for table in tables)


class SiteCache:
    """The cache of one site in this process; see the module docstring for the generation scheme."""

    def __init__(self, site_name: str, site_path: Path, redis_url: str | None) -> None:
        self._file = site_path / GENERATION_FILE
        self._redis_url = redis_url
        self._key = f"smooth:{site_name}:cache_generation"
        self._entries: dict[Any, tuple[str, float, Any]] = {}
        self._lock = threading.Lock()

    def generation(self) -> str | None:
        """The site's current token; None when it cannot be read (then nothing is cached)."""
        if self._redis_url:
            try:
                client = redis_client(self._redis_url)
                value = client.get(self._key)
                if value is None:  # never set, or Redis lost it (a flush, a restart): a token never used before
                    client.set(self._key, secrets.token_hex(12), nx=True)
                    value = client.get(self._key)
            except redis.RedisError:
                return None
            return None if value is None else "r" + str(value)
        for _attempt in range(2):
            try:
                fd = os.open(self._file, os.O_RDONLY)
            except FileNotFoundError:
                self._write_token()  # a first token, never used before (so a deleted file cannot revive old entries)
                continue
            except OSError:
                return None
            try:
                return "f" + os.read(fd, 64).decode("ascii", "replace")
            finally:
                os.close(fd)
        return None

    def bump(self) -> None:
        """Tell every process that cached records changed (after the commit that changed them)."""
        with self._lock:
            self._entries.clear()
        if self._redis_url:
            try:
                redis_client(self._redis_url).set(self._key, secrets.token_hex(12))
            except redis.RedisError:
                log.exception("could not bump the cache generation in Redis; other processes notice within "
                              "%s seconds", MAX_AGE)
            return
        self._write_token()

    def _write_token(self) -> None:
        temporary = self._file.with_name(f".{GENERATION_FILE}.{secrets.token_hex(6)}")
        try:
            temporary.write_bytes(secrets.token_hex(12).encode("ascii"))
            os.replace(temporary, self._file)
        except OSError:
            temporary.unlink(missing_ok=True)
            log.exception("could not write %s; other processes notice within %s seconds", self._file, MAX_AGE)

    def get(self, generation: str, key: Any, load: Callable[[], Any]) -> Any:
        """The value under `key` for `generation`, loading (and keeping) it when missing, stale or too old."""
        value = self.peek(generation, key)
        if value is MISSING:
            value = load()
            self.put(generation, key, value)
        return value

    def peek(self, generation: str, key: Any) -> Any:
        """The value kept under `key` for `generation`, or MISSING."""
        entry = self._entries.get(key)
        if entry is not None and entry[0] == generation and time.monotonic() - entry[1] < MAX_AGE:
            return entry[2]
        return MISSING

    def put(self, generation: str, key: Any, value: Any) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (generation, time.monotonic(), value)

    def clear(self) -> None:
        """Forget this process's entries (the next read loads them again)."""
        with self._lock:
            self._entries.clear()
