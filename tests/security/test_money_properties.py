"""Prices and totals come from the server only; amounts are whole numbers from 1 to 9999.

Hypothesis posts the cart, checkout and quote forms as a reseller could craft them: amounts negative,
huge, decimal, in other scripts' digits or not numbers at all, and fields the pages never show
(prices, totals, costs, credit). Whatever is posted, the page never fails, every amount stored is a
whole number in range, and every total is the sum of the server's price times the amount: for the
cart, for the order placed from it (and the credit it takes), and for the quote at the reseller's
profit under its rules (never below cost, at most 1000 %).

Each example runs in a savepoint rolled back afterwards, so examples do not see each other.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from accounts.models import Account
from catalog.selectors import Pricing, products_priced
from licensing.models import LicenceOrder
from orders.models import CartLine, Order
from orders.services import MAX_QUANTITY
from quotes import services as quote_services
from quotes.models import ProfitKind, Quote, QuoteLine
from quotes.pricing import MAX_PERCENT, profit_problem, quote_priced, selling_price
from storefront.money import money
from tests.licensing.conftest import vl_catalog  # noqa: F401 - the licensing products, a fixture

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Amounts as a crafted post could send them.
AWKWARD = ["", " ", "3 ", " 2", "1.5", "2.0", "1e3", "1E1", "٣", "３", "²", "1_0", "-0", "+5", "0x10", "0", "NaN", "Infinity", "-Infinity",
           "9999", "10000", "99999999999999999999", "1,000", "١٠", "5\x00", "½", "𝟘", "\u0661"]
amounts = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.integers(min_value=1, max_value=12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=6),
    st.sampled_from(AWKWARD),
)
# Fields no page shows, with values that would be a bargain if they were believed.
SMUGGLED = ["price", "unit_price", "price_seen", "total", "line_total", "amount", "cost", "currency", "credit_limit", "credit_used",
            "account", "discount", "credit_taken", "profit", "state", "placed_by"]
smuggled = st.dictionaries(st.sampled_from(SMUGGLED), st.sampled_from(["0", "0.01", "-1", "1e9", "NaN", "1", "USD"]), max_size=5)


class _Rollback(Exception):
    pass


def rolled_back(check):
    """Run `check` in a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            check()
            raise _Rollback
    except _Rollback:
        pass


def server_prices(contact, products) -> dict[int, Decimal]:
    priced = products_priced(product_ids=[p.pk for p in products], pricing=Pricing.for_contact(contact))
    return {pk: product.price for pk, product in priced.items()}


def whole_in_range(raw: str) -> int | None:
    """What the amount field may take the text for: a whole number from 1 to the maximum, or nothing."""
    try:
        # Django's IntegerField: stripped, a trailing ".0…" dropped, then Python's int().
        value = int(re.sub(r"\.0*\s*$", "", raw.strip())) if raw.strip() else None
    except ValueError:
        return None
    return value if value is not None and 1 <= value <= MAX_QUANTITY else None


def assert_cart_is_server_priced(contact, prices: dict[int, Decimal]) -> None:
    for line in CartLine.objects.filter(cart__contact=contact):
        assert isinstance(line.quantity, int) and 1 <= line.quantity <= MAX_QUANTITY, line.quantity
        assert line.price_seen == prices[line.product_id], (line.price_seen, prices[line.product_id])


@pytest.fixture
def buyer(contact, stocked):
    return contact


@pytest.fixture
def buyer_client(buyer) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(buyer.user)
    return client


# --- the cart -----------------------------------------------------------------------------------


@EXAMPLES
@given(quantity=amounts, extra=smuggled)
@example(quantity="-3", extra={"price": "0.01"})
@example(quantity="2", extra={"price": "0.01", "unit_price": "0", "total": "0"})
@example(quantity="1e3", extra={})
@example(quantity="٣", extra={})
@example(quantity="99999999999999999999", extra={})
def test_add_to_cart_keeps_whole_amounts_in_range_at_the_servers_price(buyer, buyer_client, stocked, quantity, extra):
    product = stocked["thinkpad"]
    prices = server_prices(buyer, stocked.values())

    def check():
        response = buyer_client.post(reverse("orders:cart-add"), {"product": product.pk, "quantity": quantity, **extra})
        assert response.status_code < 500
        line = CartLine.objects.filter(cart__contact=buyer, product=product).first()
        expected = whole_in_range(quantity)
        event("added" if line else "refused")
        if expected is None:
            assert line is None, f"{quantity!r} was taken as {line.quantity}"
        else:
            assert line is not None and line.quantity == expected
        assert_cart_is_server_priced(buyer, prices)

    rolled_back(check)


