from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from accounts.mfa_secrets import SecretUnreadable, secret_decrypt, secret_encrypt, unusable_totp_secret
from accounts.selectors import totp_required
from accounts.signin import LINK_GRANT_SESSION, GuessesSpent, signin_guess_take
from storefront.emails import email_store

logger = logging.getLogger(__name__)


class StoreAccountAdapter(DefaultAccountAdapter):
    """allauth, the store's way: no self sign-up, and its emails go through the store's outbox."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The account's bound of guesses (accounts.signin), whatever the address: the same words for a
        # name nobody has, which is counted the same.
        "guesses_spent": _(
            "Too many wrong passwords or codes were tried for this user in the last hour. To protect it, "
            "they are not being checked for now."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Contacts are created by their account administrator; new resellers become customers.
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """Every password check (the sign-in page, the back office's, re-authentication) first takes a
        place in the account's count of guesses (accounts.signin), then allauth's own per-address and
        per-name counts; a right password gives its place back."""
        login = credentials.get("username") or credentials.get("email") or ""
        try:
            usage = signin_guess_take(request=request, login=login)
        except GuessesSpent:
            raise self.validation_error("guesses_spent") from None
        try:
            user = super().authenticate(request, **credentials)
        except Exception:
            usage.rollback()  # refused by allauth's own limits before any check: not a guess
            raise
        if user is not None:
            usage.rollback()
        return user

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        # A sign-in through a sign-in link is complete: its tries no longer stand in for the account's.
        request.session.pop(LINK_GRANT_SESSION, None)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = context.get("request")
        ctx = {"request": request, "email": email, **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        email_store(to=email, subject=message.subject, body_text=message.body, body_html=html)

    def format_email_subject(self, subject: str) -> str:
        from django.conf import settings

        return f"{settings.STORE_NAME}: {subject}"


class StoreMFAAdapter(DefaultMFAAdapter):
    """allauth's two-step sign-in, the store's way: an administrator whose account requires the
    authenticator app cannot remove it (it can replace it: remove is refused, a new phone is the back
    office's job); the app's secret is stored encrypted."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your account asks its administrators to sign in with an authenticator app: you cannot remove yours. "
            "To move it to a new phone, ask your sales executive."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not totp_required(authenticator.user)

    def encrypt(self, text: str) -> str:
        """Secrets (the TOTP key) are stored encrypted (accounts.mfa_secrets)."""
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return secret_decrypt(encrypted_text)
        except SecretUnreadable:
            # Refuse every code rather than fail the sign-in page: the key has changed without its fallback.
            logger.error("An authenticator secret opens with no key: SECRET_KEY changed without SECRET_KEY_FALLBACKS?")
            return unusable_totp_secret()
