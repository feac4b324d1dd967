"""Volume licensing products are ordered from the Volume Licensing page, never through the cart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders import services as order_services
from orders.models import CartLine

pytestmark = pytest.mark.django_db


def test_add_to_cart_refuses_a_volume_licensing_product(contact, vl_catalog):
    with pytest.raises(order_services.OrderError, match="Volume Licensing page"):
        order_services.cart_add(contact=contact, product=vl_catalog["office"], quantity=1)
    assert not CartLine.objects.filter(cart__contact=contact).exists()


def test_add_multiple_products_reports_a_volume_licensing_line(contact, vl_catalog, stocked):
    added, problems = order_services.cart_add_many(
        contact=contact, rows=[(1, vl_catalog["office"].sku, "2"), (2, stocked["thinkpad"].sku, "1")]
    )
    assert [line.product.sku for line in added] == [stocked["thinkpad"].sku]
    assert [(problem.line, "Volume Licensing page" in problem.reason) for problem in problems] == [(1, True)]


def test_product_page_offers_the_licensing_order_instead_of_the_cart(contact, client, vl_catalog):
    contact.can_license = True
    contact.save(update_fields=["can_license"])
    client.force_login(contact.user)
    product = vl_catalog["office"]
    page = client.get(reverse("catalog:product-detail", args=[product.sku])).content.decode()
    assert "Order as Volume Licensing" in page
    assert f"{reverse('licensing:order-new')}?program=open_value" in page
    assert ">Add to cart<" not in page


def test_product_page_tells_a_contact_without_the_permission_who_orders_licensing(contact, contact_client, vl_catalog):
    contact.can_license = False
    contact.save(update_fields=["can_license"])
    page = contact_client.get(reverse("catalog:product-detail", args=[vl_catalog["office"].sku])).content.decode()
    assert "Order as Volume Licensing" not in page
    assert "ordered by users with the licensing permission" in page
