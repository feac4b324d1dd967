"""The shipment types each country offers at Generate Order.

Miami sells for export and Jamaica ships by sea: both offer pickup at the warehouse and a courier or
freight forwarder, not local delivery. Every other country offers the three types.
"""

from __future__ import annotations

from orders.models import Order

Shipment = Order.Shipment

SHIPMENT_TYPES_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    "US": (Shipment.PICKUP, Shipment.COURIER),
    "JM": (Shipment.PICKUP, Shipment.COURIER),
}


def shipment_types_for(country: str) -> list[tuple[str, str]]:
    """The (value, label) shipment choices offered in the country, in the order of Order.Shipment."""
    offered = SHIPMENT_TYPES_BY_COUNTRY.get(country, tuple(Shipment.values))
    return [(value, label) for value, label in Shipment.choices if value in offered]
