"""Licensing orders at the same moment: many orders on one credit line, many decisions on one held
order, one form sent twice.

Each call runs in its own thread on its own database connection, released together by a barrier (the
`race` helper of the orders' concurrency tests), so the transactions really overlap. PostgreSQL only:
the row locks these tests exercise are what the services rely on there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Account, Contact, User
from licensing import services
from licensing.models import LicenceOrder, LicenceOrderEvent, Program
from licensing.services import LicensingError
from storefront.models import OutboundEmail
from orders import services as order_services
from orders.models import CartLine, Order
from orders.services import OrderError
from tests.accounts.factories import ContactFactory
from tests.orders.test_concurrency import ROUNDS, product_with_stock, race, report
from tests.orders.test_concurrency import place as goods_place

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the row locks are exercised on PostgreSQL only"),
]

THREADS = 20


def place(contact_id: int, product_id: int, key: str, *, quantity: int = 1) -> Callable[[], LicenceOrder]:
    """Finish order as its own request would: the contact loaded afresh on the thread's connection."""

    def call() -> LicenceOrder:
        contact = Contact.objects.select_related("user", "account__price_list").get(pk=contact_id)
        return services.vl_order_place(
            contact=contact,
            program=Program.OPEN_VALUE,
            end_customer="Colegio Azteca",
            lines=[services.LineRequest(product_id=product_id, quantity=quantity)],
            submission_key=key,
        )

    return call


def decide(user_id: int, order_id: int, *, approve: bool) -> Callable[[], LicenceOrder]:
    def call() -> LicenceOrder:
        actor = User.objects.get(pk=user_id)
        order = LicenceOrder.objects.get(pk=order_id)
        if approve:
            return services.vl_order_approve(actor=actor, order=order)
        return services.vl_order_reject(actor=actor, order=order, reason="Below cost")

    return call


def split(results: list[object]) -> tuple[list[LicenceOrder], list[BaseException]]:
    return [r for r in results if isinstance(r, LicenceOrder)], [r for r in results if isinstance(r, BaseException)]


def test_twenty_orders_at_once_never_take_more_than_the_credit_limit(licensing_contact, vl_catalog, account):
    office = vl_catalog["office"].pk
    overshoot, placed, refused = Decimal("-1"), 0, 0
    for round_ in range(ROUNDS):
        # Given 68,000.00 of credit and 20 orders of 9,000.00 each: room for 7
        Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("68000.00"), credit_used=Decimal("0.00"))
        before = set(LicenceOrder.objects.values_list("pk", flat=True))

        # When all 20 are placed at the same moment
        orders, errors = split(race(*(place(licensing_contact.pk, office, f"race-{round_}-{n:02d}-{'k' * 20}") for n in range(THREADS))))

        # Then 7 are placed, 13 refused for credit, and the line holds exactly the 7
        assert all(isinstance(error, LicensingError) and "exceeds your available credit" in error.message for error in errors), errors
        account.refresh_from_db()
        overshoot = max(overshoot, account.credit_used - account.credit_limit)
        assert len(orders) == 7 and len(errors) == 13
        assert account.credit_used == Decimal("63000.00") <= account.credit_limit
        made = LicenceOrder.objects.exclude(pk__in=before)
        assert made.count() == 7
        assert sum(made.values_list("credit_taken", flat=True)) == account.credit_used
        assert len({order.number for order in orders}) == 7
        placed, refused = placed + len(orders), refused + len(errors)
    report("licensing orders on one credit line", placed=placed, refused=refused, max_credit_used_minus_limit=max(overshoot, Decimal("0.00")))
    assert overshoot <= 0


