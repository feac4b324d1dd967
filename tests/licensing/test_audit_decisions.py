"""The sales executive's special-price decisions land in the security audit trail: who, the reseller's
account, when and from where."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from licensing import services
from storefront.audit.models import SecurityEvent

Kind = SecurityEvent.Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive_client(sales_executive) -> Client:
    client = Client()
    client.force_login(sales_executive)
    return client


def _decision(kind: str) -> SecurityEvent:
    (event,) = SecurityEvent.objects.filter(kind=kind)
    return event


def test_an_approval_in_the_console_is_recorded_with_the_address(executive_client, held_order, sales_executive):
    response = executive_client.post(
        reverse("licensing:console-approve", args=[held_order.number]), {"approve-note": "Agreed."}, REMOTE_ADDR="192.0.2.60"
    )
    assert response.status_code == 302

    event = _decision(Kind.SPECIAL_PRICE_APPROVED)
    assert (event.actor_id, event.account_id, event.ip_address) == (sales_executive.pk, held_order.account_id, "192.0.2.60")
    assert event.detail["order"] == held_order.number and event.detail["currency"] == held_order.currency


def test_a_rejection_is_recorded_with_its_reason(held_order, sales_executive):
    services.vl_order_reject(actor=sales_executive, order=held_order, reason="Price too low.")
    event = _decision(Kind.SPECIAL_PRICE_REJECTED)
    assert (event.actor_id, event.account_id) == (sales_executive.pk, held_order.account_id)
    assert event.detail["reason"] == "Price too low."


def test_a_counter_offer_is_recorded_with_the_prices_asked_and_offered(held_order, sales_executive):
    prices = {line.pk: (Decimal("8500.00") if line.sku == "VL-MS-0001" else line.list_price) for line in held_order.lines.all()}
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=prices)

    event = _decision(Kind.SPECIAL_PRICE_COUNTER_OFFERED)
    assert (event.actor_id, event.account_id) == (sales_executive.pk, held_order.account_id)
    offered = {row["line"]: row["offered"] for row in event.detail["prices"]}
    assert offered == {pk: str(price) for pk, price in prices.items()}


def test_a_refused_decision_records_nothing(held_order, sales_executive):
    services.vl_order_reject(actor=sales_executive, order=held_order, reason="No.")
    with pytest.raises(services.LicensingError):
        services.vl_order_approve(actor=sales_executive, order=held_order)
    assert not SecurityEvent.objects.filter(kind=Kind.SPECIAL_PRICE_APPROVED).exists()


def test_another_executive_cannot_decide_and_leaves_no_event(held_order):
    from tests.accounts.factories import UserFactory

    stranger = UserFactory(username="sam2", is_staff=True)
    with pytest.raises(services.LicensingError):
        services.vl_order_approve(actor=stranger, order=held_order)
    assert not SecurityEvent.objects.exists()
