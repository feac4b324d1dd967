"""The language of a request is chosen as Django's LocaleMiddleware chooses it (storefront.language skips
only the look for a language prefix in paths, which the store's URLs never carry)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import RequestFactory
from django.urls import path
from django.utils import translation
from django.utils.translation import get_language

from storefront.language import LocaleMiddleware


def _answer(middleware_class, request):
    with translation.override(None):
        response = middleware_class(lambda r: HttpResponse(r.LANGUAGE_CODE))(request)
    return response.content.decode(), response.get("Content-Language"), response.get("Vary")


REQUESTS = [
    {},
    {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"},
    {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"},
    {"HTTP_ACCEPT_LANGUAGE": "fr, es;q=0.3"},
    {"HTTP_ACCEPT_LANGUAGE": "*"},
    {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=es", "HTTP_ACCEPT_LANGUAGE": "en"},
    {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=de", "HTTP_ACCEPT_LANGUAGE": "es"},
]


@pytest.mark.parametrize("headers", REQUESTS)
@pytest.mark.parametrize("where", ["/catalog/", "/es/catalog/", "/"])
def test_the_language_content_language_and_vary_are_djangos(headers, where):
    rf = RequestFactory()
    assert _answer(LocaleMiddleware, rf.get(where, **headers)) == _answer(DjangoLocaleMiddleware, rf.get(where, **headers))


def test_a_spanish_browser_reads_the_store_in_spanish(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]


def test_with_language_prefixed_urls_djangos_middleware_decides(rf, settings):
    from django.conf.urls.i18n import i18n_patterns, is_language_prefix_patterns_used

    module = type(translation)("prefixed_urls")
    module.urlpatterns = i18n_patterns(path("catalog/", lambda request: HttpResponse(get_language())))
    request = rf.get("/es/catalog/", HTTP_ACCEPT_LANGUAGE="en")
    request.urlconf = module
    try:
        assert _answer(LocaleMiddleware, request)[:2] == ("es", "es")
    finally:
        is_language_prefix_patterns_used.cache_clear()
