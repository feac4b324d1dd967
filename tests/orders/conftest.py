"""Stock in the account's country for the shared catalog, so its products can be ordered."""

from __future__ import annotations

import pytest

from catalog.services import availability_refresh
from tests.catalog.factories import StockFactory, WarehouseFactory


@pytest.fixture
def stocked(catalog):
    """Mexico City and Monterrey hold the notebooks; the monitor has 2 units in Mexico City."""
    mexico = WarehouseFactory(code="MX-CDMX", name="Mexico City", country="MX")
    monterrey = WarehouseFactory(code="MX-MTY", name="Monterrey", country="MX")
    StockFactory(product=catalog["thinkpad"], warehouse=mexico, quantity=8)
    StockFactory(product=catalog["thinkpad"], warehouse=monterrey, quantity=4)
    StockFactory(product=catalog["ideapad"], warehouse=mexico, quantity=0, incoming_quantity=40)
    StockFactory(product=catalog["latitude"], warehouse=monterrey, quantity=3)
    StockFactory(product=catalog["monitor"], warehouse=mexico, quantity=2)
    availability_refresh()
    return catalog
