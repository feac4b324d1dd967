"""What the heavy scenarios share: imports, constants, the Result maker and the bench's own customers."""

from __future__ import annotations

import csv
import io
import itertools
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bench.harness import Result, bootstrap_ratio, interleave, peak_mb

NAMES = (
    "order-place-1", "order-place-8", "order-place-32",
    "xlsx-100k", "xlsx-1m", "xlsx-memory",
    "csv-stream", "csv-first-byte",
    "pdf-30", "pdf-100", "pdf-300", "pdf-300-vs-30",
    "celery-overhead", "celery-overhead-default",
)
RESELLERS = (1, 8, 32)
POOL = 16  # products the resellers' carts draw from, so their stock rows are contended
LINES_PER_CART = 4
CELERY_REDIS_DB = 7
STAMP_TASK = "bench.heavy.stamp"
STAMP_KEY = "bench:heavy:stamp"
FIRST_BYTE_BUDGET_MS = 200.0
# A 100,000-row file takes tens of seconds on each side: fewer samples than the rest, said in the notes.
# This run's mark on what it creates (customer codes, user names): six hex digits of the clock.
RUN = f"{int(time.time() * 1000) % 36**6:x}"[-6:]
XLSX_SAMPLES = {100_000: 10, 1_000_000: 3}



def _result(name: str, *, tier: str, target_ns: list[float], base_ns: list[float], goal: float, label: str,
            notes: str = "", peak: float | None = None, paired: bool = True) -> Result:
    """`paired`: the samples were taken in pairs, back to back (interleave); else the sides are compared whole."""
    ratio, low, high = bootstrap_ratio(target_ns, base_ns, paired=paired)
    return Result(name=name, tier=tier, ratio=ratio, ci_low=low, ci_high=high, goal=goal, baseline=label,
                  median_ms=statistics.median(target_ns) / 1e6, baseline_ms=statistics.median(base_ns) / 1e6,
                  peak_mb=peak, samples=len(target_ns), notes=notes)


# --- the bench's own customers, on the tier's catalogue ------------------------------------------


@dataclass
class Fixture:
    """The tier's first base price list, its currency and country, and products priced and stocked there."""

    price_list_id: int
    currency: str
    country: str
    shipment: str
    products: list
    scarce: object
    prices: dict[int, Decimal]


def fixture() -> Fixture:
    from accounts.models import Account
    from catalog.models import Price, PriceList, Product
    from orders.shipping import shipment_types_for

    price_list = (PriceList.objects.filter(base__isnull=True, currency="MXN").order_by("pk").first()
                  or PriceList.objects.filter(base__isnull=True).order_by("pk").first())
    country = Account.objects.filter(currency=price_list.currency).order_by("pk").values_list("country", flat=True).first()
    products = list(
        Product.objects.filter(is_active=True, prices__price_list=price_list, stock__warehouse__country=country, licensing__isnull=True)
        .distinct().order_by("pk")[: POOL + 1]
    )
    if len(products) < POOL + 1:
        raise RuntimeError(f"the tier has only {len(products)} products priced and stocked in {country}")
    prices = dict(Price.objects.filter(price_list=price_list, product__in=products).values_list("product_id", "amount"))
    return Fixture(price_list_id=price_list.pk, currency=price_list.currency, country=country,
                   shipment=shipment_types_for(country)[0][0], products=products[:POOL], scarce=products[POOL], prices=prices)


def make_accounts(fx: Fixture, *, tag: str, limits: list[Decimal]) -> list:
    """Accounts of the bench (customer code BH...; the tier's own are RS-...), one per credit limit."""
    from accounts.models import Account

    return Account.objects.bulk_create(
        Account(customer_code=f"BH{RUN}{tag}-{n}"[:20], company_name=f"Bench heavy {tag} {n}", tax_id="BH", country=fx.country,
                currency=fx.currency, credit_limit=limit, price_list_id=fx.price_list_id)
        for n, limit in enumerate(limits)
    )


def make_buyers(*, tag: str, accounts: list, carts: list[list[tuple[object, int]]]) -> list:
    """One ordering contact per cart, on the accounts in turn, each with that cart already filled."""
    from accounts.models import Contact, User
    from orders.models import Cart, CartLine

    users = User.objects.bulk_create(
        User(username=f"bh-{RUN}{tag}-{n}", email=f"bh-{RUN}{tag}-{n}@bench.test", password="!") for n in range(len(carts))
    )
    contacts = Contact.objects.bulk_create(
        Contact(user=user, account=accounts[n % len(accounts)], can_order=True, can_quote=True, can_see_prices=True,
                state=Contact.State.ACTIVE)
        for n, user in enumerate(users)
    )
    made = Cart.objects.bulk_create(Cart(contact=contact) for contact in contacts)
    CartLine.objects.bulk_create(
        CartLine(cart=cart, product=product, quantity=quantity) for cart, lines in zip(made, carts) for product, quantity in lines
    )
    # As a request has it: the contact with its user, account and price list already loaded.
    by_pk = Contact.objects.select_related("user", "account__price_list").in_bulk([c.pk for c in contacts])
    return [by_pk[c.pk] for c in contacts]


def cart_for(fx: Fixture, n: int) -> list[tuple[object, int]]:
    return [(fx.products[(n + 4 * j) % POOL], 1 + (n + j) % 3) for j in range(LINES_PER_CART)]


def bench_contact():
    """A contact of a bench account who may see prices, quote and order (made once per run)."""
    from accounts.models import Contact

    contact = Contact.objects.filter(account__customer_code=f"BH{RUN}prices-0").select_related("user", "account__price_list").first()
    if contact is None:
        fx = fixture()
        contact = make_buyers(tag="prices", accounts=make_accounts(fx, tag="prices", limits=[Decimal(0)]), carts=[[]])[0]
    return contact


def cleanup() -> None:
    """Delete what this run made (its accounts, their people, orders, quotes and emails); the tier stays as built.

    Only this process's own objects (customer codes BH<RUN>...), so two runs on one database do not
    delete each other's data mid-measurement."""
    from accounts.models import Account, User
    from orders.models import Order
    from quotes.models import Quote
    from storefront.models import OutboundEmail

    accounts = Account.objects.filter(customer_code__startswith=f"BH{RUN}")
    Order.objects.filter(account__in=accounts).delete()
    Quote.objects.filter(account__in=accounts).delete()
    User.objects.filter(contact__account__in=accounts).delete()
    accounts.delete()
    OutboundEmail.objects.filter(to__startswith=f"bh-{RUN}", to__endswith="@bench.test").delete()


