"""Two RMA requests filed at the same moment: the last units of a line, the same serial on two orders."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import Contact
from orders.models import Order
from rma import services
from rma.models import RmaRequest
from rma.services import RmaError
from tests.accounts.factories import ContactFactory
from tests.orders.test_concurrency import race
from tests.rma.conftest import place_order

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


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
