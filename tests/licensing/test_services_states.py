"""The states of a licensing order: every move the map forbids is refused by the service that would
make it, every move it allows leaves exactly one event; the back office's moves and what they record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account
from licensing import services
from licensing.models import LicenceKey, LicenceOrder, LicenceOrderEvent, Program
from licensing.services import LicensingError
from storefront.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db

State = LicenceOrder.State
ALLOWED = [(source, target) for source in State.values for target in State.values if target in LicenceOrder.ALLOWED_TRANSITIONS[source]]
FORBIDDEN = [(source, target) for source in State.values for target in State.values if target not in LicenceOrder.ALLOWED_TRANSITIONS[source]]


def _services_for(target: str, order: LicenceOrder, *, contact, executive, back_office) -> list[Callable[[], LicenceOrder]]:
    """Every service that could bring the order to `target`, called by someone allowed to call it."""
    if target == State.APPROVED:
        return [
            lambda: services.vl_order_approve(actor=executive, order=order),
            lambda: services.vl_counter_offer_accept(contact=contact, order=order),
        ]
    if target == State.REJECTED:
        return [lambda: services.vl_order_reject(actor=executive, order=order, reason="Not at that price")]
    if target == State.COUNTER_OFFER:
        prices = {line.pk: line.list_price - Decimal("100.00") for line in order.lines.all()}
        return [lambda: services.vl_order_counter_offer(actor=executive, order=order, prices=prices)]
    if target == State.CANCELLED:
        return [
            lambda: services.vl_order_cancel(actor=back_office, order=order),
            lambda: services.vl_counter_offer_decline(contact=contact, order=order),
        ]
    # sent, processed, received: the back office's moves; placed and on hold: no service goes back there.
    return [lambda: services.vl_order_move(actor=back_office, order=order, to_state=target)]


def _snapshot(order: LicenceOrder, account) -> tuple:
    return (
        LicenceOrder.objects.filter(pk=order.pk).values().get(),
        list(order.lines.order_by("id").values()),
        LicenceOrderEvent.objects.count(),
        Account.objects.get(pk=account.pk).credit_used,
        OutboundEmail.objects.count(),
    )


def test_the_map_has_fifteen_moves_and_the_closed_states_lead_nowhere():
    assert len(ALLOWED) == 15 and len(FORBIDDEN) == 81 - 15
    assert LicenceOrder.ALLOWED_TRANSITIONS[State.REJECTED] == LicenceOrder.ALLOWED_TRANSITIONS[State.CANCELLED] == set()


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_a_move_the_map_forbids_is_refused_and_changes_nothing(vl_order_in, licensing_contact, sales_executive, back_office, account, source, target):
    # Given an order in the source state
    order = vl_order_in(source)
    before = _snapshot(order, account)

    # When every service that leads to the target is asked to make the move
    for call in _services_for(target, order, contact=licensing_contact, executive=sales_executive, back_office=back_office):
        with pytest.raises(LicensingError):
            call()

    # Then the order, its lines, its history, the credit line and the outbox are as they were
    assert _snapshot(order, account) == before


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_a_move_the_map_allows_leaves_exactly_one_event_from_and_to(vl_order_in, licensing_contact, vl_catalog, sales_executive, back_office, source, target):
    # Given an order in the source state, with what the move needs recorded
    order = vl_order_in(source)
    if target == State.PROCESSED:
        LicenceOrder.objects.filter(pk=order.pk).update(authorization_number="AUTH-1")
    if target == State.RECEIVED:
        LicenceKey.objects.create(line=order.lines.get(), key="OFF-1111-AAAA")
    replacement = None
    if target == State.CANCELLED and source in (State.PROCESSED, State.RECEIVED):
        replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], key="replacement" + "k" * 21)
    events_before = LicenceOrderEvent.objects.count()

    # When the service makes the move
    if target == State.CANCELLED:
        services.vl_order_cancel(actor=back_office, order=order, replacement=replacement)
    elif source == State.COUNTER_OFFER:
        services.vl_counter_offer_accept(contact=licensing_contact, order=order)
    else:
        _services_for(target, order, contact=licensing_contact, executive=sales_executive, back_office=back_office)[0]()

    # Then the order is in the target state with exactly one new event, from the source to the target
    assert LicenceOrder.objects.get(pk=order.pk).state == target
    assert LicenceOrderEvent.objects.count() == events_before + 1
    event = LicenceOrderEvent.objects.order_by("id").last()
    assert (event.order_id, event.from_state, event.to_state) == (order.pk, source, target)
    assert event.actor is not None


# --- the back office's moves ------------------------------------------------------------------------


@pytest.mark.parametrize("target", [State.APPROVED, State.REJECTED, State.CANCELLED, State.COUNTER_OFFER, State.PLACED, State.ON_HOLD, "lost"])
def test_the_back_office_move_does_not_approve_reject_nor_cancel(held_order, back_office, account, target):
    before = _snapshot(held_order, account)
    with pytest.raises(LicensingError, match="Approve, reject or cancel an order with its own action."):
        services.vl_order_move(actor=back_office, order=held_order, to_state=target)
    assert _snapshot(held_order, account) == before


def test_only_the_accounts_staff_move_an_order(vl_order_in, licensing_contact, account):
    order = vl_order_in(State.PLACED)
    before = _snapshot(order, account)
    with pytest.raises(LicensingError, match="Only distributor staff"):
        services.vl_order_move(actor=licensing_contact.user, order=order, to_state=State.SENT)
    with pytest.raises(LicensingError, match="Only the account's sales executive or the back office"):
        services.vl_order_move(actor=UserFactory(username="sam4", is_staff=True), order=order, to_state=State.SENT)
    assert _snapshot(order, account) == before


def test_the_accounts_executive_sends_an_order_and_the_contact_is_told(vl_order_in, sales_executive):
    order = services.vl_order_move(actor=sales_executive, order=vl_order_in(State.PLACED), to_state=State.SENT, note="Sent to Microsoft")
    assert LicenceOrder.objects.get(pk=order.pk).state == State.SENT
    assert order.events.order_by("id").last().note == "Sent to Microsoft"
    assert OutboundEmail.objects.filter(to="carlos@acme.test", subject__contains="is now Sent to the manufacturer").count() == 1


@pytest.mark.parametrize("number", ["", "   "])
def test_processed_needs_the_authorization_number(vl_order_in, back_office, account, number):
    # Given a sent order without the manufacturer's authorization number
    order = vl_order_in(State.SENT)
    LicenceOrder.objects.filter(pk=order.pk).update(authorization_number=number)
    before = _snapshot(order, account)

    # When the back office marks it processed, then it is refused on that field and nothing changes
    with pytest.raises(LicensingError, match="Record the manufacturer's authorization number") as refused:
        services.vl_order_move(actor=back_office, order=order, to_state=State.PROCESSED)
    assert refused.value.field == "authorization_number"
    assert _snapshot(order, account) == before


def test_processed_records_when(vl_order_in, back_office):
    order = vl_order_in(State.SENT)
    LicenceOrder.objects.filter(pk=order.pk).update(authorization_number="AUTH-7788")
    moment = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        services.vl_order_move(actor=back_office, order=order, to_state=State.PROCESSED)
    order = LicenceOrder.objects.get(pk=order.pk)
    assert order.state == State.PROCESSED and order.processed_at == moment and order.received_at is None
    assert "AUTH-7788" in OutboundEmail.objects.get(subject__contains="is now Processed").body_text


def test_received_needs_the_keys_of_every_line_that_delivers_one(vl_order_in, vl_catalog, back_office, account):
    # Given a processed order of Office and Windows Server (both deliver keys) and Windows Legal (none),
    # with only Office's key recorded
    order = vl_order_in(
        State.PROCESSED, items=[(vl_catalog["office"], 1, None), (vl_catalog["server"], 1, None), (vl_catalog["legal"], 1, None)]
    )
    LicenceKey.objects.create(line=order.lines.get(sku="VL-MS-0001"), key="OFF-1111-AAAA")
    before = _snapshot(order, account)

    # When it is marked received, then it is refused naming the SKU without a key
    with pytest.raises(LicensingError) as refused:
        services.vl_order_move(actor=back_office, order=order, to_state=State.RECEIVED)
    assert refused.value.message == "Record the software keys of VL-MS-0002 before marking the order received."
    assert refused.value.field == "keys"
    assert _snapshot(order, account) == before
    assert LicenceKey.objects.get().handed_out_at is None


def test_received_hands_out_the_keys_and_sets_the_certificate_due_24_hours_later(vl_order_in, vl_catalog, back_office):
    # Given a processed order with its keys recorded
    order = vl_order_in(State.PROCESSED, items=[(vl_catalog["office"], 2, None), (vl_catalog["legal"], 1, None)])
    office = order.lines.get(sku="VL-MS-0001")
    LicenceKey.objects.create(line=office, key="OFF-1111-AAAA")
    LicenceKey.objects.create(line=office, key="OFF-2222-BBBB")

    # When it is marked received at a known moment
    moment = datetime(2026, 4, 2, 9, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        services.vl_order_move(actor=back_office, order=order, to_state=State.RECEIVED)

    # Then it records when, the eCertificate is due 24 hours later, and the keys are handed out then
    order = LicenceOrder.objects.get(pk=order.pk)
    assert order.state == State.RECEIVED and order.received_at == moment
    assert order.certificate_due_at == moment + timedelta(hours=24)
    assert order.certificate_released_at is None and not order.certificate
    assert list(LicenceKey.objects.values_list("key", "handed_out_at")) == [("OFF-1111-AAAA", moment), ("OFF-2222-BBBB", moment)]


def test_a_cloud_order_without_keys_is_received(vl_order_in, vl_catalog, back_office):
    order = vl_order_in(State.PROCESSED, items=[(vl_catalog["m365"], 5, None)], program=Program.OPEN_VALUE_SUBSCRIPTION)
    services.vl_order_move(actor=back_office, order=order, to_state=State.RECEIVED)
    assert LicenceOrder.objects.get(pk=order.pk).state == State.RECEIVED


def test_the_authorization_number_can_be_given_with_the_move_to_processed(vl_order_in, back_office):
    order = vl_order_in(LicenceOrder.State.SENT)

    with pytest.raises(services.LicensingError, match="at most 40") as refused:
        services.vl_order_move(actor=back_office, order=order, to_state="processed", authorization_number="9" * 41)
    assert refused.value.field == "authorization_number"

    order = services.vl_order_move(actor=back_office, order=order, to_state="processed", authorization_number="  V4418290 ")

    order.refresh_from_db()
    assert (order.state, order.authorization_number) == ("processed", "V4418290")
