from __future__ import annotations

from typing import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from django_htmx.http import HttpResponseClientRedirect

from accounts.selectors import contact_for_user, totp_required, user_has_totp


class ContactMiddleware:
    """Sets `request.contact`: the signed-in user's active contact (with its account), or None.

    Loaded eagerly, not lazily: views and templates test `request.contact is None`, which a lazy
    wrapper would always answer False. Visitors cost no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.contact = contact_for_user(request.user)  # type: ignore[attr-defined]
        return self.get_response(request)


class TotpRequiredMiddleware:
    """An administrator whose account requires the authenticator app, and who has none yet, is sent to
    set it up before anything else (its other pages answer with a redirect there).

    The pages of setting it up, re-authenticating for it, signing out and choosing the language stay
    open. Costs no query: the signed-in user is loaded with whether it has the app (accounts.backends).
    """

    OPEN_URL_NAMES = ("mfa_activate_totp", "mfa_index", "account_reauthenticate", "mfa_reauthenticate", "account_logout", "set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "contact", None) is not None and totp_required(request.user):
            if not user_has_totp(request.user) and request.path not in self._open_paths():
                messages.warning(
                    request,
                    _("Your account asks its administrators to sign in with an authenticator app. Set it up to go on."),
                )
                # An htmx request is sent there whole, not swapped into a part of its page.
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(reverse("mfa_activate_totp"))
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _open_paths() -> set[str]:
        return {reverse(name) for name in TotpRequiredMiddleware.OPEN_URL_NAMES}
