"""The store's country: the account's for a signed-in contact, otherwise the one the visitor chose at
the top of the page (kept in a cookie, so it costs no query), otherwise the default.

The country decides the currency, the documents asked of a new customer, the service centres, the
events and the shipment options; the language is chosen beside it (Django's `set_language`).
"""

from __future__ import annotations

from typing import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.countries import COUNTRIES

COOKIE_NAME = "store_country"
COOKIE_MAX_AGE = 365 * 24 * 3600


def default_country() -> str:
    return getattr(settings, "STORE_DEFAULT_COUNTRY", "US")


def country_for(request: HttpRequest) -> str:
    """The country the request is about (see the module's docstring)."""
    contact = getattr(request, "contact", None)
    if contact is not None:
        return contact.account.country
    chosen = request.COOKIES.get(COOKIE_NAME, "")
    return chosen if chosen in COUNTRIES else default_country()


class CountryMiddleware:
    """Sets `request.country` (after ContactMiddleware, which it reads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.country = country_for(request)  # type: ignore[attr-defined]
        return self.get_response(request)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return "/"
    return target


@require_POST
def country_set(request: HttpRequest) -> HttpResponse:
    """The country selector at the top of every page: remembered in a cookie for a year."""
    response = HttpResponseRedirect(_next(request))
    code = (request.POST.get("country") or "").strip().upper()
    if code not in COUNTRIES:
        messages.error(request, _("Choose one of the countries in the list."))
        return response
    if getattr(request, "contact", None) is not None and code != request.contact.account.country:
        # A contact buys in its account's country, whatever it picks.
        messages.info(
            request,
            _("Your account buys in %(country)s: prices, documents and services stay those of %(country)s.")
            % {"country": COUNTRIES[request.contact.account.country][0]},
        )
    response.set_cookie(
        COOKIE_NAME, code, max_age=COOKIE_MAX_AGE, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE, httponly=True
    )
    return response
