from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse

from accounts.selectors import contact_for_user


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