@EXAMPLES
@given(quantity=amounts, extra=smuggled)
@example(quantity="-1", extra={})
@example(quantity="0", extra={})
@example(quantity="1_0", extra={"price_seen": "0.01"})
@example(quantity="10000", extra={})
def test_updating_the_cart_keeps_whole_amounts_in_range(buyer, buyer_client, stocked, quantity, extra):
    from orders import services

    prices = server_prices(buyer, stocked.values())

    def check():
        line = services.cart_add(contact=buyer, product=stocked["latitude"], quantity=2)
        response = buyer_client.post(reverse("orders:cart-update"), {f"quantity-{line.pk}": quantity, **extra})
        assert response.status_code < 500
        after = CartLine.objects.filter(pk=line.pk).first()
        event("removed" if after is None else "changed" if after.quantity != 2 else "kept")
        # The line is gone (0), holds the new whole amount, or is left at 2: never anything else.
        assert after is None or after.quantity == 2 or after.quantity == whole_in_range(quantity)
        assert_cart_is_server_priced(buyer, prices)

    rolled_back(check)


@EXAMPLES
@given(quantity=amounts.filter(lambda text: len(text.splitlines()) <= 1 and "".join(text.splitlines()) == text), extra=smuggled)
@example(quantity="1,000", extra={})
@example(quantity="3 4", extra={"price": "0.01"})
@example(quantity="٣", extra={})
def test_add_multiple_keeps_whole_amounts_in_range_at_the_servers_price(buyer, buyer_client, stocked, quantity, extra):
    product = stocked["monitor"]
    prices = server_prices(buyer, stocked.values())

    def check():
        response = buyer_client.post(reverse("orders:cart-add-multiple"), {"lines": f"{product.sku} {quantity}", **extra})
        assert response.status_code < 500
        line = CartLine.objects.filter(cart__contact=buyer, product=product).first()
        typed = (re.split(r"[\s,;]+", f"{product.sku} {quantity}".strip(), maxsplit=1) + [""])[1].strip()
        event("added" if line else "refused")
        if line is not None:
            # Only digits are taken, as the whole number they write
            assert typed.isdigit() and line.quantity == int(typed), (quantity, line.quantity)
        elif typed.isascii() and typed.isdigit():
            assert not 1 <= int(typed) <= MAX_QUANTITY, f"{typed!r} was refused"
        assert_cart_is_server_priced(buyer, prices)

    rolled_back(check)


# --- checkout -----------------------------------------------------------------------------------

cart_contents = st.lists(
    st.tuples(st.sampled_from(["thinkpad", "latitude", "monitor"]), st.integers(min_value=1, max_value=2)),
    min_size=1, max_size=3, unique_by=lambda item: item[0],
)


