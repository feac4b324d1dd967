"""Cancelling a licensing order: directly before the manufacturer has it, through the sales executive
once sent, and once processed only within 60 days by a replacement order of equal or greater value,
never for Windows Legal or an activated cloud product."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account
from licensing import services
from licensing.models import LicenceOrder, Program
from licensing.services import LicensingError
from storefront.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db

State = LicenceOrder.State
# The moment the order under test is processed by the manufacturer.
PROCESSED_AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _credit_used(account) -> Decimal:
    return Account.objects.get(pk=account.pk).credit_used


def _fresh(order: LicenceOrder) -> LicenceOrder:
    return LicenceOrder.objects.get(pk=order.pk)


def _at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def _replacement(contact, vl_catalog, *, days: float = 1, office: int = 2, key: str = "replacement" + "k" * 21) -> LicenceOrder:
    """An order of Acme placed some days after the processing, worth `office` x 9,000.00."""
    with _at(PROCESSED_AT + timedelta(days=days)):
        return place_vl(contact, items=[(vl_catalog["office"], office, None)], key=key)


@pytest.fixture
def processed(vl_order_in) -> LicenceOrder:
    """1 Office (9,000.00) processed by the manufacturer at PROCESSED_AT."""
    with _at(PROCESSED_AT):
        return vl_order_in(State.PROCESSED)


def _refused_and_unchanged(processed: LicenceOrder, account, credit: Decimal) -> None:
    order = _fresh(processed)
    assert order.state == State.PROCESSED and order.replaced_by is None and order.cancelled_at is None
    assert order.credit_taken == Decimal("9000.00")
    assert _credit_used(account) == credit
    assert not order.events.filter(to_state=State.CANCELLED).exists()


# --- before the manufacturer has it -----------------------------------------------------------------


@pytest.mark.parametrize("state", [State.PLACED, State.ON_HOLD, State.COUNTER_OFFER, State.APPROVED])
def test_the_contact_cancels_an_order_not_yet_sent_and_its_credit_returns(vl_order_in, licensing_contact, account, state, django_capture_on_commit_callbacks):
    # Given an order of Acme in that state, which took its total from the credit line
    order = vl_order_in(state)
    assert _credit_used(account) == order.credit_taken > 0

    # When its contact cancels it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vl_order_cancel(actor=licensing_contact.user, order=order, reason="Customer changed its mind")

    # Then it is cancelled with the reason, and all its credit is back
    order = _fresh(order)
    assert order.state == State.CANCELLED and order.cancelled_at is not None and order.hold_reason == ""
    assert order.credit_taken == _credit_used(account) == Decimal("0.00")
    assert order.decision_reason == "Customer changed its mind"
    assert list(order.events.order_by("id").values_list("actor", "from_state", "to_state"))[-1] == (licensing_contact.user_id, state, "cancelled")
    assert OutboundEmail.objects.filter(to="carlos@acme.test", subject__contains="is now Cancelled").count() == 1
    assert len(callbacks) == 1


def test_a_sent_order_is_not_cancelled_by_the_contact_whose_message_names_the_executive(vl_order_in, licensing_contact, sales_executive, account):
    order = vl_order_in(State.SENT)
    with pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=order)
    assert refused.value.message == (
        f"The order is already with the manufacturer: ask your sales executive {sales_executive.get_full_name()} to cancel it."
    )
    assert _fresh(order).state == State.SENT and _credit_used(account) == Decimal("9000.00")


def test_the_executive_cancels_a_sent_order_and_its_credit_returns(vl_order_in, sales_executive, account):
    order = vl_order_in(State.SENT)
    services.vl_order_cancel(actor=sales_executive, order=order, reason="Manufacturer refused it")
    order = _fresh(order)
    assert order.state == State.CANCELLED and order.credit_taken == _credit_used(account) == Decimal("0.00")
    assert list(order.events.order_by("id").values_list("actor", "from_state", "to_state"))[-1] == (sales_executive.pk, "sent", "cancelled")


def test_another_accounts_contact_or_executive_cannot_cancel(vl_order_in, other_contact, account):
    order = vl_order_in(State.PLACED)
    with pytest.raises(LicensingError, match="This order is not your account's."):
        services.vl_order_cancel(actor=other_contact.user, order=order)
    stranger = UserFactory(username="sam3", is_staff=True)
    with pytest.raises(LicensingError, match="Only the account's sales executive or the back office"):
        services.vl_order_cancel(actor=stranger, order=order)
    assert _fresh(order).state == State.PLACED and _credit_used(account) == Decimal("9000.00")


def test_an_order_not_yet_processed_takes_no_replacement(vl_order_in, licensing_contact, vl_catalog):
    order = vl_order_in(State.PLACED)
    replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 2, None)], key="replacement" + "k" * 21)
    with pytest.raises(LicensingError, match="Only a processed order needs a replacement order.") as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=order, replacement=replacement)
    assert refused.value.field == "replacement" and _fresh(order).state == State.PLACED


def test_cancelling_twice_is_refused_and_returns_the_credit_once(vl_order_in, licensing_contact, vl_catalog, account):
    # Given one cancelled order and another open one on the same credit line
    order = vl_order_in(State.PLACED)
    place_vl(licensing_contact, items=[(vl_catalog["server"], 1, None)], key="other" + "k" * 27)
    services.vl_order_cancel(actor=licensing_contact.user, order=order)

    # When it is cancelled again, then it is refused and only the first cancellation gave credit back
    with pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=order)
    assert refused.value.message == f"Order {order.number} is already cancelled."
    assert _credit_used(account) == Decimal("18000.00")
    assert _fresh(order).events.filter(to_state=State.CANCELLED).count() == 1


# --- once processed: the replacement order ----------------------------------------------------------


def test_a_processed_order_is_not_cancelled_without_a_replacement(processed, licensing_contact, account):
    with _at(PROCESSED_AT + timedelta(days=5)), pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=processed)
    assert refused.value.message == "A processed order is cancelled only by a replacement order of equal or greater value (9,000.00 MXN or more)."
    assert refused.value.field == "replacement"
    _refused_and_unchanged(processed, account, Decimal("9000.00"))


@pytest.mark.parametrize("state", [State.PROCESSED, State.RECEIVED])
@pytest.mark.parametrize("days", [1, 30, 60])
def test_within_60_days_a_replacement_of_equal_or_greater_value_cancels_it(vl_order_in, licensing_contact, vl_catalog, account, state, days):
    # Given an order processed (or received) and, a day later, a replacement of equal value
    with _at(PROCESSED_AT):
        order = vl_order_in(state)
    replacement = _replacement(licensing_contact, vl_catalog, office=1)
    assert _credit_used(account) == Decimal("18000.00")

    # When the contact cancels it with that replacement, `days` days after processing
    with _at(PROCESSED_AT + timedelta(days=days)):
        services.vl_order_cancel(actor=licensing_contact.user, order=order, replacement=replacement)

    # Then it is cancelled, replaced, and its own credit is back while the replacement's stays taken
    order = _fresh(order)
    assert order.state == State.CANCELLED and order.replaced_by == replacement
    assert order.cancelled_at == PROCESSED_AT + timedelta(days=days)
    assert order.credit_taken == Decimal("0.00") and _credit_used(account) == Decimal("9000.00")
    assert _fresh(replacement).state == State.PLACED and _fresh(replacement).credit_taken == Decimal("9000.00")
    event = order.events.order_by("id").last()
    assert (event.from_state, event.to_state, event.note) == (state, "cancelled", f"cancelled; replaced by {replacement.number}")
    assert replacement.number in OutboundEmail.objects.get(subject__contains="is now Cancelled").body_text


def test_the_executive_cancels_a_processed_order_under_the_same_rule(processed, licensing_contact, sales_executive, vl_catalog, account):
    replacement = _replacement(licensing_contact, vl_catalog)
    with _at(PROCESSED_AT + timedelta(days=61)), pytest.raises(LicensingError, match="more than 60 days"):
        services.vl_order_cancel(actor=sales_executive, order=processed, replacement=replacement)
    with _at(PROCESSED_AT + timedelta(days=2)):
        services.vl_order_cancel(actor=sales_executive, order=processed, replacement=replacement)
    assert _fresh(processed).state == State.CANCELLED and _fresh(processed).replaced_by == replacement


def test_on_day_61_a_processed_order_can_no_longer_be_cancelled(processed, licensing_contact, vl_catalog, account):
    replacement = _replacement(licensing_contact, vl_catalog)
    with _at(PROCESSED_AT + timedelta(days=61)), pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=replacement)
    assert refused.value.message == "The order was processed more than 60 days ago: it can no longer be cancelled."
    _refused_and_unchanged(processed, account, Decimal("27000.00"))


def test_a_replacement_worth_less_is_refused(processed, licensing_contact, vl_catalog, account):
    # Given a replacement of 8 Windows Server CALs of Open Business (7,200.00) for an order of 9,000.00
    with _at(PROCESSED_AT + timedelta(days=1)):
        smaller = place_vl(licensing_contact, items=[(vl_catalog["cal"], 8, None)], program=Program.OPEN_BUSINESS, key="small" + "k" * 27)
    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=smaller)
    assert refused.value.message == "The replacement order (7,200.00 MXN) is worth less than this order (9,000.00 MXN)."
    _refused_and_unchanged(processed, account, Decimal("16200.00"))


def test_a_replacement_placed_before_the_processing_is_refused(processed, licensing_contact, vl_catalog, account):
    early = _replacement(licensing_contact, vl_catalog, days=-1)
    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError, match="placed after this one was processed"):
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=early)
    _refused_and_unchanged(processed, account, Decimal("27000.00"))


def test_a_replacement_of_another_account_is_refused(processed, licensing_contact, other_contact, other_account, vl_catalog, account):
    other_contact.can_license = True
    other_contact.save(update_fields=["can_license"])
    Account.objects.filter(pk=other_account.pk).update(credit_limit=Decimal("50000000.00"))
    with _at(PROCESSED_AT + timedelta(days=1)):
        theirs = place_vl(other_contact, items=[(vl_catalog["office"], 2, None)], key="theirs" + "k" * 26)
    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError, match="Choose one of your account's other licensing orders"):
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=theirs)
    _refused_and_unchanged(processed, account, Decimal("9000.00"))


def test_the_order_itself_is_no_replacement(processed, licensing_contact, account):
    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError, match="Choose one of your account's other licensing orders"):
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=processed)
    _refused_and_unchanged(processed, account, Decimal("9000.00"))


def test_a_cancelled_replacement_is_refused(processed, licensing_contact, vl_catalog, account):
    replacement = _replacement(licensing_contact, vl_catalog)
    services.vl_order_cancel(actor=licensing_contact.user, order=replacement)
    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError, match="The replacement order is cancelled."):
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=replacement)
    _refused_and_unchanged(processed, account, Decimal("9000.00"))


def test_a_replacement_already_replacing_another_order_is_refused(vl_order_in, licensing_contact, vl_catalog, account):
    # Given two processed orders and one replacement, which already cancelled the first
    with _at(PROCESSED_AT):
        first = vl_order_in(State.PROCESSED)
        second = vl_order_in(State.PROCESSED)
    replacement = _replacement(licensing_contact, vl_catalog)
    with _at(PROCESSED_AT + timedelta(days=2)):
        services.vl_order_cancel(actor=licensing_contact.user, order=first, replacement=replacement)

    # When it is offered again for the second, then it is refused
    with _at(PROCESSED_AT + timedelta(days=3)), pytest.raises(LicensingError, match="already replaces another cancelled order"):
        services.vl_order_cancel(actor=licensing_contact.user, order=second, replacement=replacement)
    _refused_and_unchanged(second, account, Decimal("27000.00"))


def test_the_contact_cannot_cancel_a_replacement_once_it_replaced_an_order(processed, licensing_contact, sales_executive, vl_catalog, account):
    # Given a processed order cancelled by its replacement
    replacement = _replacement(licensing_contact, vl_catalog)
    with _at(PROCESSED_AT + timedelta(days=2)):
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=replacement)
    assert _credit_used(account) == Decimal("18000.00")

    # When the contact cancels the replacement too, then it is refused: the processed order would be
    # returned with no replacement
    with _at(PROCESSED_AT + timedelta(days=3)), pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=replacement)
    assert refused.value.message == (
        f"Order {replacement.number} replaces the cancelled order {processed.number}: ask your sales executive to cancel it."
    )
    assert _fresh(replacement).state == State.PLACED and _credit_used(account) == Decimal("18000.00")

    # And the sales executive still may
    services.vl_order_cancel(actor=sales_executive, order=replacement, reason="Manufacturer took the licences back")
    assert _fresh(replacement).state == State.CANCELLED and _credit_used(account) == Decimal("0.00")


# --- never returned ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["contact", "back_office"])
def test_an_order_with_a_windows_legal_line_is_never_cancelled_once_processed(vl_order_in, licensing_contact, back_office, vl_catalog, account, who):
    # Given a processed order of Windows 11 Legalization and Office, and a replacement worth more, within the window
    with _at(PROCESSED_AT):
        order = vl_order_in(State.PROCESSED, items=[(vl_catalog["legal"], 1, None), (vl_catalog["office"], 1, None)])
    replacement = _replacement(licensing_contact, vl_catalog)
    actor = licensing_contact.user if who == "contact" else back_office

    # When anyone cancels it, then it is refused
    with _at(PROCESSED_AT + timedelta(days=1, hours=1)), pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=actor, order=order, replacement=replacement)
    assert refused.value.message == "Windows Legal licences are never returned nor cancelled."
    assert _fresh(order).state == State.PROCESSED and _fresh(order).replaced_by is None
    assert _credit_used(account) == Decimal("13500.00") + Decimal("18000.00")


def test_an_order_with_an_activated_cloud_line_is_never_cancelled(vl_order_in, licensing_contact, back_office, vl_catalog, account):
    # Given a processed Microsoft 365 order whose end customer activated the subscription
    with _at(PROCESSED_AT):
        order = vl_order_in(State.PROCESSED, items=[(vl_catalog["m365"], 4, None)], program=Program.OPEN_VALUE_SUBSCRIPTION)
    replacement = _replacement(licensing_contact, vl_catalog)
    with _at(PROCESSED_AT + timedelta(hours=3)):
        line = services.vl_line_mark_activated(actor=back_office, line=order.lines.get())
    assert line.activated_at == PROCESSED_AT + timedelta(hours=3)

    # When the contact cancels it with a good replacement, then it is refused
    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError) as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=order, replacement=replacement)
    assert refused.value.message == "A cloud product of this order is already activated: it cannot be returned."
    assert _fresh(order).state == State.PROCESSED and _credit_used(account) == Decimal("10000.00") + Decimal("18000.00")


def test_an_order_with_a_cloud_line_not_activated_is_cancelled_by_a_replacement(vl_order_in, licensing_contact, vl_catalog, account):
    with _at(PROCESSED_AT):
        order = vl_order_in(State.PROCESSED, items=[(vl_catalog["m365"], 4, None)], program=Program.OPEN_VALUE_SUBSCRIPTION)
    replacement = _replacement(licensing_contact, vl_catalog)
    with _at(PROCESSED_AT + timedelta(days=2)):
        services.vl_order_cancel(actor=licensing_contact.user, order=order, replacement=replacement)
    assert _fresh(order).state == State.CANCELLED and _credit_used(account) == Decimal("18000.00")


def test_marking_activated_is_for_cloud_lines_and_staff_only(processed, licensing_contact, back_office):
    with pytest.raises(LicensingError, match="Only a cloud product is activated."):
        services.vl_line_mark_activated(actor=back_office, line=processed.lines.get())
    with pytest.raises(LicensingError, match="Only distributor staff"):
        services.vl_line_mark_activated(actor=licensing_contact.user, line=processed.lines.get())
    assert processed.lines.get().activated_at is None


def test_marking_activated_twice_keeps_the_first_moment_and_one_event(vl_order_in, back_office, vl_catalog):
    with _at(PROCESSED_AT):
        order = vl_order_in(State.PROCESSED, items=[(vl_catalog["m365"], 1, None)], program=Program.OPEN_VALUE_SUBSCRIPTION)
    with _at(PROCESSED_AT + timedelta(hours=1)):
        services.vl_line_mark_activated(actor=back_office, line=order.lines.get())
    with _at(PROCESSED_AT + timedelta(hours=2)):
        line = services.vl_line_mark_activated(actor=back_office, line=order.lines.get())
    assert line.activated_at == order.lines.get().activated_at == PROCESSED_AT + timedelta(hours=1)
    assert order.events.filter(note="VL-MS-0004 activated").count() == 1
    assert _fresh(order).state == State.PROCESSED


def test_a_replacement_still_awaiting_a_decision_on_its_prices_is_refused(processed, licensing_contact, vl_catalog, account):
    # A held replacement could be rejected later, leaving the processed order cancelled for nothing.
    with _at(PROCESSED_AT + timedelta(days=1)):
        held = place_vl(licensing_contact, items=[(vl_catalog["office"], 2, "8500.00")], key="held-replacement" + "k" * 16)
    credit = _credit_used(account)

    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError, match="awaits a decision") as refused:
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=held)

    assert refused.value.field == "replacement"
    _refused_and_unchanged(processed, account, credit)


def test_an_invoiced_order_is_not_cancelled_even_by_a_replacement(processed, licensing_contact, back_office, vl_catalog, account):
    from orders.invoices import invoice_issue

    invoice = invoice_issue(actor=back_office, licence_order=processed)
    replacement = _replacement(licensing_contact, vl_catalog)
    credit = _credit_used(account)

    with _at(PROCESSED_AT + timedelta(days=2)), pytest.raises(LicensingError, match=f"invoiced \\({invoice.number}\\)"):
        services.vl_order_cancel(actor=licensing_contact.user, order=processed, replacement=replacement)

    _refused_and_unchanged(processed, account, credit)


def test_a_cloud_product_is_not_marked_activated_before_the_order_is_processed(vl_order_in, back_office, vl_catalog):
    order = vl_order_in(State.SENT, items=[(vl_catalog["m365"], 2, None)], program=Program.OPEN_VALUE_SUBSCRIPTION)
    line = order.lines.get()

    with pytest.raises(LicensingError, match="Only a processed or received order"):
        services.vl_line_mark_activated(actor=back_office, line=line)

    line.refresh_from_db()
    assert line.activated_at is None


def test_a_cancelled_received_order_no_longer_offers_its_ecertificate(vl_order_in, licensing_contact, vl_catalog, contact_client):
    from django.urls import reverse

    with _at(PROCESSED_AT):
        received = vl_order_in(State.RECEIVED)
    LicenceOrder.objects.filter(pk=received.pk).update(certificate_due_at=PROCESSED_AT)
    with _at(PROCESSED_AT + timedelta(days=1)):
        assert services.vl_certificate_release(order_id=received.pk)
    assert _fresh(received).certificate_available
    replacement = _replacement(licensing_contact, vl_catalog, days=2)

    with _at(PROCESSED_AT + timedelta(days=3)):
        services.vl_order_cancel(actor=licensing_contact.user, order=received, replacement=replacement)

    assert not _fresh(received).certificate_available
    assert contact_client.get(reverse("licensing:certificate", args=[received.number])).status_code == 404
