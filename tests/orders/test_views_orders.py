"""Generate Order and Finish order, the confirmation, and Transactions → order status (list, page, cancel)."""

from __future__ import annotations

import re
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Account
from catalog.models import Availability, Stock
from orders import services
from orders.forms import CheckoutForm
from orders.models import CartLine, Order, OrderEvent, OrderLine
from storefront.models import OutboundEmail
from tests.catalog.factories import PriceFactory, ProductFactory


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _cart(contact) -> dict[str, int]:
    return dict(CartLine.objects.filter(cart__contact=contact).values_list("product__sku", "quantity"))


def _stock(product) -> int:
    return sum(Stock.objects.filter(product=product).values_list("quantity", flat=True))


def _finish(**fields) -> dict:
    """The Generate Order form as a person fills it."""
    return {"shipment_type": "delivery", "payment_method": "credit", "observations": "Door 4", "submission_key": CheckoutForm.new_key(), **fields}


def _order(contact, stocked, *, key: str | None = None, **lines) -> Order:
    """An order placed through the service: {catalog key: amount}."""
    for name, quantity in (lines or {"thinkpad": 1}).items():
        services.cart_add(contact=contact, product=stocked[name], quantity=quantity)
    return services.order_place(
        contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key=key or CheckoutForm.new_key()
    )


def _numbers(response) -> list[str]:
    return re.findall(r'data-order="([^"]+)"', response.content.decode())


# --- Generate Order --------------------------------------------------------------------------------


def test_generate_order_with_an_empty_cart_goes_back_to_the_cart(contact_client, stocked):
    response = contact_client.get(reverse("orders:checkout"))
    assert response.status_code == 302 and response["Location"] == reverse("orders:cart")
    assert _messages(response) == ["Your cart is empty."]