@EXAMPLES
@given(items=cart_contents, extra=smuggled, claimed=st.sampled_from(["omit", "true", "wrong", "junk"]))
@example(items=[("thinkpad", 2)], extra={"total": "0.01", "price": "0.01", "credit_limit": "1e9"}, claimed="omit")
def test_the_order_total_is_the_servers_price_times_the_amount_whatever_is_posted(buyer, buyer_client, stocked, items, extra, claimed):
    from orders import services

    prices = server_prices(buyer, stocked.values())

    def check():
        for key, quantity in items:
            services.cart_add(contact=buyer, product=stocked[key], quantity=quantity)
        truth = sum((money(prices[stocked[key].pk] * quantity) for key, quantity in items), Decimal("0.00"))
        credit_before = Account.objects.get(pk=buyer.account_id).credit_used
        data = {"shipment_type": "delivery", "payment_method": "credit", "observations": "", "submission_key": uuid.uuid4().hex, **extra}
        if claimed != "omit":
            data["expected_total"] = {"true": str(truth), "wrong": str(truth - Decimal("0.01")), "junk": "NaN"}[claimed]

        response = buyer_client.post(reverse("orders:checkout"), data)

        assert response.status_code < 500
        order = Order.objects.filter(submission_key=data["submission_key"]).first()
        event("placed" if order else "refused")
        if claimed in ("wrong", "junk"):
            assert order is None  # a total the server did not compute is never confirmed
            return
        assert order is not None, response.content[:300]
        lines = list(order.lines.all())
        assert {(line.product_id, line.quantity, line.unit_price) for line in lines} == {
            (stocked[key].pk, quantity, prices[stocked[key].pk]) for key, quantity in items
        }
        assert all(line.line_total == money(line.unit_price * line.quantity) for line in lines)
        assert order.total == truth == sum(line.line_total for line in lines)
        assert Account.objects.get(pk=buyer.account_id).credit_used - credit_before == order.credit_taken == truth

    rolled_back(check)


# --- quotes -------------------------------------------------------------------------------------

sensible_profits = st.tuples(st.sampled_from(ProfitKind.values), st.decimals(min_value=0, max_value=1000, places=2).map(str))
profits = st.one_of(
    sensible_profits,
    sensible_profits,
    st.tuples(
        st.sampled_from([*ProfitKind.values, "", "bogus"]),
        st.one_of(
            st.decimals(min_value=-50, max_value=200000, places=2).map(str),
            st.sampled_from(["", "NaN", "1e3", "1000", "1000.01", "-0.01", "0", "15", "12.345", "1,5", "Infinity"]),
        ),
    ),
)


def _rule_holds(cost: Decimal, kind: str, value: Decimal, unit: Decimal) -> bool:
    """The quote's rules: never below cost, at most 1000 % (of the cost, for an exact value)."""
    if value < 0 or unit < cost:
        return False
    if kind == ProfitKind.PERCENT:
        return value <= MAX_PERCENT
    return value <= cost * MAX_PERCENT / 100


@EXAMPLES
@given(quote_profit=profits, line_profit=profits, quantity=st.one_of(st.integers(min_value=0, max_value=20).map(str), amounts), extra=smuggled)
@example(quote_profit=("percent", "-10"), line_profit=("", ""), quantity="1", extra={"cost": "0.01"})
@example(quote_profit=("amount", "1000000"), line_profit=("", ""), quantity="1", extra={})
@example(quote_profit=("percent", "15"), line_profit=("amount", "50"), quantity="3", extra={"unit_price": "1"})
def test_a_saved_quote_sells_at_cost_plus_an_allowed_profit(buyer, buyer_client, stocked, quote_profit, line_profit, quantity, extra):
    prices = server_prices(buyer, stocked.values())

    def check():
        line = quote_services.quote_add(contact=buyer, product=stocked["thinkpad"], quantity=2)
        other = quote_services.quote_add(contact=buyer, product=stocked["monitor"], quantity=1)
        quote = Quote.objects.get(pk=line.quote_id)
        before = (quote.profit_kind, quote.profit_value, list(QuoteLine.objects.filter(quote=quote).order_by("id").values()))
        data = {
            "profit_kind": quote_profit[0], "profit_value": quote_profit[1], "customer": "", "notes": "", "valid_until": "",
            f"quantity-{line.pk}": quantity, f"profit_kind-{line.pk}": line_profit[0], f"profit_value-{line.pk}": line_profit[1],
            f"quantity-{other.pk}": "1", **extra,
        }

        response = buyer_client.post(reverse("quotes:quote-save", args=[quote.number]), data)

        assert response.status_code < 500
        quote.refresh_from_db()
        lines = list(QuoteLine.objects.filter(quote=quote).order_by("id"))
        event("saved" if response.status_code == 302 else "refused")
        if response.status_code != 302:  # refused: nothing changed
            assert (quote.profit_kind, quote.profit_value, [vars_of(x) for x in lines]) == (before[0], before[1], before[2])
            return
        priced = quote_priced(quote=quote, lines=lines)
        total = Decimal("0.00")
        for row in priced.lines:
            # The cost is the server's price when the line was added, whatever was posted
            assert row.line.cost == prices[row.line.product_id]
            assert 1 <= row.line.quantity <= MAX_QUANTITY
            assert profit_problem(cost=row.line.cost, kind=row.kind, value=row.value) is None
            assert row.unit_price == selling_price(cost=row.line.cost, kind=row.kind, value=row.value)
            assert _rule_holds(row.line.cost, row.kind, row.value, row.unit_price), (row.line.cost, row.kind, row.value)
            assert row.line_total == row.unit_price * row.line.quantity
            total += row.line_total
        assert priced.total == total

    rolled_back(check)


