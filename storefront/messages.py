"""The store's message storage: Django's FallbackStorage (a signed cookie, then the session), its cookie's
signer made when a cookie is read or written rather than on every request.

Django's CookieStorage builds its signer (the key derived from SECRET_KEY and its fallbacks, the
separator checked) as every request begins, to decode a cookie that is seldom there: a request
without a "messages" cookie never signs nor verifies anything. Reading and writing the cookie are
Django's own, unchanged.
"""

from __future__ import annotations

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing
from django.utils.functional import cached_property


class SignedCookieStorage(CookieStorage):
    """Django's CookieStorage, whose signer is made on first use."""

    def __init__(self, *args, **kwargs) -> None:
        BaseStorage.__init__(self, *args, **kwargs)

    @cached_property
    def signer(self) -> signing.Signer:
        return signing.get_cookie_signer(salt=self.key_salt)


class MessageStorage(FallbackStorage):
    """Django's FallbackStorage: the cookie first, the session for what does not fit in it."""

    storage_classes = (SignedCookieStorage, SessionStorage)
