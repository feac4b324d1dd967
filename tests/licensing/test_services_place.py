"""Placing a licensing order on the credit line, through the service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Account
from licensing import services
from licensing.models import LicenceOrder, LicenceOrderEvent, LicenceOrderLine, Program
from licensing.services import LicensingError
from storefront.models import OutboundEmail
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db


def _credit_used(account) -> Decimal:
    return Account.objects.get(pk=account.pk).credit_used


def _nothing_saved(account) -> None:
    assert not LicenceOrder.objects.exists()
    assert not LicenceOrderLine.objects.exists()
    assert not LicenceOrderEvent.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert _credit_used(account) == Decimal("0.00")


# --- the happy paths --------------------------------------------------------------------------------


def test_an_order_at_list_prices_is_placed_and_takes_its_total_from_the_credit_line(licensing_contact, vl_catalog, account):
    # Given Acme with 500,000 of credit
    # When its contact orders 3 Office and 1 Windows Server at list price
    order = place_vl(licensing_contact, items=[(vl_catalog["office"], 3, None), (vl_catalog["server"], 1, None)])

    # Then the order is placed, not held, and its total is taken from the credit line
    order.refresh_from_db()
    assert order.number == f"VL{order.pk:08d}"
    assert order.state == LicenceOrder.State.PLACED and order.hold_reason == ""
    assert order.account == account and order.placed_by == licensing_contact and order.program == Program.OPEN_VALUE
    assert order.currency == "MXN" and order.end_customer == "Colegio Azteca"
    assert order.total == order.list_total == order.credit_taken == Decimal("45000.00")
    assert _credit_used(account) == Decimal("45000.00")
    assert [(l.sku, l.quantity, l.list_price, l.requested_price, l.unit_price, l.line_total) for l in order.lines.all()] == [
        ("VL-MS-0001", 3, Decimal("9000.00"), None, Decimal("9000.00"), Decimal("27000.00")),
        ("VL-MS-0002", 1, Decimal("18000.00"), None, Decimal("18000.00"), Decimal("18000.00")),
    ]
    assert list(order.events.values_list("actor", "from_state", "to_state")) == [(licensing_contact.user_id, "", "placed")]


def test_a_special_price_holds_the_order_with_the_reason_and_takes_credit_at_the_requested_prices(held_order, account):
    # Given the held order fixture: 10 Office asked at 8,000.00 (list 9,000.00) and 2 Windows Server at list
    order = LicenceOrder.objects.get(pk=held_order.pk)

    # Then it is on hold, says why, and the credit taken is the total at the requested prices
    assert order.state == LicenceOrder.State.ON_HOLD
    assert order.hold_reason == "Special price requested on 1 line: awaiting your sales executive's approval."
    assert order.list_total == Decimal("9000.00") * 10 + Decimal("18000.00") * 2
    assert order.total == order.credit_taken == Decimal("8000.00") * 10 + Decimal("18000.00") * 2 == Decimal("116000.00")
    assert _credit_used(account) == Decimal("116000.00")
    office, server = order.lines.all()
    assert (office.requested_price, office.unit_price, office.has_special_price, office.difference) == (
        Decimal("8000.00"), Decimal("8000.00"), True, Decimal("-1000.00"))
    assert (server.requested_price, server.unit_price, server.has_special_price) == (None, Decimal("18000.00"), False)
    assert list(order.events.values_list("from_state", "to_state", "note")) == [("", "on_hold", "special price requested")]


def test_the_placed_order_carries_its_account_with_the_credit_as_now_used(licensing_contact, vl_catalog, account):
    # Given an order at list price (not held)
    order = place_vl(licensing_contact, items=[(vl_catalog["office"], 2, None)])

    # Then the account it carries holds amounts: reading and saving it again takes nothing more
    assert order.account.credit_used == Decimal("18000.00")
    assert order.account.credit_available == Decimal("482000.00")
    order.account.save()
    assert _credit_used(account) == Decimal("18000.00")


def test_a_special_price_equal_to_the_list_price_is_no_special_price(licensing_contact, vl_catalog):
    order = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, "9000.00")])
    assert order.state == LicenceOrder.State.PLACED
    assert order.lines.get().requested_price is None


def test_a_colombian_account_orders_open_value_in_its_currency(other_contact, other_account, vl_catalog):
    other_contact.can_license = True
    other_contact.save(update_fields=["can_license"])
    Account.objects.filter(pk=other_account.pk).update(credit_limit=Decimal("5000000.00"))
    order = place_vl(other_contact, items=[(vl_catalog["office"], 1, None)])
    assert order.account == other_account and order.currency == "COP" and order.total == Decimal("1980000.00")
    assert _credit_used(other_account) == Decimal("1980000.00")


# --- who may order, what, where ---------------------------------------------------------------------


def test_a_contact_without_the_licensing_permission_is_refused_and_nothing_is_saved(contact, vl_catalog, account):
    # Given Acme's contact without the volume licensing permission
    contact.can_license = False
    contact.save(update_fields=["can_license"])

    # When it tries to order, then it is refused and nothing is saved
    with pytest.raises(LicensingError, match="cannot order volume licensing"):
        place_vl(contact, items=[(vl_catalog["office"], 1, None)])
    _nothing_saved(account)


def test_a_program_not_offered_in_the_accounts_country_is_refused(other_contact, other_account, vl_catalog):
    # Given Orbit IT in Colombia, where only Open Value is offered
    other_contact.can_license = True
    other_contact.save(update_fields=["can_license"])

    # When it orders Open Business, then it is refused on the program field
    with pytest.raises(LicensingError, match="not offered in your country") as refused:
        place_vl(other_contact, items=[(vl_catalog["cal"], 1, None)], program=Program.OPEN_BUSINESS)
    assert refused.value.field == "program"
    _nothing_saved(other_account)


def test_a_product_of_another_program_is_refused_with_its_line(licensing_contact, vl_catalog, account):
    # When an Open Value order holds Microsoft 365 of Open Value Subscription
    with pytest.raises(LicensingError, match="not sold in this program") as refused:
        place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None), (vl_catalog["m365"], 1, None)])
    assert refused.value.line == vl_catalog["m365"].pk
    _nothing_saved(account)


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("9000.01", "VL-MS-0001: the special price is above the list price (9,000.00 MXN)"),
        ("0", "VL-MS-0001: a special price is an amount above zero with at most two decimals."),
        ("-100.00", "VL-MS-0001: a special price is an amount above zero with at most two decimals."),
        ("8000.005", "VL-MS-0001: a special price is an amount above zero with at most two decimals."),
    ],
)
def test_a_bad_special_price_is_refused_with_its_line(licensing_contact, vl_catalog, account, price, message):
    lines = [services.LineRequest(product_id=vl_catalog["office"].pk, quantity=1, requested_price=Decimal(price))]
    with pytest.raises(LicensingError) as refused:
        services.vl_order_place(contact=licensing_contact, program=Program.OPEN_VALUE, end_customer="Colegio Azteca", lines=lines, submission_key="k" * 32)
    assert refused.value.message.startswith(message)
    assert refused.value.line == vl_catalog["office"].pk
    _nothing_saved(account)


@pytest.mark.parametrize("quantity", [0, 10000])
def test_an_amount_outside_1_to_9999_is_refused(licensing_contact, vl_catalog, account, quantity):
    with pytest.raises(LicensingError, match="VL-MS-0001: the amount must be a whole number from 1 to 9999.") as refused:
        place_vl(licensing_contact, items=[(vl_catalog["office"], quantity, None)])
    assert refused.value.line == vl_catalog["office"].pk
    _nothing_saved(account)


def test_an_order_above_the_available_credit_says_how_much_is_missing(licensing_contact, vl_catalog, account):
    # Given 500,000 of credit of which 20,000 are used
    Account.objects.filter(pk=account.pk).update(credit_used=Decimal("20000.00"))

    # When the contact orders 60 Office (540,000.00)
    with pytest.raises(LicensingError) as refused:
        place_vl(licensing_contact, items=[(vl_catalog["office"], 60, None)])

    # Then it is refused with the amount missing, and the credit line is untouched
    assert refused.value.message == "The order (540,000.00 MXN) exceeds your available credit (480,000.00 MXN) by 60,000.00 MXN."
    assert _credit_used(account) == Decimal("20000.00")
    assert not LicenceOrder.objects.exists()


def test_an_order_using_exactly_the_available_credit_is_placed(licensing_contact, vl_catalog, account):
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("18000.00"))
    order = place_vl(licensing_contact, items=[(vl_catalog["office"], 2, None)])
    assert order.state == LicenceOrder.State.PLACED and _credit_used(account) == Decimal("18000.00")


def test_a_blocked_account_is_refused(licensing_contact, vl_catalog, account):
    Account.objects.filter(pk=account.pk).update(state=Account.State.BLOCKED)
    with pytest.raises(LicensingError, match="Your account is blocked"):
        place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)])
    _nothing_saved(account)


# --- the same form twice ----------------------------------------------------------------------------


def test_the_same_submission_twice_makes_one_order_and_one_credit_debit(licensing_contact, vl_catalog, account):
    # When "Finish order" is pressed twice with one form
    first = place_vl(licensing_contact, items=[(vl_catalog["office"], 2, None)], key="same" * 8)
    second = place_vl(licensing_contact, items=[(vl_catalog["office"], 2, None)], key="same" * 8)

    # Then both answers are the one order, its credit taken once, placed once, emailed once
    assert first.pk == second.pk and second.number == first.number
    assert LicenceOrder.objects.count() == 1 and LicenceOrderLine.objects.count() == 1
    assert _credit_used(account) == Decimal("18000.00")
    assert LicenceOrderEvent.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_another_contact_reusing_a_submission_key_is_refused(licensing_contact, admin_contact, vl_catalog, account):
    # Given an order placed with a key, and a colleague allowed to order licensing
    place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], key="used" * 8)
    admin_contact.can_license = True
    admin_contact.save(update_fields=["can_license"])

    # When the colleague sends the same key, then it is refused and nothing more is taken
    with pytest.raises(LicensingError, match="This order form was already used"):
        place_vl(admin_contact, items=[(vl_catalog["server"], 1, None)], key="used" * 8)
    assert LicenceOrder.objects.get().placed_by == licensing_contact
    assert _credit_used(account) == Decimal("9000.00")


# --- emails -----------------------------------------------------------------------------------------


def test_a_placed_order_emails_the_contact_only_after_commit(licensing_contact, vl_catalog, django_capture_on_commit_callbacks):
    # When an order at list price is placed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)])

    # Then the email is stored for the contact only, and delivered only when the transaction commits
    email = OutboundEmail.objects.get()
    assert email.to == "carlos@acme.test" and order.number in email.subject and order.number in email.body_text
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    assert [message.to for message in mail.outbox] == [["carlos@acme.test"]]


def test_a_held_order_emails_the_contact_and_the_sales_executive_after_commit(licensing_contact, vl_catalog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, "8500.00")])
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == ["carlos@acme.test", "sales@distributor.test"]
    held = OutboundEmail.objects.get(to="sales@distributor.test")
    assert order.number in held.subject and "Acme Reseller" in held.subject
    assert len(callbacks) == 2 and mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == ["carlos@acme.test", "sales@distributor.test"]


def test_a_refused_order_queues_no_email(licensing_contact, vl_catalog, account, django_capture_on_commit_callbacks):
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("100.00"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(LicensingError):
        place_vl(licensing_contact, items=[(vl_catalog["office"], 1, "8500.00")])
    assert callbacks == [] and not OutboundEmail.objects.exists() and mail.outbox == []


def test_a_special_price_needs_a_sales_executive_to_approve_it(licensing_contact, vl_catalog, account):
    Account.objects.filter(pk=account.pk).update(sales_executive=None)
    licensing_contact.account.refresh_from_db()

    with pytest.raises(LicensingError, match="no sales executive to approve a special price"):
        place_vl(licensing_contact, items=[(vl_catalog["office"], 1, "8000.00")])

    assert not LicenceOrder.objects.exists()
    # At the list price nothing needs approving.
    assert place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)]).state == "placed"