def vars_of(line: QuoteLine) -> dict:
    return QuoteLine.objects.filter(pk=line.pk).values().get()


@settings(max_examples=300, deadline=None)
@given(
    cost=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2),
    kind=st.sampled_from(ProfitKind.values),
    value=st.decimals(min_value=Decimal("-100"), max_value=Decimal("10000000000"), places=2),
    quantity=st.integers(min_value=1, max_value=MAX_QUANTITY),
)
def test_a_profit_the_rules_accept_never_sells_below_cost_and_the_line_is_price_times_amount(cost, kind, value, quantity):
    if profit_problem(cost=cost, kind=kind, value=value) is not None:
        assert value < 0 or (kind == ProfitKind.PERCENT and value > MAX_PERCENT) or (kind == ProfitKind.AMOUNT and value > cost * 10)
        return
    unit = selling_price(cost=cost, kind=kind, value=value)
    assert cost <= unit <= money(cost * 11)
    assert unit == unit.quantize(Decimal("0.01"))


# --- volume licensing: the one form where a reseller may type a price ------------------------------

prices_typed = st.one_of(
    st.just(""),
    st.decimals(min_value=-100, max_value=20000, places=2).map(str),
    st.sampled_from(["0", "0.01", "8000", "8000.00", "8999.99", "9000", "9000.01", "1e3", "8000.001", "NaN", "٨٠٠٠", "8,000", " 8000 "]),
)


@EXAMPLES
@given(amount=st.one_of(st.integers(min_value=1, max_value=5).map(str), amounts), price=prices_typed, extra=smuggled)
@example(amount="2", price="0.01", extra={"unit_price": "0.01", "state": "approved"})
@example(amount="1", price="", extra={"total": "1", "list_price": "1"})
def test_a_licensing_order_is_at_the_list_price_unless_held_for_a_special_price(buyer, vl_catalog, amount, price, extra):  # noqa: F811
    office = vl_catalog["office"]
    client = Client(raise_request_exception=True)
    client.force_login(buyer.user)
    list_price = server_prices(buyer, [office])[office.pk]

    def check():
        credit_before = Account.objects.get(pk=buyer.account_id).credit_used
        key = uuid.uuid4().hex
        data = {"program": "open_value", "submission_key": key, "end_customer": "Colegio Azteca", f"amount-{office.pk}": amount,
                f"price-{office.pk}": price, **extra}

        response = client.post(reverse("licensing:order-new"), data)

        assert response.status_code < 500
        order = LicenceOrder.objects.filter(submission_key=key).first()
        event("placed" if order and order.state == "placed" else "held" if order else "refused")
        if order is None:
            return
        lines = list(order.lines.all())
        for line in lines:
            assert line.list_price == list_price and 1 <= line.quantity <= MAX_QUANTITY
            assert line.unit_price == (line.requested_price if line.requested_price is not None else line.list_price)
            assert Decimal("0.01") <= line.unit_price <= line.list_price
            assert line.line_total == money(line.unit_price * line.quantity)
        # A price below the list is never taken without the sales executive's approval
        below_list = any(line.unit_price < line.list_price for line in lines)
        assert order.state == (LicenceOrder.State.ON_HOLD if below_list else LicenceOrder.State.PLACED)
        assert order.total == sum(line.line_total for line in lines) == order.credit_taken
        assert order.list_total == sum(money(line.list_price * line.quantity) for line in lines)
        assert Account.objects.get(pk=buyer.account_id).credit_used - credit_before == order.total

    rolled_back(check)
