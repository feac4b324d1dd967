"""The sales executive's decisions on a held order (approve, reject, counter-offer) and the reseller's
answer to a counter-offer, through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Account
from licensing import services
from licensing.models import LicenceOrder
from licensing.services import LicensingError
from storefront.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_executive(db):
    """A sales executive of the distributor who is not Acme's."""
    return UserFactory(username="sam2", email="sam2@distributor.test", is_staff=True)


def _credit_used(account) -> Decimal:
    return Account.objects.get(pk=account.pk).credit_used


def _fresh(order: LicenceOrder) -> LicenceOrder:
    return LicenceOrder.objects.get(pk=order.pk)


def _lines(order: LicenceOrder) -> list[tuple]:
    return list(order.lines.order_by("id").values_list("sku", "unit_price", "counter_price", "line_total"))


def _offer(order: LicenceOrder, office: str, server: str) -> dict[int, Decimal]:
    """Counter prices keyed by line: the Office line, then the Windows Server line."""
    office_line, server_line = order.lines.order_by("id")
    return {office_line.pk: Decimal(office), server_line.pk: Decimal(server)}


def _unchanged(order: LicenceOrder, *, state: str, credit: Decimal, account, events: int = 1) -> None:
    fresh = _fresh(order)
    assert fresh.state == state and fresh.decided_by is None
    assert fresh.credit_taken == fresh.total == credit
    assert _credit_used(account) == credit
    assert fresh.events.count() == events


# --- approve ----------------------------------------------------------------------------------------


def test_the_accounts_executive_approves_and_the_decision_is_recorded(held_order, sales_executive, account, django_capture_on_commit_callbacks):
    # When Acme's sales executive approves the held order
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = services.vl_order_approve(actor=sales_executive, order=held_order, note="Good customer")

    # Then it is approved at the prices asked, who and when recorded, the credit as it was
    order = _fresh(order)
    assert order.state == LicenceOrder.State.APPROVED and order.hold_reason == ""
    assert order.decided_by == sales_executive and order.decided_at is not None and order.decision_reason == "Good customer"
    assert order.total == order.credit_taken == _credit_used(account) == Decimal("116000.00")
    assert list(order.events.order_by("id").values_list("actor", "from_state", "to_state", "note"))[-1] == (
        sales_executive.pk, "on_hold", "approved", "Good customer")
    # And the reseller is emailed once the decision commits
    email = OutboundEmail.objects.get(subject__contains="is now Approved")
    assert email.to == "carlos@acme.test"
    assert len(callbacks) == 1 and mail.outbox == []  # delivered only when the decision commits
    callbacks[0]()
    assert [message.to for message in mail.outbox] == [["carlos@acme.test"]]


def test_another_executive_cannot_approve_nor_reject_nor_counter_offer(held_order, other_executive, account):
    with pytest.raises(LicensingError, match="Only the account's sales executive or the back office"):
        services.vl_order_approve(actor=other_executive, order=held_order)
    with pytest.raises(LicensingError, match="Only the account's sales executive or the back office"):
        services.vl_order_reject(actor=other_executive, order=held_order, reason="No")
    with pytest.raises(LicensingError, match="Only the account's sales executive or the back office"):
        services.vl_order_counter_offer(actor=other_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))
    _unchanged(held_order, state=LicenceOrder.State.ON_HOLD, credit=Decimal("116000.00"), account=account)
    assert not _fresh(held_order).lines.filter(counter_price__isnull=False).exists()


def test_a_contact_cannot_approve_its_own_order(held_order, licensing_contact, account):
    with pytest.raises(LicensingError, match="Only distributor staff"):
        services.vl_order_approve(actor=licensing_contact.user, order=held_order)
    _unchanged(held_order, state=LicenceOrder.State.ON_HOLD, credit=Decimal("116000.00"), account=account)


def test_the_back_office_may_approve_any_account(held_order, back_office):
    order = services.vl_order_approve(actor=back_office, order=held_order)
    assert _fresh(order).state == LicenceOrder.State.APPROVED and _fresh(order).decided_by == back_office


