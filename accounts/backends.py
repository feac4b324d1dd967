from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, OuterRef, QuerySet

from accounts.models import User
from storefront.prepared import PreparedQuery


def _user_with_contact(user_id: object) -> QuerySet[User]:
    return (
        User._default_manager.select_related("contact__account__price_list")
        .annotate(
            cart_lines=Count("contact__cart__lines"),
            # Whether it signs in with an authenticator app (accounts.middleware.TotpRequiredMiddleware).
            has_totp=Exists(Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)),
        )
        .filter(pk=user_id)
    )


# Every signed-in request runs it: compiled once, not once per request.
_USER_QUERY: PreparedQuery[User] = PreparedQuery(_user_with_contact, user_id=User._meta.pk)


class StoreAuthenticationBackend(AuthenticationBackend):
    """allauth's sign-in by user id or email; the signed-in user is loaded with its contact and account.

    One query per request instead of five: every page's header needs the contact, its account and the
    number of lines in its cart, and the administrators of some accounts must have an authenticator app.
    """

    def get_user(self, user_id: int) -> User | None:
        user = _USER_QUERY.first(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
