"""The cart and placing an order on the credit line, through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Account
from catalog.models import Availability, Stock
from orders import services
from orders.models import CartLine, Order
from orders.services import OrderError
from storefront.models import OutboundEmail


def _place(contact, key="k" * 32, payment="credit"):
    return services.order_place(contact=contact, shipment_type="delivery", payment_method=payment, observations="Door 4", submission_key=key)


def _stock(product) -> int:
    return sum(Stock.objects.filter(product=product).values_list("quantity", flat=True))


# --- cart -------------------------------------------------------------------------------------------


def test_adding_twice_adds_up_on_one_line(contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    line = services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=3)
    assert line.quantity == 5 and line.price_seen == Decimal("14100.00")
    assert CartLine.objects.filter(cart__contact=contact).count() == 1


@pytest.mark.parametrize("quantity", [0, -1, 10000])
def test_amount_must_be_a_positive_whole_number(contact, stocked, quantity):
    with pytest.raises(OrderError, match="whole number"):
        services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=quantity)


def test_a_product_without_a_price_cannot_go_in_the_cart(contact, stocked, price_lists):
    stocked["monitor"].prices.all().delete()
    with pytest.raises(OrderError, match="no price"):
        services.cart_add(contact=contact, product=stocked["monitor"], quantity=1)


def test_a_contact_without_price_permission_has_no_cart(contact, stocked):
    contact.can_see_prices = False
    with pytest.raises(OrderError, match="cannot buy"):
        services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)


def test_add_by_sku_or_part_number(contact, stocked):
    assert services.cart_add_by_code(contact=contact, code="nb-len-0001", quantity=1).product == stocked["thinkpad"]
    assert services.cart_add_by_code(contact=contact, code="LAT5440", quantity=1).product == stocked["latitude"]
    with pytest.raises(OrderError, match="No product has"):
        services.cart_add_by_code(contact=contact, code="NOPE", quantity=1)


def test_add_multiple_adds_the_good_lines_and_lists_the_bad(contact, stocked):
    stocked["monitor"].is_active = False
    stocked["monitor"].save()
    rows = [(1, "NB-LEN-0001", "2"), (2, "NOPE-1", "1"), (3, "LAT5440", "two"), (4, "MN-DEL-0004", "1"), (5, "NB-LEN-0002", "1.5")]
    added, problems = services.cart_add_many(contact=contact, rows=rows)
    assert [line.product.sku for line in added] == ["NB-LEN-0001"]
    assert [(p.line, p.reason) for p in problems] == [
        (2, "Unknown SKU or part number."),
        (3, "The amount is not a whole number from 1 to 9999."),
        (4, "Unknown SKU or part number."),
        (5, "The amount is not a whole number from 1 to 9999."),
    ]


def test_update_sets_amounts_and_zero_removes(contact, other_contact, stocked):
    a = services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    b = services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    theirs = services.cart_add(contact=other_contact, product=stocked["thinkpad"], quantity=1)
    services.cart_update(contact=contact, quantities={a.pk: 4, b.pk: 0, theirs.pk: 9})
    assert list(CartLine.objects.filter(cart__contact=contact).values_list("quantity", flat=True)) == [4]
    theirs.refresh_from_db()
    assert theirs.quantity == 1


# --- order ------------------------------------------------------------------------------------------


def test_finish_order_reserves_stock_takes_credit_and_empties_the_cart(contact, stocked, django_capture_on_commit_callbacks):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=10)
    services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(contact)
    assert order.number.startswith("SO") and order.state == Order.State.PLACED
    assert order.total == Decimal("14100.00") * 10 + Decimal("21000.00")
    assert [(l.sku, l.quantity, l.unit_price) for l in order.lines.all()] == [("NB-LEN-0001", 10, Decimal("14100.00")), ("NB-DEL-0003", 1, Decimal("21000.00"))]
    assert _stock(stocked["thinkpad"]) == 2 and _stock(stocked["latitude"]) == 2
    assert Availability.objects.get(product=stocked["thinkpad"], country="MX").quantity == 2
    assert Account.objects.get(pk=contact.account_id).credit_used == order.total
    assert not CartLine.objects.filter(cart__contact=contact).exists()
    assert OutboundEmail.objects.filter(to=contact.user.email, subject__contains=order.number).exists()


def test_finish_order_twice_makes_one_order(contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    first = _place(contact)
    second = _place(contact)
    assert first.pk == second.pk and Order.objects.count() == 1


def test_not_enough_stock_names_the_line_and_keeps_the_cart(contact, stocked):
    services.cart_add(contact=contact, product=stocked["monitor"], quantity=3)
    with pytest.raises(OrderError, match="MN-DEL-0004: you asked for 3, only 2 are available"):
        _place(contact)
    assert CartLine.objects.filter(cart__contact=contact).get().quantity == 3
    assert _stock(stocked["monitor"]) == 2 and not Order.objects.exists()


def test_a_line_with_no_stock_row_in_the_country_is_refused_by_name(contact, stocked):
    # The Latitude has no stock row left in Mexico, so the locking query brings no row for its line
    # and the refusal is found by reading the cart again.
    Stock.objects.filter(product=stocked["latitude"]).delete()
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    services.cart_add(contact=contact, product=stocked["latitude"], quantity=2)
    with pytest.raises(OrderError, match="NB-DEL-0003: you asked for 2, only 0 are available") as refused:
        _place(contact)
    assert refused.value.line == CartLine.objects.get(product=stocked["latitude"]).pk
    assert CartLine.objects.filter(cart__contact=contact).count() == 2 and not Order.objects.exists()
    assert _stock(stocked["thinkpad"]) == 12


def test_a_product_no_longer_sold_is_refused_even_with_stock(contact, stocked):
    services.cart_add(contact=contact, product=stocked["monitor"], quantity=1)
    type(stocked["monitor"]).objects.filter(pk=stocked["monitor"].pk).update(is_active=False)
    with pytest.raises(OrderError, match="MN-DEL-0004: This product is no longer sold"):
        _place(contact)
    assert _stock(stocked["monitor"]) == 2


def test_the_order_number_is_so_and_the_id_written_by_the_database(contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    order = _place(contact)
    assert order.number == f"SO{order.pk:08d}" == Order.objects.get(pk=order.pk).number
    # Past eight digits the id is written whole, never cut.
    big = Order.objects.create(
        pk=123456789, account=order.account, placed_by=contact, shipment_type="delivery", payment_method="wire",
        currency="MXN", submission_key="big-id-" + "k" * 20,
    )
    assert big.number == "SO123456789" == Order.objects.get(pk=big.pk).number


def test_not_enough_credit_says_how_much_is_missing(contact, stocked, account):
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("20000.00"), credit_used=Decimal("10000.00"))
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    with pytest.raises(OrderError, match="exceeds your available credit .10,000.00 MXN. by 4,100.00 MXN"):
        _place(contact)
    assert not Order.objects.exists() and _stock(stocked["thinkpad"]) == 12
    # A wire transfer does not use the credit line.
    order = _place(contact, payment="wire")
    assert order.credit_taken == 0 and Account.objects.get(pk=account.pk).credit_used == Decimal("10000.00")


def test_an_empty_cart_cannot_be_ordered(contact, stocked):
    with pytest.raises(OrderError, match="empty"):
        _place(contact)


def test_only_a_contact_with_the_order_permission_finishes_an_order(contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    contact.can_order = False
    with pytest.raises(OrderError, match="cannot place orders"):
        _place(contact)


def test_prices_are_read_again_when_the_order_is_placed(contact, stocked, price_lists):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    stocked["thinkpad"].prices.filter(price_list=price_lists["gold"]).update(amount=Decimal("13000.00"))
    assert _place(contact).total == Decimal("13000.00")


def test_cancelling_returns_stock_and_credit_at_once(contact, stocked, account):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=10)
    order = _place(contact)
    services.order_cancel(contact=contact, order=order)
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert _stock(stocked["thinkpad"]) == 12 and Availability.objects.get(product=stocked["thinkpad"], country="MX").quantity == 12
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")
    with pytest.raises(OrderError, match="cannot be cancelled"):
        services.order_cancel(contact=contact, order=order)


def test_a_processing_order_cannot_be_cancelled_by_the_reseller(contact, stocked, back_office):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    order = _place(contact)
    services.order_move(actor=back_office, order=order, to_state=Order.State.PROCESSING)
    with pytest.raises(OrderError, match="cannot be cancelled here"):
        services.order_cancel(contact=contact, order=order)


def test_another_account_cannot_cancel_the_order(contact, other_admin, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    order = _place(contact)
    with pytest.raises(OrderError):
        services.order_cancel(contact=other_admin, order=order)
