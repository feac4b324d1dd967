"""The production settings, read in a fresh interpreter the way production starts (DEBUG off, a real
key and hosts from the environment): sessions in the database, cookies Secure, HttpOnly and SameSite,
and an enforced Content Security Policy with nonces and nothing unsafe."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware

from storefront.csp import CSPMiddleware
from tests.storefront.production import ROOT, production_env

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "SESSION_ENGINE", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE", "SECURE_CONTENT_TYPE_NOSNIFF", "MIDDLEWARE",
)} | {"CSP": {k: [str(v) for v in vs] for k, vs in s.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()},
      "CSP_REPORT_ONLY": getattr(s, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)}))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sessions_live_in_the_database_behind_the_cache(production):
    # cached_db: read from the cache, written through to the database; a cache restart signs nobody out.
    assert production["DEBUG"] is False
    assert production["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize("cookie", ["SESSION", "CSRF", "LANGUAGE"])
def test_every_cookie_is_secure_httponly_and_samesite(production, cookie):
    assert production[f"{cookie}_COOKIE_SECURE"] is True
    assert production[f"{cookie}_COOKIE_HTTPONLY"] is True
    assert production[f"{cookie}_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_the_policy_is_enforced_with_nonces_and_nothing_unsafe(production):
    csp = production["CSP"]
    assert production["CSP_REPORT_ONLY"] is None
    # django-csp's middleware, its policy built once (storefront.csp).
    assert "storefront.csp.CSPMiddleware" in production["MIDDLEWARE"]
    assert issubclass(CSPMiddleware, DjangoCSPMiddleware)
    assert csp["script-src"] == ["'self'", "csp.constants.NONCE"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    for values in csp.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(values)
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
