"""The Content Security Policy, walked: every page a visitor, a contact and the back office can reach by
following links answers with the enforced policy, and holds no script the policy would have to trust
blindly (no inline script without the response's nonce, no event handler or hx-on attribute, no style
attribute, no javascript: URL). The walk prints how many pages each persona reached.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from quotes.models import Quote
from tests.licensing.conftest import place_vl, vl_catalog  # noqa: F401 (a fixture)
from tests.quotes.factories import make_customer, make_quote
from tests.rma.conftest import place_order

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
# Links the walker does not follow: they sign out, change state by GET on purpose, or are files.
SKIP = re.compile(r"logout|/static/|/media/|/download|\.pdf$|\.xlsx$|\.csv$|/backoffice/r/|/jsi18n/|/i18n/")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class PageAudit(HTMLParser):
    """The links of a page and whatever in it a strict policy forbids."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.links: list[str] = []
        self.problems: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"<{tag} {name}=...> hx-on")
            if name == "style":
                self.problems.append(f"<{tag} style=...> style attribute")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "script":
            self._script, self._script_text = attributes, ""
            if "nonce" in attributes and attributes["nonce"] != self.nonce:
                self.problems.append(f"<script nonce={attributes['nonce']!r}> not the response's nonce")
        if tag == "style":
            self.problems.append("<style> element")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            script, self._script = self._script, None
            is_data = (script.get("type") or "").lower() in DATA_SCRIPT_TYPES
            if not script.get("src") and self._script_text.strip() and not is_data and script.get("nonce") != self.nonce:
                self.problems.append(f"inline <script> without the nonce: {self._script_text.strip()[:60]!r}")


def walk(client: Client, starts: list[str]) -> tuple[int, dict[str, list[str]]]:
    """Pages reached from `starts` by same-site links, and the problems of each page that has any."""
    queue, seen, problems, pages = deque(starts), set(starts), {}, 0
    while queue and pages < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"]).path
            if target not in seen and not SKIP.search(target):
                seen.add(target)
                queue.append(target)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        page_problems = []
        policy = response.get("Content-Security-Policy")
        if not policy:
            page_problems.append("no enforced Content-Security-Policy header")
        if response.has_header("Content-Security-Policy-Report-Only"):
            page_problems.append("a report-only policy")
        directives = _directives(policy or "")
        for directive in ("script-src", "style-src"):
            if {"'unsafe-inline'", "'unsafe-eval'"} & set(directives.get(directive, [])):
                page_problems.append(f"{directive} allows unsafe sources")
        nonces = [value[len("'nonce-") : -1] for value in directives.get("script-src", []) if value.startswith("'nonce-")]
        audit = PageAudit(nonces[0] if nonces else None)
        audit.feed(response.content.decode())
        if "<script" in response.content.decode() and not nonces:
            page_problems.append("scripts but no nonce in the policy")
        page_problems += audit.problems
        if page_problems:
            problems[path] = page_problems
        for href in audit.links:
            split = urlsplit(urljoin(path, href))
            if split.scheme in ("", "http") and split.netloc in ("", "testserver") and split.path and not SKIP.search(split.path):
                if split.path not in seen:
                    seen.add(split.path)
                    queue.append(split.path)
    return pages, problems


@pytest.fixture
def store_data(admin_contact, stocked, back_office, vl_catalog, settings, tmp_path):
    """Something on every page: a delivered order, a quote with a customer, a licensing order the back office can move."""
    settings.MEDIA_ROOT = tmp_path
    place_order(admin_contact, items=[(stocked["thinkpad"], 1)], key="c" * 32, back_office=back_office)
    admin_contact.can_license = True
    admin_contact.save(update_fields=["can_license"])
    place_vl(admin_contact, items=[(vl_catalog["office"], 10, None)])
    customer = make_customer(admin_contact.account)
    make_quote(admin_contact, lines=[(stocked["monitor"], "100.00", 1)], customer=customer)
    return Quote.objects.get()


def test_signed_out_pages_have_an_enforced_policy_and_no_inline_script(client):
    pages, problems = walk(client, ["/"])
    print(f"\nCSP walk, signed out: {pages} pages")
    assert pages >= 10
    assert problems == {}


def test_contact_pages_have_an_enforced_policy_and_no_inline_script(admin_contact_client, store_data):
    pages, problems = walk(admin_contact_client, ["/"])
    print(f"\nCSP walk, account administrator: {pages} pages")
    assert pages >= 20
    assert problems == {}


def test_back_office_pages_have_an_enforced_policy_and_no_inline_script(client, back_office, store_data):
    client.force_login(back_office)
    pages, problems = walk(client, [reverse("admin:index")])
    print(f"\nCSP walk, back office: {pages} pages")
    assert pages >= 30
    assert problems == {}


def test_a_page_names_in_its_policy_the_nonce_its_scripts_carry(client):
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    # A fresh one for each response.
    assert nonce not in client.get("/")["Content-Security-Policy"]


def test_the_audit_catches_what_the_policy_forbids():
    audit = PageAudit("n0nce")
    audit.feed(
        '<script>alert(1)</script><script nonce="n0nce">ok()</script><script src="/static/x.js"></script>'
        '<a href="javascript:alert(1)" onclick="x()">a</a><div style="color:red" hx-on:click="y()"></div>'
        '<script type="application/json">{"a": 1}</script><script nonce="other">z()</script><style>p{}</style>'
    )
    assert len(audit.problems) == 8, audit.problems


def _directive_sets(policy: str) -> dict[str, set[str]]:
    return {name: set(values) for name, values in _directives(policy).items()}


def test_the_header_built_once_is_django_csps_for_the_responses_nonce(client):
    from csp.utils import build_policy

    response = client.get("/")
    nonce = response.wsgi_request._csp_nonce
    assert response["Content-Security-Policy"] == build_policy(nonce=nonce)


def test_a_page_without_a_nonce_has_the_policy_without_one(rf):
    from csp.utils import build_policy
    from django.http import HttpResponse

    from storefront.csp import CSPMiddleware

    request = rf.get("/")
    response = CSPMiddleware(lambda r: HttpResponse("no script"))(request)
    assert response["Content-Security-Policy"] == build_policy()
    assert "nonce" not in response["Content-Security-Policy"]


def test_the_policy_follows_the_settings(client, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"], "script-src": ["'self'"]}}
    assert _directive_sets(client.get("/")["Content-Security-Policy"]) == {"default-src": {"'none'"}, "script-src": {"'self'"}}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}, "EXCLUDE_URL_PREFIXES": ["/help/"]}
    assert "Content-Security-Policy" not in client.get("/help/")
    del settings.CONTENT_SECURITY_POLICY
    assert "Content-Security-Policy" not in client.get("/")


def test_a_view_with_a_policy_of_its_own_keeps_it(rf):
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    from storefront.csp import CSPMiddleware

    @csp_update({"img-src": "https://images.example"})
    def updated(request):
        return HttpResponse("")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("")

    policy = CSPMiddleware(updated)(rf.get("/"))["Content-Security-Policy"]
    assert _directive_sets(policy)["img-src"] == {"'self'", "data:", "https://images.example"}
    assert "Content-Security-Policy" not in CSPMiddleware(exempt)(rf.get("/"))


def test_a_report_only_policy_and_debugs_pages_take_django_csps_way(client, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"}}
    response = client.get("/")
    assert "Content-Security-Policy" in response
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'; report-uri /csp-report/"
    del settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    settings.DEBUG = False
    assert "Content-Security-Policy" in client.get("/no-such-page/")
