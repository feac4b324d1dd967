"""Each country offers its own shipment types at Generate Order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Account
from orders import services
from orders.models import Order
from orders.shipping import shipment_types_for

pytestmark = pytest.mark.django_db


def test_miami_offers_pickup_and_courier_and_mexico_all_three():
    assert [value for value, _label in shipment_types_for("US")] == ["pickup", "courier"]
    assert [value for value, _label in shipment_types_for("MX")] == ["pickup", "delivery", "courier"]


def test_generate_order_shows_only_the_countrys_shipment_types(contact_client, contact, account, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    Account.objects.filter(pk=account.pk).update(country="US", currency="MXN")

    page = contact_client.get(reverse("orders:checkout")).content.decode()

    assert 'value="pickup"' in page and 'value="courier"' in page
    assert 'value="delivery"' not in page


def test_a_shipment_type_the_country_does_not_offer_is_refused(contact, account, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    Account.objects.filter(pk=account.pk).update(country="JM")
    contact.account.refresh_from_db()

    with pytest.raises(services.OrderError, match="not offered in your country") as refused:
        services.order_place(contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key="s" * 32)

    assert refused.value.field == "shipment_type"
    assert not Order.objects.exists()
