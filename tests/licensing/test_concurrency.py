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
from tests.orders.test_concurrency import race

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
    # Given 68,000.00 of credit and 20 orders of 9,000.00 each: room for 7
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("68000.00"), credit_used=Decimal("0.00"))
    office = vl_catalog["office"].pk

    # When all 20 are placed at the same moment
    orders, errors = split(race(*(place(licensing_contact.pk, office, f"race-{n:02d}-{'k' * 20}") for n in range(THREADS))))

    # Then 7 are placed, 13 refused for credit, and the line holds exactly the 7
    assert all(isinstance(error, LicensingError) and "exceeds your available credit" in error.message for error in errors), errors
    assert len(orders) == 7 and len(errors) == 13
    account.refresh_from_db()
    assert account.credit_used == Decimal("63000.00") <= account.credit_limit
    assert LicenceOrder.objects.count() == 7
    assert sum(LicenceOrder.objects.values_list("credit_taken", flat=True)) == account.credit_used
    assert len({order.number for order in orders}) == 7


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


def test_the_same_form_sent_twice_at_once_makes_one_order(licensing_contact, vl_catalog, account):
    # Given one order form, sent by ten presses of "Finish order" at the same moment
    key = "twice-" + "k" * 26
    orders, errors = split(race(*(place(licensing_contact.pk, vl_catalog["server"].pk, key, quantity=2) for _ in range(10))))

    # Then every answer is the one order, its credit taken once and its email stored once
    assert errors == [], errors
    assert len({order.pk for order in orders}) == 1
    assert LicenceOrder.objects.filter(submission_key=key).count() == 1
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("36000.00")
    assert OutboundEmail.objects.filter(subject__contains=orders[0].number).count() == 1


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