def test_generate_order_shows_the_order_to_be_and_the_small_form(contact_client, contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    page = contact_client.get(reverse("orders:checkout")).content.decode()
    assert "<h1>Your order</h1>" in page and 'data-sku="NB-LEN-0001"' in page and "28,200.00 MXN" in page
    assert "Available credit: 500,000.00 MXN." in page
    for label in ("Shipment type", "Observations", "Payment method", "Finish order", "Pickup at the warehouse", "Credit line"):
        assert label in page
    # A fresh key for this form, and the credit line chosen already.
    assert re.search(r'<input type="hidden" name="submission_key" value="[0-9a-f]{32}"', page)
    assert re.search(r'<input type="radio" name="payment_method" value="credit"[^>]*checked', page)


def test_a_visitor_is_sent_to_sign_in(client, stocked):
    for url in (reverse("orders:checkout"), reverse("orders:order-list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_contact_without_price_permission_gets_403_at_generate_order(client, contact, stocked):
    contact.can_see_prices = False
    contact.save(update_fields=["can_see_prices"])
    client.force_login(contact.user)
    assert client.get(reverse("orders:checkout")).status_code == 403
    assert client.post(reverse("orders:checkout"), _finish()).status_code == 403
    assert not Order.objects.exists()


# --- Finish order ----------------------------------------------------------------------------------


def test_finish_order_places_it_and_shows_the_number(contact_client, contact, account, stocked, django_capture_on_commit_callbacks):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = contact_client.post(reverse("orders:checkout"), _finish(shipment_type="courier", observations="Ring at door 4"))
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("orders:order-placed", args=[order.number])
    assert (order.state, order.shipment_type, order.payment_method, order.observations) == ("placed", "courier", "credit", "Ring at door 4")
    assert order.total == Decimal("49200.00") and order.placed_by == contact
    assert _cart(contact) == {}
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("49200.00")
    assert _stock(stocked["thinkpad"]) == 10 and _stock(stocked["latitude"]) == 2
    # The email is stored with the order; its delivery waits for the commit.
    email = OutboundEmail.objects.get(to="carlos@acme.test")
    assert order.number in email.subject and email.sent_at is None
    assert len(callbacks) == 1

    page = contact_client.get(response["Location"]).content.decode()
    assert f"Your order number is <strong>{order.number}</strong>." in page
    assert "Total 49,200.00 MXN. We sent the order to carlos@acme.test." in page


def test_finish_order_twice_with_the_same_form_makes_one_order(contact_client, contact, account, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    form = _finish()
    first = contact_client.post(reverse("orders:checkout"), form)
    second = contact_client.post(reverse("orders:checkout"), form)
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == reverse("orders:order-placed", args=[order.number])
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("14100.00")
    assert OutboundEmail.objects.filter(subject__contains=order.number).count() == 1


def test_a_used_form_of_another_contact_places_nothing(contact_client, contact, admin_contact, stocked):
    used = _order(admin_contact, stocked)
    services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    response = contact_client.post(reverse("orders:checkout"), _finish(submission_key=used.submission_key))
    assert response.status_code == 200
    assert "This order form was already used. Start again from your cart." in response.content.decode()
    assert Order.objects.count() == 1 and _cart(contact) == {"NB-DEL-0003": 1}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shipment_type", "", "This field is required."),
        ("shipment_type", "teleport", "Select a valid choice. teleport is not one of the available choices."),
        ("payment_method", "", "This field is required."),
        ("payment_method", "cash", "Select a valid choice. cash is not one of the available choices."),
        ("observations", "x" * 1001, "Ensure this value has at most 1000 characters (it has 1001)."),
    ],
)
def test_finish_order_with_a_bad_field_says_so_and_keeps_the_cart(contact_client, contact, stocked, field, value, message):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    response = contact_client.post(reverse("orders:checkout"), _finish(**{field: value}))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Order.objects.exists() and _cart(contact) == {"NB-LEN-0001": 1}


def test_finish_order_beyond_the_available_credit_says_by_how_much(contact_client, contact, account, stocked):
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("20000.00"), credit_used=Decimal("10000.00"))
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    response = contact_client.post(reverse("orders:checkout"), _finish())
    page = response.content.decode()
    assert response.status_code == 200
    assert "The order (14,100.00 MXN) exceeds your available credit (10,000.00 MXN) by 4,100.00 MXN." in page
    assert "Available credit: 10,000.00 MXN." in page
    assert not Order.objects.exists() and _cart(contact) == {"NB-LEN-0001": 1} and _stock(stocked["thinkpad"]) == 12
    # A wire transfer does not use the credit line.
    response = contact_client.post(reverse("orders:checkout"), _finish(payment_method="wire"))
    assert response.status_code == 302 and Order.objects.get().credit_taken == Decimal("0.00")


def test_finish_order_beyond_the_stock_names_the_line(contact_client, contact, stocked):
    services.cart_add(contact=contact, product=stocked["monitor"], quantity=3)
    response = contact_client.post(reverse("orders:checkout"), _finish())
    assert "MN-DEL-0004: you asked for 3, only 2 are available." in response.content.decode()
    assert not Order.objects.exists() and _cart(contact) == {"MN-DEL-0004": 3}


def test_a_contact_without_the_order_permission_cannot_finish(client, contact, stocked):
    contact.can_order = False  # it may still quote, so it has a cart
    contact.save(update_fields=["can_order"])
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    client.force_login(contact.user)
    # Generate Order is not offered to it, and neither the page nor the form answers.
    assert "Generate Order" not in client.get(reverse("orders:cart")).content.decode()
    assert client.get(reverse("orders:checkout")).status_code == 403
    assert client.post(reverse("orders:checkout"), _finish()).status_code == 403
    assert not Order.objects.exists() and _cart(contact) == {"NB-LEN-0001": 1}


def test_a_blocked_account_cannot_finish(contact_client, contact, account, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    Account.objects.filter(pk=account.pk).update(state=Account.State.BLOCKED)
    response = contact_client.post(reverse("orders:checkout"), _finish())
    assert "Your account is blocked: contact your sales executive." in response.content.decode()
    assert not Order.objects.exists()


# --- the confirmation and the order's page ---------------------------------------------------------


def test_the_order_page_shows_its_lines_and_history(contact_client, contact, stocked):
    order = _order(contact, stocked, thinkpad=2, latitude=1)
    page = contact_client.get(reverse("orders:order-detail", args=[order.number])).content.decode()
    assert f"Order {order.number}" in page and "Placed" in page and "Carlos Bermudez" in page
    assert re.findall(r'<tr data-sku="([^"]+)"', page) == ["NB-LEN-0001", "NB-DEL-0003"]
    assert "28,200.00" in page and "49,200.00 MXN" in page
    assert "Cancel order" in page


def test_the_status_history_names_the_statuses_as_the_page_does(contact_client, contact, back_office, stocked):
    order = _order(contact, stocked)
    services.order_move(actor=back_office, order=order, to_state=Order.State.ON_HOLD)
    page = contact_client.get(reverse("orders:order-detail", args=[order.number])).content.decode()
    history = re.search(r'<ol class="history">(.*?)</ol>', page, re.S).group(1)
    assert "Placed → On hold (awaiting approval)" in history
    assert "on_hold" not in history


def test_a_colleague_of_the_same_account_sees_the_order(admin_contact_client, contact, stocked):
    order = _order(contact, stocked)
    assert admin_contact_client.get(reverse("orders:order-detail", args=[order.number])).status_code == 200


def test_another_accounts_order_is_404_everywhere(other_admin_client, contact, stocked):
    order = _order(contact, stocked)
    assert other_admin_client.get(reverse("orders:order-detail", args=[order.number])).status_code == 404
    assert other_admin_client.get(reverse("orders:order-placed", args=[order.number])).status_code == 404
    assert other_admin_client.post(reverse("orders:order-cancel", args=[order.number])).status_code == 404
    assert order.number not in other_admin_client.get(reverse("orders:order-list")).content.decode()
    order.refresh_from_db()
    assert order.state == Order.State.PLACED


def test_an_unknown_order_number_is_404(contact_client, stocked):
    assert contact_client.get(reverse("orders:order-detail", args=["SO99999999"])).status_code == 404


# --- cancel ----------------------------------------------------------------------------------------


def test_cancel_a_placed_order_returns_its_stock_and_credit(contact_client, contact, account, stocked):
    order = _order(contact, stocked, thinkpad=10)
    assert _stock(stocked["thinkpad"]) == 2
    response = contact_client.post(reverse("orders:order-cancel", args=[order.number]))
    assert response["Location"] == reverse("orders:order-detail", args=[order.number])
    assert _messages(response) == [f"Order {order.number} is cancelled; its stock and credit are released."]
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert _stock(stocked["thinkpad"]) == 12
    assert Availability.objects.get(product=stocked["thinkpad"], country="MX").quantity == 12
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")
    assert list(order.events.values_list("from_state", "to_state")) == [("", "placed"), ("placed", "cancelled")]
    page = contact_client.get(response["Location"]).content.decode()
    assert "Cancelled" in page and "Cancel order" not in page


def test_cancel_twice_is_refused_and_returns_nothing_twice(contact_client, contact, account, stocked):
    order = _order(contact, stocked, thinkpad=10)
    contact_client.get(contact_client.post(reverse("orders:order-cancel", args=[order.number]))["Location"])
    response = contact_client.post(reverse("orders:order-cancel", args=[order.number]))
    assert _messages(response) == ["An order in status “Cancelled” cannot be cancelled here: ask your sales executive."]
    assert _stock(stocked["thinkpad"]) == 12 and Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")


def test_a_processing_order_cannot_be_cancelled_from_its_page(contact_client, contact, back_office, stocked):
    order = _order(contact, stocked)
    services.order_move(actor=back_office, order=order, to_state=Order.State.PROCESSING)
    page = contact_client.get(reverse("orders:order-detail", args=[order.number])).content.decode()
    assert "Cancel order" not in page
    response = contact_client.post(reverse("orders:order-cancel", args=[order.number]))
    assert _messages(response) == ["An order in status “Processing” cannot be cancelled here: ask your sales executive."]
    order.refresh_from_db()
    assert order.state == Order.State.PROCESSING


def test_a_contact_without_the_order_permission_cannot_cancel(client, contact, admin_contact, stocked):
    order = _order(admin_contact, stocked)
    contact.can_order = False  # still sees the account's transactions (it may see invoices)
    contact.save(update_fields=["can_order"])
    client.force_login(contact.user)
    page = client.get(reverse("orders:order-detail", args=[order.number])).content.decode()
    assert order.number in page and "Cancel order" not in page
    # Refused like every other missing permission: 403, before the order is looked up.
    assert client.post(reverse("orders:order-cancel", args=[order.number])).status_code == 403
    order.refresh_from_db()
    assert order.state == Order.State.PLACED


def test_cancel_only_takes_a_post(contact_client, contact, stocked):
    order = _order(contact, stocked)
    assert contact_client.get(reverse("orders:order-cancel", args=[order.number])).status_code == 405


def test_a_contact_without_transactions_gets_403(client, contact, stocked):
    contact.can_order = contact.can_invoice = False
    contact.save(update_fields=["can_order", "can_invoice"])
    client.force_login(contact.user)
    assert client.get(reverse("orders:order-list")).status_code == 403


# --- Transactions: order status --------------------------------------------------------------------


@pytest.fixture
def three_orders(contact, admin_contact, back_office, stocked):
    """One placed in January, one cancelled in February (by a colleague), one processing in March."""
    january = _order(contact, stocked)
    february = _order(admin_contact, stocked)
    services.order_cancel(contact=admin_contact, order=february)
    march = _order(contact, stocked)
    services.order_move(actor=back_office, order=march, to_state=Order.State.PROCESSING)
    for order, month in ((january, 1), (february, 2), (march, 3)):
        Order.objects.filter(pk=order.pk).update(placed_at=datetime(2026, month, 15, 12, tzinfo=dt_timezone.utc))
    return {"january": january.number, "february": february.number, "march": march.number}


def test_order_status_lists_the_accounts_orders_newest_first(contact_client, three_orders, other_admin, stocked):
    theirs = _many_orders(other_admin, stocked, 1)[0]
    response = contact_client.get(reverse("orders:order-list"))
    page = response.content.decode()
    assert "Transactions: order status" in page
    assert _numbers(response) == [three_orders["march"], three_orders["february"], three_orders["january"]]
    assert "Ana Alvarez" in page and "Processing" in page and "Cancelled" in page and "Placed" in page
    assert theirs.number not in page


def test_order_status_filters_by_status(contact_client, three_orders):
    url = reverse("orders:order-list")
    assert _numbers(contact_client.get(url, {"status": "cancelled"})) == [three_orders["february"]]
    assert _numbers(contact_client.get(url, {"status": "placed"})) == [three_orders["january"]]
    assert "No orders match." in contact_client.get(url, {"status": "shipped"}).content.decode()


def test_order_status_filters_by_dates(contact_client, three_orders):
    url = reverse("orders:order-list")
    assert _numbers(contact_client.get(url, {"date_from": "2026-02-01", "date_to": "2026-02-28"})) == [three_orders["february"]]
    assert _numbers(contact_client.get(url, {"date_from": "2026-02-15"})) == [three_orders["march"], three_orders["february"]]
    assert _numbers(contact_client.get(url, {"date_to": "2026-01-15"})) == [three_orders["january"]]
    assert _numbers(contact_client.get(url, {"status": "processing", "date_to": "2026-02-28"})) == []


def test_order_status_with_a_bad_date_range_says_so(contact_client, three_orders):
    response = contact_client.get(reverse("orders:order-list"), {"date_from": "2026-03-01", "date_to": "2026-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end date must not be before the start date." in page
    assert len(_numbers(response)) == 3  # no filter is applied from a form with errors


def test_order_status_with_a_date_that_is_not_a_date_says_so(contact_client, three_orders):
    page = contact_client.get(reverse("orders:order-list"), {"date_from": "yesterday"}).content.decode()
    assert "Enter a valid date." in page


def test_order_status_pages_keep_the_filters(contact_client, contact, stocked):
    _many_orders(contact, stocked, 30)
    url = reverse("orders:order-list")
    first = contact_client.get(url, {"status": "placed"})
    page = first.content.decode()
    assert len(_numbers(first)) == 25 and "Page 1 of 2" in page
    assert "?status=placed&amp;page=2" in page
    assert len(_numbers(contact_client.get(url, {"status": "placed", "page": "2"}))) == 5


# --- a fixed number of queries whatever the data's size --------------------------------------------


def _many_orders(contact, stocked, n: int) -> list[Order]:
    """n placed orders of one line each, written directly (the service's cost is not what is measured)."""
    orders = []
    for i in range(n):
        order = Order.objects.create(
            account=contact.account, placed_by=contact, shipment_type="delivery",
            payment_method="credit", currency="MXN", total=Decimal("14100.00"), submission_key=f"bulk-{i:04d}-{'k' * 16}",
        )
        OrderLine.objects.create(
            order=order, product=stocked["thinkpad"], sku="NB-LEN-0001", name="ThinkPad E14 Notebook",
            unit_price=Decimal("14100.00"), quantity=1, line_total=Decimal("14100.00"),
        )
        OrderEvent.objects.create(order=order, actor=contact.user, to_state="placed", note="placed")
        orders.append(order)
    return orders


def _order_with_lines(contact, stocked, n: int) -> Order:
    order = _many_orders(contact, stocked, 1)[0]
    products = list(stocked.values())
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order, product=products[i % 4], sku=products[i % 4].sku, name=products[i % 4].name,
            unit_price=Decimal("100.00"), quantity=i + 1, line_total=Decimal("100.00") * (i + 1),
        )
        for i in range(n - 1)
    )
    OrderEvent.objects.create(order=order, actor=None, from_state="placed", to_state="processing", note="by the back office")
    return order


@pytest.mark.parametrize("lines", [5, 50])
def test_generate_order_runs_the_same_queries_for_5_and_50_lines(contact_client, contact, catalog, price_lists, lines, django_assert_num_queries):
    for i in range(lines):
        product = ProductFactory(category=catalog["thinkpad"].category, brand=catalog["thinkpad"].brand)
        PriceFactory(price_list=price_lists["base"], product=product, amount=Decimal(100 + i))
        services.cart_add(contact=contact, product=product, quantity=1)
    # user with contact, account and cart count; cart lines with products; their prices and stock
    with django_assert_num_queries(3):
        response = contact_client.get(reverse("orders:checkout"))
    assert response.content.decode().count('<tr data-sku="') == lines


@pytest.mark.parametrize("lines", [5, 50])
def test_the_order_page_runs_the_same_queries_for_5_and_50_lines(contact_client, contact, stocked, lines, django_assert_num_queries):
    order = _order_with_lines(contact, stocked, lines)
    # user with contact, account and cart count; the order with who placed it; its lines;
    # its history with the actors
    with django_assert_num_queries(4):
        response = contact_client.get(reverse("orders:order-detail", args=[order.number]))
    assert response.content.decode().count('<tr data-sku="') == lines


@pytest.mark.parametrize("orders", [5, 50])
def test_order_status_runs_the_same_queries_for_5_and_50_orders(contact_client, contact, stocked, orders, django_assert_num_queries):
    _many_orders(contact, stocked, orders)
    # user with contact, account and cart count; the count for the pages; one page of orders
    # with who placed them
    with django_assert_num_queries(3):
        response = contact_client.get(reverse("orders:order-list"), {"status": "placed", "date_from": "2020-01-01"})
    assert len(_numbers(response)) == min(orders, 25)


def test_a_tampered_order_form_says_so_instead_of_failing_silently(contact_client, contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    response = contact_client.post(reverse("orders:checkout"), {**_finish(), "submission_key": "x"})
    assert response.status_code == 200
    assert "This form has expired or was changed." in response.content.decode()
    assert not Order.objects.exists()
