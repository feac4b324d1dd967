"""The shared cache (Redis) as a cache, not a dependency: an unreachable Redis is a miss, not a 500.

Sessions are read through the cache and written through to the database (cached_db), and the
throttles count in it: with Django's own RedisCache, every request would fail while Redis is down,
Finish order included. Here a connection error or timeout is logged and answered like an empty cache
that keeps nothing: get() gives the default, add() succeeds and set() stores nothing, incr()/decr()
raise ValueError (a missing key). The throttles therefore let requests through while Redis is down
(they fail open; allauth's sign-in limits take a lock with add(), which an empty cache grants), and
sessions are read from the database. What must hold during an outage does not live here: the credit
and stock limits are row locks, and the bound on guessing an account's password is counted in the
database (accounts.signin).

Once Redis is found unreachable, this process answers from the empty cache at once for RETRY_AFTER
seconds before it tries Redis again: with Redis frozen, each of a request's cache calls would
otherwise wait REDIS_TIMEOUT (a sign-in makes a dozen).

The outbox reads the same window before it publishes an email's delivery to the broker (the same
Redis): while it is open the email is left to the sweep at once, and a publish that fails opens it
(`redis_unreachable`, `redis_found_unreachable`).

Deletes are the exception: they are always tried, and one that cannot reach Redis is kept and sent
again before this process's next call that reaches it. A session ended (sign-out, deactivation) while
Redis was unreachable would otherwise live on in the cache, and cached_db reads the cache first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 5.0
T = TypeVar("T")

# Per process, per Redis: until when (time.monotonic()) Redis counts as unreachable.
_down_until: dict[str, float] = {}
# Per process, per Redis: the deletes that could not reach it, (key, version), sent again first.
_pending_deletes: dict[str, set[tuple[str, int | None]]] = {}


def redis_unreachable(where: str) -> bool:
    """Whether the Redis at `where` (its URL) was found unreachable in this process within RETRY_AFTER."""
    return time.monotonic() < _down_until.get(where, 0.0)


def redis_found_unreachable(where: str) -> None:
    """Count the Redis at `where` as unreachable for the next RETRY_AFTER seconds, in this process."""
    _down_until[where] = time.monotonic() + RETRY_AFTER


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, answering like an empty cache when Redis cannot be reached."""

    def _attempt(self, operation: str, call: Callable[[], T], empty: Callable[[], T]) -> T:
        """`call()` against Redis, or `empty()` (the empty cache's answer) while Redis is unreachable."""
        where = ",".join(self._servers)
        if redis_unreachable(where):
            return empty()
        try:
            self._replay_deletes(where)
            return call()
        except UNREACHABLE as exc:
            redis_found_unreachable(where)
            logger.warning(
                "Cache unreachable (%s: %s): %s answered as a miss, and every call for %ss",
                type(exc).__name__, exc, operation, RETRY_AFTER,
            )
            return empty()

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._attempt("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), lambda: True)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._attempt("get", lambda: super(ResilientRedisCache, self).get(key, default, version), lambda: default)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._attempt("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), lambda: None)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._attempt("touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), lambda: False)

    def _replay_deletes(self, where: str) -> None:
        pending = _pending_deletes.get(where)
        while pending:
            key, version = next(iter(pending))
            super().delete(key, version)  # unreachable: raises, and the rest stays pending
            pending.discard((key, version))

    def _delete_or_keep(self, keys: list[str], version: int | None) -> bool:
        """Delete now, whatever the down window says; what cannot reach Redis is kept for later."""
        where = ",".join(self._servers)
        try:
            self._replay_deletes(where)
            deleted = False
            for key in keys:
                deleted = super().delete(key, version) or deleted
            return deleted
        except UNREACHABLE as exc:
            redis_found_unreachable(where)
            _pending_deletes.setdefault(where, set()).update((key, version) for key in keys)
            logger.warning("Cache unreachable (%s: %s): delete kept, to send when Redis answers", type(exc).__name__, exc)
            return False

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._delete_or_keep([key], version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return self._attempt("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._attempt("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), lambda: False)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")

        return self._attempt("incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing)

    def set_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[str]:
        return self._attempt("set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), lambda: list(data))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._delete_or_keep(list(keys), version)

    def clear(self) -> bool:
        return self._attempt("clear", lambda: super(ResilientRedisCache, self).clear(), lambda: False)
