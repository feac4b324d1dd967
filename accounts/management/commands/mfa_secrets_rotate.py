"""Encrypts every authenticator app secret under the current SECRET_KEY.

Run after a SECRET_KEY rotation (the old key still in SECRET_KEY_FALLBACKS), so the old key can then be
dropped; it also encrypts any secret stored in the clear. A secret no key opens is named and left as it
is: its contact's authenticator is removed in the back office and set up again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.mfa_secrets import authenticator_secrets_rotate


class Command(BaseCommand):
    help = "Encrypts every authenticator app secret under the current SECRET_KEY (after a key rotation)."

    def handle(self, *args, **options) -> None:
        written, unreadable = authenticator_secrets_rotate()
        self.stdout.write(f"{written} authenticator(s) encrypted under the current key.")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} authenticator(s) no key opens (ids {', '.join(map(str, unreadable))}): "
                "remove them in the back office so their contacts set the app up again."
            )
