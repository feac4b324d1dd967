"""seed_demo gives each demo account delivered orders with serial numbers and one request in each state."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account
from orders.models import Order
from rma.models import RmaRequest, ServiceCentre, ShippedSerials

pytestmark = pytest.mark.django_db


def test_demo_seeding_twice_gives_each_account_one_request_in_each_state_and_claimable_orders():
    call_command("seed_demo", stdout=StringIO())
    counts = (RmaRequest.objects.count(), Order.objects.count(), ServiceCentre.objects.count(), ShippedSerials.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (RmaRequest.objects.count(), Order.objects.count(), ServiceCentre.objects.count(), ShippedSerials.objects.count()) == counts
    assert set(ServiceCentre.objects.values_list("country", flat=True)) == {"MX", "CO"}
    for account in Account.objects.filter(customer_code__in=["MX-10001", "CO-20001"]):
        states = sorted(RmaRequest.objects.filter(account=account).values_list("state", flat=True))
        assert states == sorted(RmaRequest.State.values)
        delivered = Order.objects.filter(account=account, state=Order.State.DELIVERED)
        assert delivered.count() == 2
        unclaimed = delivered.exclude(rma_requests__isnull=False).get()
        for line in unclaimed.lines.all():
            assert len(line.shipped_serials.serials) == line.quantity
