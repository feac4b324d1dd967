"""Two RMA requests filed at the same moment: the last units of a line, the same serial on two orders."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import F

from accounts.models import Contact
from orders.models import Order
from rma import services
from rma.models import RmaRequest
from rma.services import RmaError, quantity_under_rma
from catalog.models import Stock
from catalog.services import availability_refresh
from tests.accounts.factories import ContactFactory
from tests.orders.test_concurrency import race
from tests.rma.conftest import place_order

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3
RACE_ROUNDS = 5
THREADS = 20


def submit(contact_id: int, order_number: str, line_id: int, quantity: int, serial: str) -> Callable[[], RmaRequest]:
    def call() -> RmaRequest:
        contact = Contact.objects.select_related("user", "account").get(pk=contact_id)
        return services.rma_submit(
            contact=contact, order_number=order_number, order_line_id=line_id, quantity=quantity, claim_type="defective",
            details="x", serial_number=serial, contact_name="C", contact_email="c@acme.test",
        )

    return call


def test_two_requests_for_the_last_units_of_a_line_get_one_request_and_one_refusal(contact, stocked, back_office):
    colleague = ContactFactory(account=contact.account, user__username="celia", user__email="celia@acme.test")
    for round_ in range(ROUNDS):
        order = place_order(contact, items=[(stocked["thinkpad"], 3)], key=f"r{round_}" + "k" * 30, back_office=back_office)
        line = order.lines.get()
        results = race(
            submit(contact.pk, order.number, line.pk, 2, f"R{round_}-A"),
            submit(colleague.pk, order.number, line.pk, 2, f"R{round_}-B"),
        )
        made = [r for r in results if isinstance(r, RmaRequest)]
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(made) == 1 and len(refused) == 1, f"round {round_}: {results}"
        assert isinstance(refused[0], RmaError) and "at most 1" in refused[0].message


def test_the_same_serial_on_two_orders_at_once_gets_one_request_and_one_refusal(contact, stocked, back_office):
    for round_ in range(ROUNDS):
        orders: list[Order] = [
            place_order(contact, items=[(stocked["thinkpad"], 1)], key=f"s{round_}{n}" + "k" * 29, back_office=back_office) for n in range(2)
        ]
        results = race(*(submit(contact.pk, o.number, o.lines.get().pk, 1, f"SAME-{round_}") for o in orders))
        made = [r for r in results if isinstance(r, RmaRequest)]
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(made) == 1 and len(refused) == 1, f"round {round_}: {results}"
        assert isinstance(refused[0], RmaError) and "already under" in refused[0].message
        assert RmaRequest.objects.filter(serial_number=f"SAME-{round_}").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="20 writers at once need row locks that wait: SQLite serialises them")
def test_twenty_requests_at_once_never_claim_more_units_than_the_line_has(contact, stocked, back_office):
    # RMA touches neither credit nor stock; what it must not pass is the units of the order line.
    colleagues = [ContactFactory(account=contact.account, user__username=f"rma{n:02d}", user__email=f"rma{n:02d}@acme.test") for n in range(THREADS)]
    over, made_total, refused_total = 0, 0, 0
    for round_ in range(RACE_ROUNDS):
        # Given a delivered line of 3 units (stock topped up so every round can order them)
        Stock.objects.filter(product=stocked["thinkpad"]).update(quantity=F("quantity") + 3)
        availability_refresh(product_ids=[stocked["thinkpad"].pk])
        order = place_order(contact, items=[(stocked["thinkpad"], 3)], key=f"t{round_}" + "k" * 30, back_office=back_office)
        line = order.lines.get()

        # When 20 colleagues each file a request for 1 unit at the same moment
        results = race(*(submit(c.pk, order.number, line.pk, 1, f"T{round_}-{n:02d}") for n, c in enumerate(colleagues)))

        # Then 3 requests are made, 17 refused, and the line is never claimed past its 3 units
        made = [r for r in results if isinstance(r, RmaRequest)]
        refused = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(e, RmaError) for e in refused), refused
        over = max(over, quantity_under_rma(line) - line.quantity)
        assert len(made) == 3 and len(refused) == THREADS - 3, f"round {round_}"
        made_total, refused_total = made_total + len(made), refused_total + len(refused)
    print(f"\n[race] RMA requests on one order line: {RACE_ROUNDS} rounds x {THREADS} threads: "
          f"made = {made_total}, refused = {refused_total}, units claimed beyond the line = {over}")
    assert over <= 0
