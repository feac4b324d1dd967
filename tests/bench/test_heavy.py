"""The heavy benchmark's correctness ledgers, on a tiny catalogue: they pass when orders and stock
agree, and they catch a doubled order, an oversell and a credit overrun when those happen."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Account
from bench.scenarios.heavy import common
from bench.scenarios.heavy import orders as placing
from catalog.models import Stock
from catalog.services import availability_refresh
from orders.models import Order
from orders.services import OrderError
from storefront.models import OutboundEmail
from tests.catalog.factories import PriceFactory, ProductFactory, StockFactory, WarehouseFactory
from tests.orders.test_concurrency import threads_database

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bench_catalogue(account, price_lists):
    """POOL + 1 products priced on the base list, 50 units each in a Mexican warehouse."""
    warehouse = WarehouseFactory(code="MX-BENCH", country="MX")
    products = []
    for n in range(common.POOL + 1):
        product = ProductFactory(sku=f"BENCH-{n:02d}")
        PriceFactory(price_list=price_lists["base"], product=product, amount=Decimal("10.00") + n)
        StockFactory(product=product, warehouse=warehouse, quantity=50)
        products.append(product)
    availability_refresh(product_ids=[p.pk for p in products])
    return products


def _in_a_thread(call):
    """Run the whole scenario off this thread, so on SQLite its setup, its workers and its ledger all
    use the file copy of the in-memory test database (see threads_database)."""
    out = {}

    def run() -> None:
        try:
            out["result"] = call()
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            out["error"] = exc
        finally:
            connection.close()

    with threads_database():
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=120)
    if "error" in out:
        raise out["error"]
    return out["result"]


def _place_both(fx, tag: str, limit: Decimal = Decimal("100000.00")):
    accounts = common.make_accounts(fx, tag=tag, limits=[limit, limit])
    buyers = common.make_buyers(tag=tag, accounts=accounts, carts=[common.cart_for(fx, 0), common.cart_for(fx, 0)])
    return accounts, buyers


def test_the_hand_written_orders_make_the_same_writes_as_order_place(bench_catalogue, monkeypatch):
    # Given two contacts of two bench accounts with the same cart
    fx = common.fixture()
    accounts, (store_buyer, sql_buyer) = _place_both(fx, "same")
    before = placing._stock([p.pk for p in fx.products])
    queued: list[int] = []
    monkeypatch.setattr("storefront.tasks.email_send.delay", queued.append)

    # When one places it through the store and the other through the hand-written SQL
    with placing.queued_tasks():
        store_order = placing.store_place(fx, store_buyer, "k-store")()
        placing.sql_place(fx, sql_buyer, "k-sql")()

    # Then both orders have the same total, lines and credit, and took the same units
    sql_order = Order.objects.get(submission_key="k-sql")
    assert sql_order.total == store_order.total == sql_order.credit_taken
    assert sorted(sql_order.lines.values_list("product_id", "quantity", "line_total")) == sorted(
        store_order.lines.values_list("product_id", "quantity", "line_total")
    )
    assert [a.credit_used for a in Account.objects.filter(pk__in=[a.pk for a in accounts]).order_by("pk")] == [store_order.total] * 2
    ledger = placing.ledger_check(placing.Ledger(), outcomes=[("k-store", store_order), ("k-sql", "k-sql")], accounts=accounts, stock_before=before)
    assert (ledger.problems, ledger.errors, ledger.placed) == ([], [], 2)
    # and each wrote the order's email, with its number and lines, and queued its delivery after commit
    emails = [OutboundEmail.objects.get(to=buyer.user.email) for buyer in (store_buyer, sql_buyer)]
    for email, order in zip(emails, (store_order, sql_order)):
        assert order.number in email.subject and order.number in email.body_text and order.number in email.body_html
        assert all(sku in email.body_text and sku in email.body_html for sku in order.lines.values_list("sku", flat=True))
    assert queued == [email.pk for email in emails]


def test_orders_placed_at_once_pass_the_ledger_in_both_paths(bench_catalogue):
    # Given a tiny catalogue, when 4 resellers place orders at once for a few rounds (and a contention round)
    result = _in_a_thread(lambda: placing.orders_scenario(tier="test", resellers=4, samples=2, warmup=1))

    # Then no order is lost or doubled, no unit oversold, no credit overdrawn, nothing "locked"
    assert result.name == "order-place-4"
    assert "timed rounds ledger ok (24 submitted, 24 placed, 0 refused)" in result.notes, result.notes
    assert result.notes.count("ledger ok") == 3, result.notes
    assert "refused)" in result.notes and min(Stock.objects.values_list("quantity", flat=True)) >= 0


def test_the_ledger_catches_a_doubled_order_an_oversell_and_a_credit_overrun(bench_catalogue):
    fx = common.fixture()
    accounts, (buyer, _other) = _place_both(fx, "bad", limit=Decimal("1000.00"))
    before = placing._stock([p.pk for p in fx.products])
    with placing.queued_tasks():
        order = placing.store_place(fx, buyer, "k-1")()

    # Stock taken without an order, the credit pushed past its limit, and a refusal that left an order
    Stock.objects.filter(product=fx.products[0]).update(quantity=0)
    Account.objects.filter(pk=accounts[0].pk).update(credit_limit=Decimal("1.00"))
    outcomes = [("k-1", order), ("k-1", OrderError("no")), ("k-2", RuntimeError("database is locked"))]
    ledger = placing.ledger_check(placing.Ledger(), outcomes=outcomes, accounts=accounts, stock_before=before)

    problems = " | ".join(ledger.problems)
    assert "refused k-1 has an order" in problems
    assert f"product {fx.products[0].pk}: 50 taken" in problems
    assert "over 1.00" in problems
    assert '"database is locked"' in problems and ledger.errors == ["RuntimeError: database is locked"]
    assert ledger.text("x").startswith("x ledger FAILED")
