"""Limits on how often anyone may do something (per client IP, per email), counted in the shared cache.

The cache is Redis in production (the settings refuse to start without it) and per process in
development and tests; every web process counts in the same place, so the limits hold however many
processes serve the store.

While Redis is down these limits, like allauth's per-address sign-in limits, count nothing: they fail
open (storefront.cache). That is a choice: they cap the volume of forms, emails and sign-in attempts
from one address, which an outage of minutes lets through for minutes, while failing closed would
refuse every visitor's form and every sign-in for as long as Redis is down. No secret depends on them:
what bounds guessing is kept in the database and holds during an outage (the account's wrong passwords
and codes, accounts.signin; the tries of an activation code; the sign-in links sent per user).
"""

from __future__ import annotations

import hashlib
import time

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

HOUR = 3600


def client_ip(request: HttpRequest) -> str:
    """The client's address as the sign-in throttling reads it (the same proxy settings apply)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address the settings trust: all such requests share one count
        return "unknown"


def throttle_key(scope: str, value: str) -> str:
    """The cache key counting `value` (an IP, an email) for `scope`; hashed, so the cache holds no addresses."""
    value = value.strip().lower()
    if "@" in value:
        # ana+1@x and ana+2@x reach the same mailbox: they count as one address.
        local, domain = value.rsplit("@", 1)
        value = f"{local.split('+', 1)[0]}@{domain}"
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def _current(key: str, window: int) -> str:
    # Windows are fixed spans of the clock (10:00-11:00, ...), named in the key: a new window is a new
    # key, so a window ends when the clock says so, whatever the cache's own expiry does (Redis
    # expires in its own time). The timeout only clears old counters.
    return f"{key}:{int(time.time()) // window}"


def throttle_take(key: str, limit: int, *, window: int = HOUR) -> bool:
    """Count one use of `key` in the current window; False (and the use given back) when the limit is spent."""
    current = _current(key, window)
    # add() creates the counter only if none exists; incr() is atomic on Redis and locmem alike, so
    # two requests at once cannot both take the last place.
    cache.add(current, 0, timeout=window + 60)
    try:
        used = cache.incr(current)
    except ValueError:  # cleared between add() and incr()
        cache.add(current, 1, timeout=window + 60)
        used = 1
    if used > limit:
        _give_back(current)
        return False
    return True


def throttle_give_back(key: str, *, window: int = HOUR) -> None:
    """Undo one use of `key`: the action it counted did not happen."""
    _give_back(_current(key, window))


def _give_back(current: str) -> None:
    try:
        cache.decr(current)
    except ValueError:  # the counter is gone meanwhile: nothing to give back
        pass
