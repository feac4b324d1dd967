"""The store's pages, in-process through django.test.Client, each against its floor measured in the same run.

T + R: T renders the page's own template from its context fetched once beforehand (every queryset
already evaluated), R replays the page's SQL, captured once, on the raw DB-API cursor. What the page
costs beyond T + R is the framework: the request, middleware, forms, ORM query building and model
instances. H: a hello view behind the same middleware with the same POST, CSRF token and session.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.paginator import Page
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.backends.django import Template as BackendTemplate
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from bench.harness import Result, compare

GOALS = {"listing": 1.25, "search": 1.2, "product": 1.2, "cart_add": 3.0, "sign_in": 1.05, "search_scan": 1 / 50}
SIGN_IN_ALLOWANCE_NS = 5_000_000  # "the bare password hash + 5 ms"


class BenchSetupError(Exception):
    """The tier's data lacks what a scenario needs."""


@dataclass
class Floor:
    """T and R of one page, and what was seen capturing them."""

    render: Callable[[], object]
    replay: Callable[[], object]
    queries: int
    status: int

    def both(self) -> None:
        self.render()
        self.replay()


def _materialize(value: object) -> None:
    """Evaluate what a context holds lazily, so that T renders from memory."""
    if isinstance(value, Page):
        if isinstance(value.object_list, QuerySet):
            value.object_list = list(value.object_list)
        value.paginator.count  # noqa: B018 - a cached property: the COUNT runs here, once
    elif isinstance(value, QuerySet):
        value._fetch_all()


def floor(client: Client, url: str, **extra) -> Floor:
    """Request `url` once, capturing its outermost template render (template, context, request) and its SQL."""
    seen: list[tuple[BackendTemplate, dict, object]] = []
    original = BackendTemplate.render

    def recording(self, context=None, request=None):
        if not seen:
            seen.append((self, dict(context or {}), request))
        return original(self, context, request)

    BackendTemplate.render = recording
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **extra)
    finally:
        BackendTemplate.render = original
    if not seen:
        raise BenchSetupError(f"{url} rendered no template (status {response.status_code}).")
    template, context, request = seen[0]
    for value in context.values():
        _materialize(value)
    statements = [q["sql"] for q in captured.captured_queries]

    def render() -> None:
        template.render(context, request)

    def replay() -> None:
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
        finally:
            cursor.close()

    # T must not touch the database; if the template still queries, the report says so.
    render()
    with CaptureQueriesContext(connection) as in_render:
        render()
    if in_render.captured_queries:
        raise BenchSetupError(f"{url}: the template ran {len(in_render.captured_queries)} queries rendering from memory.")
    replay()
    return Floor(render=render, replay=replay, queries=len(statements), status=response.status_code)


# --- what the scenarios use from the tier's data -------------------------------------------------


def _reseller():
    """An administrator of a Mexican reseller buying from a partner list (own price over base price)."""
    from accounts.models import Contact

    contact = (
        Contact.objects.select_related("user", "account__price_list")
        .filter(account__customer_code__startswith="RS-", account__country="MX", account__price_list__base__isnull=False, is_admin=True)
        .order_by("account__customer_code")
        .first()
    )
    if contact is None:
        raise BenchSetupError("No seeded reseller in Mexico with a derived price list: build the tier (seed_accounts).")
    return contact


def _busiest_category():
    from django.db.models import Count

    from catalog.models import Category

    return (
        Category.objects.filter(parent__isnull=True)
        .annotate(n=Count("children__products"))
        .order_by("-n", "pk")
        .first()
    )


def search_terms() -> tuple[tuple[str, int], tuple[str, int]]:
    """(selective term, matches), (broad term, matches): chosen from the catalog's own words."""
    from catalog.models import Product

    total = Product.objects.filter(is_active=True).count()
    words: Counter[str] = Counter()
    sample = Product.objects.filter(is_active=True).order_by("pk").values_list("search_text", flat=True)[:3000]
    for text in sample:
        words.update({w for w in re.findall(r"[a-z]{4,}", text)})
    size = min(total, 3000)
    broad = max(words, key=lambda w: (words[w], w))
    # A model line or brand that a reseller would type: about one product in 300.
    target = max(2.0, size / 300)
    selective = min((w for w in words if len(w) >= 5), key=lambda w: (abs(words[w] - target), w))

    def count(term: str) -> int:
        return Product.objects.filter(is_active=True, search_text__contains=term).count()

    return (selective, count(selective)), (broad, count(broad))


