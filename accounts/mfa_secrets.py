"""The authenticator app's secret, encrypted at rest (allauth's MFA adapter calls these).

allauth keeps each TOTP secret in its Authenticator table; whoever reads that table (a backup, a
database dump, a read-only SQL hole) could otherwise make any contact's codes. Secrets are stored as
"enc1$" + a Fernet token (AES-128-CBC and HMAC-SHA256, from the cryptography package).

The key is derived from SECRET_KEY, not a setting of its own: one secret to keep and to rotate, through
Django's own rotation. Each key is HMAC-SHA256(SECRET_KEY, a label of its use), so the TOTP key is not the
key that signs sessions and reset links. To rotate: put the new key in SECRET_KEY and the old one in
SECRET_KEY_FALLBACKS (comma-separated), deploy, run `manage.py mfa_secrets_rotate` (every secret is then
encrypted under the new key), and drop the old key from the fallbacks once sessions and reset links made
with it have expired too. Until the command runs, secrets are still read with the fallbacks.

A secret no key opens (SECRET_KEY changed without its fallback) refuses every code, and says so in the
log: the contact asks the back office to remove the authenticator and sets up the app again.
"""

from __future__ import annotations

import base64
import logging
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

PREFIX = "enc1$"
_KEY_SALT = "accounts.mfa_secrets.totp"


def _fernet(secret_key: str) -> Fernet:
    digest = salted_hmac(_KEY_SALT, "fernet-key", secret=secret_key, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    """The current key first (it encrypts), then one per fallback (they still decrypt)."""
    return MultiFernet([_fernet(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)])


def is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def secret_encrypt(text: str) -> str:
    """The stored form of a secret: encrypted under the current key."""
    return PREFIX + _keys().encrypt(text.encode()).decode("ascii")


class SecretUnreadable(Exception):
    """A stored secret that no key opens."""


def secret_decrypt(stored: str) -> str:
    """The secret of its stored form; a value stored before encryption (no prefix) is returned as it is,
    until `mfa_secrets_rotate` encrypts it."""
    if not is_encrypted(stored):
        return stored
    try:
        return _keys().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise SecretUnreadable("no key opens this secret") from error


def secret_rotate(stored: str) -> str:
    """The same secret, encrypted under the current key."""
    return secret_encrypt(secret_decrypt(stored))


def unusable_totp_secret() -> str:
    """A secret nobody has, so no code matches: what a secret no key opens is read as."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


# What allauth passes through the adapter's encrypt(), per authenticator type: the TOTP secret, the
# recovery codes' seed and the codes carried over from an older format.
_SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
_SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def authenticator_data_map(kind: str, data: dict[str, Any], convert) -> dict[str, Any]:
    """The authenticator's data with each secret in it passed through `convert`."""
    data = dict(data)
    for field in _SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(field), str):
            data[field] = convert(data[field])
    for field in _SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(field), list):
            data[field] = [convert(value) for value in data[field]]
    return data


def authenticator_secrets_rotate() -> tuple[int, list[int]]:
    """Every authenticator's secrets encrypted under the current key, in one transaction; returns how many
    authenticators were written and the ids of those no key opens (left as they are)."""
    from allauth.mfa.models import Authenticator
    from django.db import transaction

    written, unreadable = 0, []
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
            try:
                data = authenticator_data_map(authenticator.type, authenticator.data, secret_rotate)
            except SecretUnreadable:
                unreadable.append(authenticator.pk)
                continue
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                written += 1
    return written, unreadable
