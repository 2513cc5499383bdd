"""A change number per table of a site, raised when a transaction that wrote to the table commits.

What is cached about a table's rows (a list's counts) is stored with the number it was computed at and
thrown away when the number has moved. The number is kept in the process and, when the site has a
`redis_url`, in Redis too, so a write committed by any process of the site moves it for all of them.
Without Redis (or while it does not answer) another process's write is seen when the cached entry
expires: the caches using this keep entries briefly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import redis
from redis.exceptions import RedisError

_versions: dict[tuple[str, str], int] = {}
_clients: dict[str, redis.Redis] = {}
_lock = threading.Lock()
TIMEOUT = 2.0  # seconds: a slow Redis costs a cached count, never a commit


def _client(url: str) -> redis.Redis:
    client = _clients.get(url)
    if client is None:
        with _lock:
            client = _clients.setdefault(url, redis.Redis.from_url(
                url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT, decode_responses=True))
    return client


def _key(site: str, table: str) -> str:
    return f"smooth:{site}:table_version:{table}"


def version(site: str, table: str, redis_url: str | None = None) -> tuple[int, int]:
    """(this process's number, the site's shared one: 0 without Redis, -1 when Redis does not answer)."""
    local = _versions.get((site, table), 0)
    if not redis_url:
        return local, 0
    try:
        return local, int(_client(redis_url).get(_key(site, table)) or 0)
    except RedisError:
        return local, -1


def bump(site: str, tables: Iterable[str], redis_url: str | None = None) -> None:
    names = list(tables)
    with _lock:
        for table in names:
            _versions[(site, table)] = _versions.get((site, table), 0) + 1
    if redis_url and names:
        try:
            with _client(redis_url).pipeline(transaction=False) as pipe:
                for table in names:
                    pipe.incr(_key(site, table))
                pipe.execute()
        except RedisError:
            pass  # the committed write stands; other processes see it when their cached entries expire
