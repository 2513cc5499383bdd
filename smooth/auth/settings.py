"""Reading auth settings from site config: integers with defaults, and the site's Redis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import redis

from smooth.exceptions import SmoothError, ValidationError
from smooth.messages import _
from smooth.site_cache import redis_client

if TYPE_CHECKING:
    from redis import Redis

    from smooth.site import Site


def int_setting(site: Site, key: str, default: int, *, minimum: int = 0) -> int:
    """A non-negative integer from site config; a wrong value is a clear error, not a silent default."""
    value: Any = site.config.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("site config {0} must be a whole number of seconds or attempts, not {1!r}",
                                key, value)) \
            from None
    if number < minimum:
        raise ValidationError(_("site config {0} must be at least {1}, not {2}", key, minimum, number))
    return number


def redis_for(site: Site) -> Redis | None:
    """The site's Redis client (one connection pool per URL and process), or None without `redis_url`."""
    url = site.config.get("redis_url")
    return redis_client(url) if url else None


def redis_key(site: Site, *parts: str) -> str:
    """Keys are prefixed by the site name, so several sites can share one Redis."""
    return ":".join(("smooth", site.name, *parts))


class AuthStoreUnavailable(SmoothError):
    """Redis is configured but does not answer (the URL is not repeated: it may hold a password)."""

    http_status_code = 503


def redis_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except redis.RedisError as exc:
        raise AuthStoreUnavailable(f"The session store (Redis) is not reachable: {type(exc).__name__}") from None
