from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend

from accounts.models import User


class StoreAuthenticationBackend(AuthenticationBackend):
    """allauth's sign-in by user id or email; the signed-in user is loaded with its contact and account.

    One query per request instead of three: every page's header needs the contact and its account.
    """

    def get_user(self, user_id: int) -> User | None:
        user = User._default_manager.select_related("contact__account__price_list").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
