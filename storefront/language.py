"""The language of each request: Django's LocaleMiddleware, without looking in a path that cannot name one.

Django's middleware looks for a language prefix in every request's path, twice (on the way in and on
the way out), whether or not the URLconf has language-prefixed URLs (i18n_patterns); in a path without
one ("/catalog/...") each look raises and catches two exceptions: ~0.03 ms of every page, a third of
what the middleware costs. The store's URLs carry no language prefix: the language is chosen from
the visitor's cookie (Django's set_language) or the browser's Accept-Language, exactly as Django's
middleware chooses it there. A URLconf with i18n_patterns goes through Django's middleware whole.
"""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _prefixed_urls(request: HttpRequest) -> bool:
    """Whether the request's URLconf has language-prefixed URLs (Django caches the answer per URLconf)."""
    prefixed, _default_prefixed = is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))
    return prefixed


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware; where the URLs carry no language, the path is not looked at."""

    def process_request(self, request: HttpRequest) -> None:
        if _prefixed_urls(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        return None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if _prefixed_urls(request):
            return super().process_response(request, response)
        # The answer depends on the browser's languages (unless the language cookie decides).
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
