from django.conf import settings
from django.http import HttpRequest


def store(request: HttpRequest) -> dict:
    """The store's name and the signed-in contact, for every template."""
    return {
        "STORE_NAME": settings.STORE_NAME,
        "contact": getattr(request, "contact", None),
        "PASSWORD_RESET_HOURS": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
