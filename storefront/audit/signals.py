"""Sign-in, sign-out, passwords and authenticators: recorded from Django's and allauth's own signals,
because those flows are theirs (the store's services never see them). Domain changes are recorded by
the services, never here."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.dispatch import receiver

from storefront.audit.services import Kind, security_event_record


@receiver(auth_signals.user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs: Any) -> None:
    security_event_record(kind=Kind.SIGN_IN, actor=user, request=request, detail={"path": getattr(request, "path", "")})


@receiver(auth_signals.user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(kind=Kind.SIGN_OUT, actor=user, request=request)


@receiver(auth_signals.user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials: dict, request=None, **kwargs: Any) -> None:
    # What was typed as the user id is kept only when it names a user: a password typed in the wrong
    # box must not land in the trail.
    login = str(credentials.get("username") or credentials.get("email") or "").strip()
    user = None
    if login:
        User = get_user_model()
        user = User._default_manager.filter(Q(username__iexact=login) | Q(email__iexact=login)).order_by("pk").first()
    security_event_record(
        kind=Kind.SIGN_IN_FAILED, actor=user, request=request, detail={"step": "password", "known_user": user is not None}
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit_code_failed")
def _code_failed(sender, request, user, authenticator: Authenticator | None = None, **kwargs: Any) -> None:
    security_event_record(kind=Kind.SIGN_IN_FAILED, actor=user, request=request, detail={"step": "code", "known_user": True})


@receiver(account_signals.password_changed, dispatch_uid="audit_password_changed")
def _password_changed(sender, request, user, **kwargs: Any) -> None:
    security_event_record(kind=Kind.PASSWORD_CHANGED, actor=user, request=request)


@receiver(account_signals.password_reset, dispatch_uid="audit_password_reset")
def _password_reset(sender, request, user, **kwargs: Any) -> None:
    security_event_record(kind=Kind.PASSWORD_RESET, actor=user, request=request)


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_totp_added")
def _authenticator_added(sender, request, user, authenticator: Authenticator, **kwargs: Any) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        security_event_record(kind=Kind.TOTP_ENABLED, actor=user, request=request)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_totp_removed")
def _authenticator_removed(sender, request, user, authenticator: Authenticator, **kwargs: Any) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        security_event_record(kind=Kind.TOTP_DISABLED, actor=user, request=request)


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit_codes_reset")
def _authenticator_reset(sender, request, user, authenticator: Authenticator, **kwargs: Any) -> None:
    security_event_record(kind=Kind.RECOVERY_CODES_RESET, actor=user, request=request)