def test_goods_and_licensing_orders_at_once_share_one_credit_line(licensing_contact, vl_catalog, account, price_lists):
    # Ten colleagues finish a goods order and ten place a licensing order, all on Acme's one line
    goods_buyers = [ContactFactory(account=account, user__username=f"goods{n:02d}", user__email=f"goods{n:02d}@acme.test") for n in range(THREADS // 2)]
    office = vl_catalog["office"].pk
    overshoot, placed, refused = Decimal("-1"), 0, 0
    for round_ in range(ROUNDS):
        # Given 100,000.00 of credit, ten goods orders of 10,000.00 and ten licensing orders of 9,000.00
        Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("100000.00"), credit_used=Decimal("0.00"))
        product = product_with_stock(price_lists, f"MIXED-{round_}", units=(THREADS,), price="10000.00")
        for buyer in goods_buyers:
            order_services.cart_add(contact=buyer, product=product, quantity=1)
        calls = [goods_place(buyer.pk, f"mixg-{round_}-{n:02d}-{'k' * 16}") for n, buyer in enumerate(goods_buyers)]
        calls += [place(licensing_contact.pk, office, f"mixl-{round_}-{n:02d}-{'k' * 16}") for n in range(THREADS // 2)]

        # When all twenty go at the same moment
        results = race(*calls)

        # Then the line is never passed, and what it holds is what the placed orders took
        made = [r for r in results if isinstance(r, (Order, LicenceOrder))]
        errors = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(e, (OrderError, LicensingError)) and "credit" in e.message for e in errors), errors
        account.refresh_from_db()
        overshoot = max(overshoot, account.credit_used - account.credit_limit)
        assert account.credit_used == sum(order.credit_taken for order in made)
        placed, refused = placed + len(made), refused + len(errors)
        CartLine.objects.filter(product=product).delete()
    report("goods and licensing orders on one credit line", placed=placed, refused=refused, max_credit_used_minus_limit=max(overshoot, Decimal("0.00")))
    assert overshoot <= 0


def test_twenty_decisions_on_one_held_order_leave_one_decision(held_order, sales_executive, account):
    # Given the held order (116,000.00 taken) and 20 decisions at once, half approve, half reject
    calls = [decide(sales_executive.pk, held_order.pk, approve=n % 2 == 0) for n in range(THREADS)]

    # When they all run at the same moment
    orders, errors = split(race(*calls))

    # Then one wins, the others are refused, and the history and credit line agree with the winner
    assert len(orders) == 1 and len(errors) == THREADS - 1, errors
    assert all(isinstance(error, LicensingError) and "cannot become" in error.message for error in errors), errors
    order = LicenceOrder.objects.get(pk=held_order.pk)
    decisions = LicenceOrderEvent.objects.filter(order=order, from_state="on_hold")
    assert decisions.count() == 1 and decisions.get().to_state == order.state
    account.refresh_from_db()
    if order.state == LicenceOrder.State.REJECTED:
        assert order.credit_taken == account.credit_used == Decimal("0.00")
    else:
        assert order.state == LicenceOrder.State.APPROVED
        assert order.credit_taken == account.credit_used == Decimal("116000.00")
    assert OutboundEmail.objects.filter(subject__contains="is now").count() == 1


def test_the_same_form_sent_twenty_times_at_once_makes_one_order(licensing_contact, vl_catalog, account):
    per_submission = []
    for round_ in range(ROUNDS):
        # Given one order form, sent by twenty presses of "Finish order" at the same moment
        Account.objects.filter(pk=account.pk).update(credit_used=Decimal("0.00"))
        key = f"twice-{round_}-" + "k" * 24
        orders, errors = split(race(*(place(licensing_contact.pk, vl_catalog["server"].pk, key, quantity=2) for _ in range(THREADS))))

        # Then every answer is the one order, its credit taken once and its email stored once
        assert errors == [], errors
        assert len({order.pk for order in orders}) == 1
        per_submission.append(LicenceOrder.objects.filter(submission_key=key).count())
        assert Account.objects.get(pk=account.pk).credit_used == Decimal("36000.00")
        assert OutboundEmail.objects.filter(subject__contains=orders[0].number).count() == 1
    report("licensing orders, one form sent 20 times", orders_per_submission=f"{min(per_submission)}..{max(per_submission)}")
    assert per_submission == [1] * ROUNDS


def test_an_activation_and_a_cancellation_at_once_never_return_an_activated_product(vl_order_in, licensing_contact, back_office, vl_catalog, monkeypatch):
    # The activation lingers before it commits, and the cancellation starts a moment after it: the
    # window in which a cancellation that does not wait for the activation would return the product.
    record_event = services._event

    def slow_event(order, **kwargs):
        if kwargs.get("note", "").endswith("activated"):
            time.sleep(0.3)
        return record_event(order, **kwargs)

    monkeypatch.setattr(services, "_event", slow_event)
    for round_ in range(3):
        # Given a processed Microsoft 365 order and a replacement worth more
        order = vl_order_in(LicenceOrder.State.PROCESSED, items=[(vl_catalog["m365"], 1, None)], program=Program.OPEN_VALUE_SUBSCRIPTION)
        replacement = place(licensing_contact.pk, vl_catalog["office"].pk, f"repl-{round_}-{'k' * 20}")()
        line_id = order.lines.get().pk

        def activate() -> object:
            actor = User.objects.get(pk=back_office.pk)
            return services.vl_line_mark_activated(actor=actor, line=LicenceOrder.objects.get(pk=order.pk).lines.get(pk=line_id))

        def cancel() -> object:
            time.sleep(0.1)
            actor = User.objects.get(pk=licensing_contact.user_id)
            return services.vl_order_cancel(actor=actor, order=LicenceOrder.objects.get(pk=order.pk), replacement=replacement)

        # When the back office records the activation as the reseller cancels
        activated, cancelled = race(activate, cancel)

        # Then either the cancellation came first, or it was refused for the activation
        assert not isinstance(activated, BaseException), activated
        order.refresh_from_db()
        line = order.lines.get()
        if isinstance(cancelled, BaseException):
            assert isinstance(cancelled, LicensingError) and "already activated" in cancelled.message
            assert order.state == LicenceOrder.State.PROCESSED
        else:
            assert order.state == LicenceOrder.State.CANCELLED and line.activated_at >= order.cancelled_at, f"round {round_}"
