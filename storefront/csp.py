"""The Content-Security-Policy header, built once from the settings instead of once a response.

django-csp's middleware builds the header from CONTENT_SECURITY_POLICY on every response (a deep copy
of the directives, then each one joined): ~0.08 ms a page. The store's policy changes only with the
settings, and from one response to the next only by its nonce, so it is built once and the response's
nonce put in. A response with a policy of its own (django-csp's decorators: csp_update, csp_replace,
csp_exempt ...) and a report-only policy take django-csp's own way, as do the debug pages it exempts.
"""

from __future__ import annotations

import http.client

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# What the decorators of csp.decorators set on a response to change its policy.
_OWN_POLICY = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)
_DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
# Stands for the nonce in the policy built once; no nonce (base64) holds these characters.
_NONCE_MARK = "\x00nonce\x00"


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's CSPMiddleware (request.csp_nonce, the same header), with the policy built once."""

    _built_from: object = None
    _built: tuple[str, str, tuple[str, ...]] = ("", "", ())

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or any(getattr(response, name, None) is not None for name in _OWN_POLICY)
            or (settings.DEBUG and response.status_code in _DEBUG_EXEMPT)
        ):
            return super().process_response(request, response)
        with_nonce, without_nonce, excluded = self._policy()
        nonce = getattr(request, "_csp_nonce", None)
        policy = with_nonce.replace(_NONCE_MARK, nonce) if nonce else without_nonce
        if policy and HEADER not in response and not request.path_info.startswith(excluded):
            response[HEADER] = policy
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is written could not be in it.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _policy(self) -> tuple[str, str, tuple[str, ...]]:
        """The header with the nonce's mark, the header without a nonce, and the paths left without it."""
        source = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if source is not self._built_from:  # first use, or the settings changed (a test's override)
            excluded = tuple((source or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            self._built = (build_policy(nonce=_NONCE_MARK), build_policy(), excluded)
            self._built_from = source
        return self._built
