from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from storefront.models import OutboundEmail

OUTBOX_PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/home.html", {"account": request.contact.account if request.contact else None})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the load balancer and compose: the database answers, and the broker when there is one."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this page is how operators see the fault
        checks["database"] = type(exc).__name__
        healthy = False
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = type(exc).__name__
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503)


@never_cache
def dev_outbox(request: HttpRequest) -> HttpResponse:
    """Development only: the stored emails, newest first, with their links and codes."""
    if not settings.DEBUG:
        raise Http404
    emails = OutboundEmail.objects.order_by("-created_at", "-id")[:OUTBOX_PAGE_SIZE]
    return render(request, "storefront/dev_outbox.html", {"emails": emails})
