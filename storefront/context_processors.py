from django.conf import settings
from django.http import HttpRequest

from accounts.countries import COUNTRY_CHOICES


def _cart_count(request: HttpRequest) -> int | None:
    # Counted by the query that loads the signed-in user (accounts.backends): no query of its own.
    contact = getattr(request, "contact", None)
    if contact is None or not (contact.can_see_prices and (contact.can_order or contact.can_quote)):
        return None
    return getattr(request.user, "cart_lines", 0)


def store(request: HttpRequest) -> dict:
    """The store's name, the signed-in contact and its cart count, for every template."""
    return {
        "cart_count": _cart_count(request),
        "STORE_NAME": settings.STORE_NAME,
        "contact": getattr(request, "contact", None),
        "PASSWORD_RESET_HOURS": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "SIGNIN_LINK_MINUTES": int(settings.SIGNIN_LINK_TTL.total_seconds() // 60),
        "country": getattr(request, "country", settings.STORE_DEFAULT_COUNTRY),
        "COUNTRY_CHOICES": COUNTRY_CHOICES,
    }


def csp_nonce(request: HttpRequest) -> dict:
    """The response's CSP nonce as `csp_nonce`, the name django-htmx's htmx_script reads (and Django 6 uses).

    Made for every rendered page, the admin's too, so each page's policy names a fresh nonce.
    """
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": str(nonce) if nonce is not None else ""}