def test_approving_twice_is_refused_with_a_message(held_order, sales_executive):
    services.vl_order_approve(actor=sales_executive, order=held_order)
    with pytest.raises(LicensingError) as refused:
        services.vl_order_approve(actor=sales_executive, order=held_order)
    assert refused.value.message == "A licensing order in status “Approved” cannot become “Approved”."
    assert _fresh(held_order).events.filter(to_state="approved").count() == 1


def test_an_order_under_counter_offer_is_answered_by_the_reseller_not_approved(held_order, sales_executive, account):
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))
    with pytest.raises(LicensingError, match="Only an order awaiting approval can be approved."):
        services.vl_order_approve(actor=sales_executive, order=held_order)
    assert _fresh(held_order).state == LicenceOrder.State.COUNTER_OFFER
    assert _credit_used(account) == Decimal("116000.00")


# --- reject -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(held_order, sales_executive, account, reason):
    with pytest.raises(LicensingError, match="Give the reason for the rejection") as refused:
        services.vl_order_reject(actor=sales_executive, order=held_order, reason=reason)
    assert refused.value.field == "reason"
    _unchanged(held_order, state=LicenceOrder.State.ON_HOLD, credit=Decimal("116000.00"), account=account)


def test_a_rejection_returns_exactly_the_credit_taken_and_leaves_the_order_rejected(held_order, licensing_contact, vl_catalog, sales_executive, account):
    # Given another order of Acme on the same credit line (9,000.00) beside the held one (116,000.00)
    place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], key="other" + "k" * 27)
    assert _credit_used(account) == Decimal("125000.00")

    # When the executive rejects the held order
    order = services.vl_order_reject(actor=sales_executive, order=held_order, reason="  Below our cost  ")

    # Then only its credit returns, and the order is rejected with the reason, who and when
    assert _credit_used(account) == Decimal("9000.00")
    order = _fresh(order)
    assert order.state == LicenceOrder.State.REJECTED and order.credit_taken == Decimal("0.00")
    assert order.total == Decimal("116000.00")  # what it was worth stays on record
    assert order.decision_reason == "Below our cost" and order.decided_by == sales_executive
    assert order.decided_at is not None and order.cancelled_at is not None and order.hold_reason == ""
    assert list(order.events.order_by("id").values_list("actor", "from_state", "to_state", "note"))[-1] == (
        sales_executive.pk, "on_hold", "rejected", "Below our cost")
    assert "Below our cost" in OutboundEmail.objects.get(subject__contains="is now Rejected").body_text


def test_rejecting_twice_returns_the_credit_once(held_order, sales_executive, account):
    services.vl_order_reject(actor=sales_executive, order=held_order, reason="No")
    with pytest.raises(LicensingError, match="cannot become “Rejected”"):
        services.vl_order_reject(actor=sales_executive, order=held_order, reason="No again")
    assert _credit_used(account) == Decimal("0.00")
    assert _fresh(held_order).events.filter(to_state="rejected").count() == 1


# --- counter-offer ----------------------------------------------------------------------------------


def test_a_counter_offer_records_a_price_per_line_and_waits_for_the_reseller(held_order, sales_executive, account):
    # When the executive offers 8,500.00 for Office (asked 8,000.00) and 17,500.00 for Windows Server (list)
    order = services.vl_order_counter_offer(
        actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"), note="Best we can do"
    )

    # Then the order awaits the reseller's answer; prices and credit stay as asked until it accepts
    order = _fresh(order)
    assert order.state == LicenceOrder.State.COUNTER_OFFER and order.is_awaiting_decision
    assert order.hold_reason == "Your sales executive offers other prices: accept or decline the counter-offer."
    assert order.decided_by == sales_executive and order.decision_reason == "Best we can do"
    assert _lines(order) == [
        ("VL-MS-0001", Decimal("8000.00"), Decimal("8500.00"), Decimal("80000.00")),
        ("VL-MS-0002", Decimal("18000.00"), Decimal("17500.00"), Decimal("36000.00")),
    ]
    assert order.total == _credit_used(account) == Decimal("116000.00")
    assert list(order.events.order_by("id").values_list("from_state", "to_state"))[-1] == ("on_hold", "counter_offer")
    email = OutboundEmail.objects.get(subject__contains="is now Counter-offer")
    assert email.to == "carlos@acme.test" and "8,500.00" in email.body_text


