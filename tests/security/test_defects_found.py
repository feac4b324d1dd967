"""Defects the state matrix and the money properties found, each pinned by a focused test."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from accounts.models import Contact, ContactEvent, ContactLink
from accounts.services import ContactError
from orders import services as order_services
from orders.models import Order, OrderEvent
from orders.services import OrderError
from tests.accounts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_reactivating_a_contact_awaiting_confirmation_is_refused(admin_contact, account):
    # Given a new contact that has not confirmed its address yet
    newcomer = ContactFactory(account=account, state=Contact.State.AWAITING_CONFIRMATION, user__username="newcomer")
    events = ContactEvent.objects.count()

    # When its administrator posts "Reactivate" for it
    with pytest.raises(ContactError, match="Only a deactivated contact can be reactivated."):
        account_services.contact_reactivate(actor=admin_contact, contact=newcomer)

    # Then it still awaits its confirmation: the step is not skipped
    newcomer.refresh_from_db()
    assert newcomer.state == Contact.State.AWAITING_CONFIRMATION
    assert ContactEvent.objects.count() == events


def test_a_confirm_link_does_not_bring_back_a_deactivated_contact(account):
    # Given a deactivated contact holding a confirm link
    gone = ContactFactory(account=account, state=Contact.State.INACTIVE, user__username="gone")
    token = account_services._link_create(contact=gone, purpose=ContactLink.Purpose.CONFIRM)

    # When the link is followed
    with pytest.raises(ContactError, match="This link is not valid"):
        account_services.contact_confirm(token=token)

    # Then the contact stays inactive, with no new event
    gone.refresh_from_db()
    assert gone.state == Contact.State.INACTIVE
    assert not ContactEvent.objects.filter(contact=gone).exists()


def test_moving_an_order_to_a_state_that_does_not_exist_is_refused(contact, stocked, back_office):
    order_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    order = order_services.order_place(contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key="n" * 32)
    with pytest.raises(OrderError, match="cannot become “lost”"):
        order_services.order_move(actor=back_office, order=order, to_state="lost")
    assert Order.objects.get(pk=order.pk).state == Order.State.PLACED
    assert OrderEvent.objects.filter(order=order).count() == 1  # "placed" only


@pytest.mark.parametrize(("typed", "read"), [("1,250.50", "1250.50"), ("15", "15"), ("", None), ("12,000", "12000")])
def test_a_lines_profit_reads_a_comma_only_as_a_thousands_separator(typed, read):
    from decimal import Decimal

    from django.http import QueryDict

    from quotes.forms import line_changes

    changes = line_changes(QueryDict(f"quantity-1=1&profit_kind-1=percent&profit_value-1={typed.replace(',', '%2C')}"), [1])
    assert changes[1].profit_value == (Decimal(read) if read else None)


@pytest.mark.parametrize("typed", ["1,5", "10,00", "1,2,3", ",5"])
def test_a_lines_profit_with_a_decimal_comma_is_refused_not_read_as_a_bigger_number(typed):
    # "1,5" was read as 15: a Spanish reseller meaning 1.5 % sold at 15 %.
    from django.http import QueryDict

    from quotes.forms import line_changes
    from quotes.services import QuoteError

    with pytest.raises(QuoteError, match="is not a number"):
        line_changes(QueryDict(f"quantity-1=1&profit_kind-1=percent&profit_value-1={typed.replace(',', '%2C')}"), [1])


def test_a_spanish_quote_page_saved_as_shown_keeps_its_line_profit(contact, stocked, client):
    # The line's own profit was written "12,50" on the Spanish page and read back as 1250.
    from decimal import Decimal

    from django.urls import reverse

    from quotes import services as quote_services
    from quotes.models import QuoteLine

    line = quote_services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    QuoteLine.objects.filter(pk=line.pk).update(profit_kind="amount", profit_value=Decimal("12.50"))
    client.force_login(contact.user)
    number = line.quote.number
    client.cookies["django_language"] = "es"
    page = client.get(reverse("quotes:quote-detail", args=[number]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in page and "12,50" in page  # a Spanish page, where a decimal shows a comma
    assert f'name="profit_value-{line.pk}" value="12.50"' in page

    response = client.post(
        reverse("quotes:quote-save", args=[number]),
        {"profit_kind": "percent", "profit_value": "10", f"quantity-{line.pk}": "1", f"profit_kind-{line.pk}": "amount", f"profit_value-{line.pk}": "12.50"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 302
    assert QuoteLine.objects.get(pk=line.pk).profit_value == Decimal("12.50")


def test_a_decimal_comma_on_the_spanish_page_is_refused_not_multiplied(contact, stocked, client):
    from decimal import Decimal

    from django.urls import reverse

    from quotes import services as quote_services
    from quotes.models import QuoteLine

    line = quote_services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    client.force_login(contact.user)
    client.cookies["django_language"] = "es"
    response = client.post(
        reverse("quotes:quote-save", args=[line.quote.number]),
        {"profit_kind": "percent", "profit_value": "10", f"quantity-{line.pk}": "1", f"profit_kind-{line.pk}": "amount", f"profit_value-{line.pk}": "12,000"},
    )
    assert response.status_code == 200
    assert QuoteLine.objects.get(pk=line.pk).profit_value is None
