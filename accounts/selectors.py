"""Reads of the accounts domain, already scoped to who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Account, Contact, User


def contact_for_user(user: User) -> Contact | None:
    """The active contact of a signed-in user, with its account; None for visitors and staff."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        # Already loaded with the user by accounts.backends: no query here.
        contact = user.contact
    except Contact.DoesNotExist:
        return None
    return contact if contact.state == Contact.State.ACTIVE else None


def totp_required(user: User) -> bool:
    """Whether this user must sign in with an authenticator app: an administrator of an account that says so."""
    contact = getattr(user, "contact", None) if getattr(user, "pk", None) else None
    return bool(contact and contact.is_admin and contact.account.totp_required_for_admins)


def user_has_totp(user: User) -> bool:
    """Whether the user signs in with an authenticator app; read with the user when it was loaded by
    accounts.backends, else asked."""
    known = getattr(user, "has_totp", None)
    if known is not None:
        return bool(known)
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def contact_list_for_admin(admin: Contact) -> QuerySet[Contact]:
    """The contacts of the administrator's own account, in one query."""
    return (
        Contact.objects.filter(account_id=admin.account_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


def contact_of_account(*, account: Account, pk: int) -> Contact | None:
    return Contact.objects.select_related("user", "account").filter(account=account, pk=pk).first()