@pytest.mark.parametrize(
    ("office", "server", "message", "field_line"),
    [
        (None, "17500.00", "VL-MS-0001: enter the price you offer.", "office"),
        ("9000.01", "17500.00", "VL-MS-0001: the offer is above the list price (9,000.00 MXN).", "office"),
        ("8500.00", "0", "VL-MS-0002: a price is an amount above zero with at most two decimals.", "server"),
        ("8500.00", "-1.00", "VL-MS-0002: a price is an amount above zero with at most two decimals.", "server"),
        ("8500.001", "17500.00", "VL-MS-0001: a price is an amount above zero with at most two decimals.", "office"),
        ("8000.00", "18000.00", "The offer is the price already asked: approve the order instead.", None),
    ],
)
def test_a_bad_counter_offer_is_refused_and_changes_nothing(held_order, sales_executive, account, office, server, message, field_line):
    office_line, server_line = held_order.lines.order_by("id")
    prices = {server_line.pk: Decimal(server)}
    if office is not None:
        prices[office_line.pk] = Decimal(office)

    with pytest.raises(LicensingError) as refused:
        services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=prices)

    assert refused.value.message == message
    wanted_line = {"office": office_line.pk, "server": server_line.pk, None: None}[field_line]
    assert refused.value.line == wanted_line
    if wanted_line is not None:
        assert refused.value.field == f"price-{wanted_line}"
    _unchanged(held_order, state=LicenceOrder.State.ON_HOLD, credit=Decimal("116000.00"), account=account)
    assert not held_order.lines.filter(counter_price__isnull=False).exists()


def test_accepting_a_counter_offer_applies_its_prices_and_takes_the_extra_credit(held_order, licensing_contact, sales_executive, account, django_capture_on_commit_callbacks):
    # Given a counter-offer worth 120,000.00 on an order that took 116,000.00
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))

    # When the reseller accepts it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = services.vl_counter_offer_accept(contact=licensing_contact, order=held_order)

    # Then the counter prices are the order's, its total is recomputed and the credit line takes the difference
    order = _fresh(order)
    assert order.state == LicenceOrder.State.APPROVED and order.hold_reason == ""
    assert _lines(order) == [
        ("VL-MS-0001", Decimal("8500.00"), Decimal("8500.00"), Decimal("85000.00")),
        ("VL-MS-0002", Decimal("17500.00"), Decimal("17500.00"), Decimal("35000.00")),
    ]
    assert order.total == order.credit_taken == _credit_used(account) == Decimal("120000.00")
    assert list(order.events.order_by("id").values_list("actor", "from_state", "to_state"))[-1] == (licensing_contact.user_id, "counter_offer", "approved")
    # And the executive is told, after commit
    assert OutboundEmail.objects.get(subject__contains="accepted").to == "sales@distributor.test"
    assert len(callbacks) == 1


def test_accepting_a_cheaper_counter_offer_gives_the_difference_back(held_order, licensing_contact, sales_executive, account):
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "7500.00", "18000.00"))
    order = services.vl_counter_offer_accept(contact=licensing_contact, order=held_order)
    assert _fresh(order).total == _fresh(order).credit_taken == _credit_used(account) == Decimal("111000.00")


