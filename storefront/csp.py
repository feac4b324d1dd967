"""The Content-Security-Policy header, built once from the settings instead of once a response.

django-csp's middleware builds the header from CONTENT_SECURITY_POLICY on every response (a deep copy
of the directives, then each one joined): ~0.08 ms a page. The store's policy changes only with the
settings, and from one response to the next only by its nonce, so it is built once and the response's
nonce put in. A response with a policy of its own (django-csp's decorators: csp_update, csp_replace,
csp_exempt ...) and a report-only policy take django-csp's own way, as do the debug pages it exempts.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# What the decorators of csp.decorators set on a response to change its policy.
_OWN_POLICY = frozenset({
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
})
_DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
# Stands for the nonce in the policy built once; no nonce (base64) holds these characters.
_NONCE_MARK = "\x00nonce\x00"


@dataclass(frozen=True)
class _Policy:
    """What the settings say, read once: the header with the nonce's mark and without a nonce, the paths
    left without it, and whether django-csp's own way is needed (a report-only policy, DEBUG's pages)."""

    source: object  # the CONTENT_SECURITY_POLICY it was built from
    with_nonce: str
    without_nonce: str
    excluded: tuple[str, ...]
    report_only: bool
    debug: bool


_policy: _Policy | None = None


def _read_policy() -> _Policy:
    """The policy, built again only when CONTENT_SECURITY_POLICY is another object (a test's override)
    or another setting it reads changed (_forget_policy)."""
    global _policy
    source = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if _policy is None or _policy.source is not source:
        _policy = _Policy(
            source=source,
            with_nonce=build_policy(nonce=_NONCE_MARK),
            without_nonce=build_policy(),
            excluded=tuple((source or {}).get("EXCLUDE_URL_PREFIXES", None) or ()),
            report_only=bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
            debug=settings.DEBUG,
        )
    return _policy


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs: object) -> None:
    global _policy
    if setting in ("CONTENT_SECURITY_POLICY_REPORT_ONLY", "DEBUG"):
        _policy = None


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's CSPMiddleware (request.csp_nonce, the same header), with the policy built once."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        policy = _read_policy()
        if (
            policy.report_only
            or not _OWN_POLICY.isdisjoint(vars(response))
            or (policy.debug and response.status_code in _DEBUG_EXEMPT)
        ):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        header = policy.with_nonce.replace(_NONCE_MARK, nonce) if nonce else policy.without_nonce
        if header and HEADER not in response and not request.path_info.startswith(policy.excluded):
            response[HEADER] = header
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is written could not be in it.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