def _orderable_product(contact):
    from catalog.selectors import Pricing, product_listing, Scope, Filters

    pricing = Pricing.for_contact(contact)
    listing = product_listing(scope=Scope(kind="all"), filters=Filters(in_stock=True), pricing=pricing)
    product = listing.filter(price__isnull=False, licensing_program__isnull=True).order_by("pk").first()
    if product is None:
        raise BenchSetupError("No product in stock with a price for the bench reseller.")
    return product


def _signed_in(contact, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(contact.user)
    return client


# --- the scenarios ------------------------------------------------------------------------------


def _page(name: str, *, tier: str, samples: int, client: Client, url: str, goal: float, notes: str = "", **extra) -> Result:
    for _ in range(2):  # caches (the category tree, templates) warm before anything is captured
        client.get(url, **extra)
    page_floor = floor(client, url, **extra)
    if page_floor.status != 200:
        raise BenchSetupError(f"{url} answered {page_floor.status}.")

    def target() -> None:
        response = client.get(url, **extra)
        if response.status_code != 200:
            raise BenchSetupError(f"{url} answered {response.status_code}.")

    detail = f"{page_floor.queries} queries"
    return compare(
        name, tier=tier, target=target, baseline=page_floor.both, goal=goal, baseline_label="T + R", samples=samples,
        notes=f"{notes}; {detail}" if notes else detail,
    )


def listing(tier: str, samples: int, contact) -> Result:
    category = _busiest_category()
    query = urlencode({"stock": "on"})
    url = f"{reverse('catalog:category', args=[category.slug])}?{query}"
    return _page(
        "catalog listing (48, account prices, in-stock filter)", tier=tier, samples=samples, client=_signed_in(contact),
        url=url, goal=GOALS["listing"], notes=f"{category.name}",
    )


def search(tier: str, samples: int, contact) -> list[Result]:
    (selective, few), (broad, many) = search_terms()
    client = _signed_in(contact)
    results = []
    for kind, term, matches in (("selective", selective, few), ("broad", broad, many)):
        url = f"{reverse('catalog:search')}?{urlencode({'q': term})}"
        results.append(
            _page(
                f"search, {kind} term", tier=tier, samples=samples, client=client, url=url, goal=GOALS["search"],
                notes=f"“{term}”: {matches} matches",
            )
        )
    return results


def search_against_scan(tier: str, samples: int, contact) -> list[Result]:
    """PostgreSQL: the search page's SQL (R: every statement the page runs, replayed on a raw cursor)
    against a plain ILIKE '%term%' scan of the same products (page of 48 and count).

    Both sides are the database's work for one page of results, which is what the goal compares; what
    the page adds to its SQL (the template, the middleware) is the "search, ... term" scenarios' own
    ratio against T + R.
    """
    if connection.vendor != "postgresql":
        return []
    (selective, few), (broad, many) = search_terms()
    client = _signed_in(contact)
    results = []
    for kind, term in (("selective", selective), ("broad", broad)):
        url = f"{reverse('catalog:search')}?{urlencode({'q': term})}"
        client.get(url)
        page = floor(client, url).replay

        def scan() -> None:
            # A plain scan, as the goal means it: without this the planner answers ILIKE from the
            # store's own trigram index, and the baseline would be the store's index, not a scan.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
                pattern = f"%{term}%"
                cursor.execute(
                    "SELECT id, name FROM catalog_product WHERE is_active AND search_text ILIKE %s ORDER BY name, id LIMIT 48",
                    [pattern],
                )
                cursor.fetchall()
                cursor.execute("SELECT count(*) FROM catalog_product WHERE is_active AND search_text ILIKE %s", [pattern])
                cursor.fetchall()

        results.append(
            compare(
                f"search, {kind} term, against ILIKE scan", tier=tier, target=page, baseline=scan, goal=GOALS["search_scan"],
                baseline_label="ILIKE '%term%' scan", samples=samples,
                notes="goal: 50 x faster (ratio at most 0.02); meaningful at XL; target: the page's SQL (R)",
            )
        )
    return results


def product_page(tier: str, samples: int, contact) -> Result:
    product = _orderable_product(contact)
    url = reverse("catalog:product-detail", args=[product.sku])
    return _page("product page", tier=tier, samples=samples, client=_signed_in(contact), url=url, goal=GOALS["product"])


def cart_add(tier: str, samples: int, contact) -> Result:
    product = _orderable_product(contact)
    client = _signed_in(contact, csrf=True)
    client.get(reverse("catalog:product-detail", args=[product.sku]))  # sets the CSRF cookie
    if settings.CSRF_COOKIE_NAME not in client.cookies:
        raise BenchSetupError("The product page set no CSRF cookie.")
    add_url, hello_url = reverse("orders:cart-add"), reverse("bench-hello")
    form = {"product": str(product.pk), "quantity": "1"}

    def post(url: str) -> Callable[[], None]:
        def call() -> None:
            token = client.cookies[settings.CSRF_COOKIE_NAME].value
            response = client.post(url, form, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
            if response.status_code != 200:
                raise BenchSetupError(f"POST {url} answered {response.status_code}.")
        return call

    post(add_url)()  # the first add of a run makes the contact's cart: counted apart from the steady state
    with CaptureQueriesContext(connection) as captured:
        post(add_url)()
    return compare(
        "add to cart (htmx)", tier=tier, target=post(add_url), baseline=post(hello_url), goal=GOALS["cart_add"],
        baseline_label="H", samples=samples, notes=f"{len(captured.captured_queries)} queries",
    )


def sign_in(tier: str, samples: int, contact) -> Result:
    from accounts.management.commands.seed_accounts import SEED_PASSWORD

    user = contact.user
    if not check_password(SEED_PASSWORD, user.password):
        raise BenchSetupError("The bench reseller's password is not the seed password.")
    client = Client(enforce_csrf_checks=True)
    login_url = reverse("account_login")
    client.get(login_url)
    # allauth limits sign-ins per address: each one comes from another (made-up) address.
    addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))

    def target() -> None:
        client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        response = client.post(
            login_url, {"login": user.username, "password": SEED_PASSWORD, "csrfmiddlewaretoken": token}, REMOTE_ADDR=next(addresses)
        )
        if response.status_code != 302:
            raise BenchSetupError(f"Signing in answered {response.status_code}.")

    encoded = user.password

    def baseline() -> None:
        start = time.perf_counter_ns()
        check_password(SEED_PASSWORD, encoded)
        # The 5 ms allowance, spent exactly (a sleep overshoots by a scheduler tick).
        end = start + SIGN_IN_ALLOWANCE_NS + (time.perf_counter_ns() - start)
        while time.perf_counter_ns() < end:
            pass

    return compare(
        "sign-in", tier=tier, target=target, baseline=baseline, goal=GOALS["sign_in"], baseline_label="password hash + 5 ms",
        samples=samples, warmup=2,
    )


SCENARIOS = {
    "listing": listing,
    "search": search,
    "search_scan": search_against_scan,
    "product": product_page,
    "cart_add": cart_add,
    "sign_in": sign_in,
}


def run(tier: str, samples: int, only: set[str] | None = None) -> list[Result]:
    """Every page scenario (or those in `only`, by key or name prefix), with the bench's URLconf."""
    results: list[Result] = []
    with override_settings(ROOT_URLCONF="bench.urls"):
        contact = _reseller()
        for key, scenario in SCENARIOS.items():
            if only and key not in only and not any(key.startswith(name) for name in only):
                continue
            print(f"  {key} ...", flush=True)
            found = scenario(tier, samples, contact)
            results += found if isinstance(found, list) else [found]
    return results