def test_accepting_is_refused_when_the_extra_credit_is_not_available(held_order, licensing_contact, sales_executive, account):
    # Given a counter-offer 4,000.00 dearer and only 3,999.99 of credit left
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("119999.99"))

    # When the reseller accepts, then it is refused and the order and the credit line stay as they were
    with pytest.raises(LicensingError) as refused:
        services.vl_counter_offer_accept(contact=licensing_contact, order=held_order)
    assert refused.value.message == "Accepting needs 4,000.00 MXN more credit; 3,999.99 MXN are available."
    order = _fresh(held_order)
    assert order.state == LicenceOrder.State.COUNTER_OFFER
    assert order.total == order.credit_taken == _credit_used(account) == Decimal("116000.00")
    assert [line[1] for line in _lines(order)] == [Decimal("8000.00"), Decimal("18000.00")]


def test_declining_a_counter_offer_cancels_the_order_and_returns_its_credit(held_order, licensing_contact, sales_executive, account):
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))

    order = services.vl_counter_offer_decline(contact=licensing_contact, order=held_order, reason="Too dear")

    order = _fresh(order)
    assert order.state == LicenceOrder.State.CANCELLED and order.cancelled_at is not None
    assert order.credit_taken == _credit_used(account) == Decimal("0.00")
    assert order.decision_reason == "Too dear"
    assert list(order.events.order_by("id").values_list("actor", "from_state", "to_state", "note"))[-1] == (
        licensing_contact.user_id, "counter_offer", "cancelled", "counter-offer declined Too dear")
    assert OutboundEmail.objects.get(subject__contains="declined").to == "sales@distributor.test"


@pytest.mark.parametrize("answer", [services.vl_counter_offer_accept, services.vl_counter_offer_decline])
def test_answering_when_there_is_no_counter_offer_is_refused(held_order, licensing_contact, account, answer):
    with pytest.raises(LicensingError, match="There is no counter-offer to answer on this order."):
        answer(contact=licensing_contact, order=held_order)
    _unchanged(held_order, state=LicenceOrder.State.ON_HOLD, credit=Decimal("116000.00"), account=account)


def test_answering_twice_is_refused(held_order, licensing_contact, sales_executive, account):
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))
    services.vl_counter_offer_accept(contact=licensing_contact, order=held_order)
    with pytest.raises(LicensingError, match="There is no counter-offer"):
        services.vl_counter_offer_accept(contact=licensing_contact, order=held_order)
    with pytest.raises(LicensingError, match="There is no counter-offer"):
        services.vl_counter_offer_decline(contact=licensing_contact, order=held_order)
    assert _credit_used(account) == Decimal("120000.00")
    assert _fresh(held_order).events.filter(to_state="approved").count() == 1


def test_a_contact_of_another_account_cannot_answer_the_counter_offer(held_order, other_contact, sales_executive, account):
    other_contact.can_license = True
    other_contact.save(update_fields=["can_license"])
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))
    with pytest.raises(LicensingError, match="This order is not your account's."):
        services.vl_counter_offer_accept(contact=other_contact, order=held_order)
    assert _fresh(held_order).state == LicenceOrder.State.COUNTER_OFFER and _credit_used(account) == Decimal("116000.00")


def test_a_colleague_without_the_licensing_permission_cannot_answer(held_order, admin_contact, sales_executive):
    admin_contact.can_license = False
    admin_contact.save(update_fields=["can_license"])
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))
    with pytest.raises(LicensingError, match="cannot order volume licensing"):
        services.vl_counter_offer_decline(contact=admin_contact, order=held_order)
    assert _fresh(held_order).state == LicenceOrder.State.COUNTER_OFFER


def test_a_blocked_account_cannot_accept_a_counter_offer_that_needs_more_credit(held_order, licensing_contact, sales_executive, account):
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=_offer(held_order, "8500.00", "17500.00"))
    Account.objects.filter(pk=account.pk).update(state=Account.State.BLOCKED)

    with pytest.raises(LicensingError, match="blocked"):
        services.vl_counter_offer_accept(contact=licensing_contact, order=held_order)

    order = _fresh(held_order)
    assert (order.state, order.total, _credit_used(account)) == ("counter_offer", Decimal("116000.00"), Decimal("116000.00"))
