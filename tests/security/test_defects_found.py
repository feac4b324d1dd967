"""Defects the state matrix found, each pinned by a focused test."""

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
