"""A delivered order of Acme (3 ThinkPads, 1 Latitude) with its shipped serials, and Mexico's service centre."""

from __future__ import annotations

import pytest

from orders import services as order_services
from orders.models import Order
from rma.models import ServiceCentre, ShippedSerials

THINKPAD_SERIALS = ["PF-TP-0001", "PF-TP-0002", "PF-TP-0003"]


def place_order(contact, *, items, key: str, back_office, to_state: str = Order.State.DELIVERED) -> Order:
    """Order the items through the services, then the back office takes it to `to_state`."""
    for product, quantity in items:
        order_services.cart_add(contact=contact, product=product, quantity=quantity)
    order = order_services.order_place(
        contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key=key
    )
    path = [Order.State.PROCESSING, Order.State.SHIPPED, Order.State.DELIVERED]
    if to_state in path:
        for state in path[: path.index(to_state) + 1]:
            order = order_services.order_move(actor=back_office, order=order, to_state=state)
    return order


@pytest.fixture
def delivered(contact, stocked, back_office) -> Order:
    order = place_order(contact, items=[(stocked["thinkpad"], 3), (stocked["latitude"], 1)], key="d" * 32, back_office=back_office)
    thinkpad_line = order.lines.get(product=stocked["thinkpad"])
    ShippedSerials.objects.create(order_line=thinkpad_line, serials=THINKPAD_SERIALS)
    return order


@pytest.fixture
def centre(db) -> ServiceCentre:
    return ServiceCentre.objects.create(
        country="MX", name="Service Centre CDMX", address="Calz. de Tlalpan 100", city="Ciudad de México",
        phone="+52 55 5555 0300", email="rma.mx@distributor.test", hours="Mon–Fri 9:00–18:00",
    )
