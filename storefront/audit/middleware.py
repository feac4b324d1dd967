from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse

from storefront.audit.services import current_request


class AuditRequestMiddleware:
    """Keeps the request being served where security_event_record finds it; costs no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
