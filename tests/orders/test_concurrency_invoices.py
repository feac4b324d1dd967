"""Invoice actions pressed at the same moment in two back-office tabs: one invoice, one payment.

The threads, their barrier and the SQLite file copy are those of test_concurrency.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Account
from orders import services
from orders.invoices import invoice_issue, invoice_mark_paid
from orders.models import Invoice, Order, OrderEvent
from orders.services import OrderError
from storefront.models import OutboundEmail
from tests.orders.test_concurrency import place, race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _order(contact, stocked, key: str) -> Order:
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    return place(contact.pk, key)()


def test_issue_invoice_pressed_twice_at_once_makes_one_invoice(back_office, contact, stocked):
    for round_ in range(ROUNDS):
        order = _order(contact, stocked, f"inv-{round_}-{'k' * 16}")

        first, second = race(lambda: invoice_issue(actor=back_office, order=order), lambda: invoice_issue(actor=back_office, order=order))

        assert isinstance(first, Invoice) and isinstance(second, Invoice), f"round {round_}: {first!r} {second!r}"
        assert first.pk == second.pk
        assert Invoice.objects.filter(order=order).count() == 1
        assert OrderEvent.objects.filter(order=order, note__startswith="invoiced").count() == 1
        assert OutboundEmail.objects.filter(subject__contains=first.number).count() == 1


def test_mark_paid_twice_at_once_returns_the_credit_once(back_office, contact, account, stocked):
    for round_ in range(ROUNDS):
        # Given another order's 10,000 still on the line, and this order's 14,100 invoiced
        Account.objects.filter(pk=account.pk).update(credit_used=Decimal("10000.00"))
        order = _order(contact, stocked, f"pay-{round_}-{'k' * 16}")
        invoice = invoice_issue(actor=back_office, order=order)
        assert Account.objects.get(pk=account.pk).credit_used == Decimal("24100.00")

        results = race(lambda: invoice_mark_paid(actor=back_office, invoice=invoice), lambda: invoice_mark_paid(actor=back_office, invoice=invoice))

        paid = [r for r in results if isinstance(r, Invoice)]
        refused = [r for r in results if isinstance(r, OrderError)]
        assert len(paid) == 1 and len(refused) == 1, f"round {round_}: {results!r}"
        assert "already paid" in refused[0].message
        assert Account.objects.get(pk=account.pk).credit_used == Decimal("10000.00")


def test_mark_paid_and_cancel_at_once_return_the_credit_once(back_office, contact, account, stocked):
    for round_ in range(ROUNDS):
        Account.objects.filter(pk=account.pk).update(credit_used=Decimal("10000.00"))
        order = _order(contact, stocked, f"both-{round_}-{'k' * 16}")
        invoice = invoice_issue(actor=back_office, order=order)

        paid, cancelled = race(
            lambda: invoice_mark_paid(actor=back_office, invoice=invoice),
            lambda: services.order_move(actor=back_office, order=order, to_state=Order.State.CANCELLED),
        )

        # An invoiced order is not cancelled; the payment returns its credit, once.
        assert not isinstance(paid, BaseException), f"round {round_}: {paid!r}"
        assert isinstance(cancelled, OrderError) and "is invoiced" in cancelled.message
        assert Account.objects.get(pk=account.pk).credit_used == Decimal("10000.00")
