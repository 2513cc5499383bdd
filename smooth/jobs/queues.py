"""The RQ queues of a site: `short`, `default` and `long`, on the Redis named by `redis_queue`.

Queue names carry no site: a job records its own site, so one worker set can serve every site
of a bench that shares the Redis. Without `redis_queue` (the embedded default) there are no
queues and jobs run in-process after commit.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from redis import Redis
from rq import Queue

from smooth.exceptions import ValidationError
from smooth.messages import _

if TYPE_CHECKING:
    from smooth.site import Site

QUEUE_TIMEOUTS = {"short": 300, "default": 300, "long": 1500}
PREFIX = "smooth"
_connections: dict[str, Redis] = {}
_lock = threading.Lock()


def queue_url(site: Site) -> str | None:
    url = site.config.get("redis_queue")
    return url if isinstance(url, str) and url else None


def connection(url: str) -> Redis:
    """One client (and connection pool) per URL and process; RQ wants raw bytes, not decoded text."""
    client = _connections.get(url)
    if client is None:
        with _lock:
            client = _connections.get(url)
            if client is None:
                client = _connections[url] = new_connection(url)
    return client


def new_connection(url: str) -> Redis:
    """A client with a pool of its own (a worker's, so no thread of an abandoned worker shares it)."""
    return Redis.from_url(url, socket_connect_timeout=5)


def queue_name(name: str) -> str:
    if name not in QUEUE_TIMEOUTS:
        raise ValidationError(_("Unknown queue {0!r}: use one of {1}", name, ', '.join(QUEUE_TIMEOUTS)))
    return f"{PREFIX}:{name}"


def get_queue(site: Site, name: str = "default") -> Queue | None:
    """The site's RQ queue `name`, or None when the site has no `redis_queue` (jobs run inline)."""
    url = queue_url(site)
    if url is None:
        return None
    return Queue(queue_name(name), connection=connection(url), default_timeout=QUEUE_TIMEOUTS[name])
