"""The benchmark's URLconf: the store's URLs unchanged, plus the hello view that is baseline H."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from storefront.urls import urlpatterns as store_urlpatterns


@require_POST
def hello(request: HttpRequest) -> HttpResponse:
    """H: nothing but the middleware stack (session, CSRF, user, contact) around an empty answer."""
    return HttpResponse("Hello")


urlpatterns = [path("bench/hello/", hello, name="bench-hello"), *store_urlpatterns]
