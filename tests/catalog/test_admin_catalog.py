"""The back office's warehouse pages keep availability in step: a warehouse moved to another country
or deleted no longer counts its stock where it was."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Availability, Warehouse
from catalog.services import availability_refresh
from tests.catalog.factories import ProductFactory, StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def _availability(product) -> dict[str, int]:
    return dict(Availability.objects.filter(product=product).values_list("country", "quantity"))


@pytest.fixture
def stocked():
    product = ProductFactory()
    mexico = WarehouseFactory(code="MX-1", name="Mexico City", country="MX")
    monterrey = WarehouseFactory(code="MX-2", name="Monterrey", country="MX")
    StockFactory(product=product, warehouse=mexico, quantity=7)
    StockFactory(product=product, warehouse=monterrey, quantity=5)
    availability_refresh(product_ids=[product.pk])
    assert _availability(product) == {"MX": 12}
    return product, mexico, monterrey


def test_a_warehouse_moved_to_another_country_moves_its_stock(admin_client, stocked):
    product, _mexico, monterrey = stocked
    response = admin_client.post(
        reverse("admin:catalog_warehouse_change", args=[monterrey.pk]), {"code": "MX-2", "name": "Monterrey", "country": "CO"}
    )
    assert response.status_code == 302
    assert _availability(product) == {"MX": 7, "CO": 5}


def test_a_deleted_warehouse_no_longer_counts(admin_client, stocked):
    product, mexico, _monterrey = stocked
    response = admin_client.post(reverse("admin:catalog_warehouse_delete", args=[mexico.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Warehouse.objects.filter(pk=mexico.pk).exists()
    assert _availability(product) == {"MX": 5}


def test_warehouses_deleted_from_the_list_no_longer_count(admin_client, stocked):
    product, mexico, monterrey = stocked
    response = admin_client.post(
        reverse("admin:catalog_warehouse_changelist"),
        {"action": "delete_selected", "_selected_action": [mexico.pk, monterrey.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert _availability(product) == {}
