"""storefront.instances makes the instances Django's ModelIterable makes: the same fields (deferred ones
left out), state, select_related objects and annotations."""

from __future__ import annotations

from django.db.models.query import ModelIterable

from catalog.models import Brand, Product
from catalog.selectors import Filters, Pricing, Scope, product_listing
from storefront.instances import InstanceIterable
from tests.storefront.test_prepared_query import _snapshot


def _by_django(queryset):
    clone = queryset.all()
    clone._iterable_class = ModelIterable
    return list(clone)


def test_a_listing_page_is_made_of_the_instances_django_makes(contact, stocked):
    for scope, filters in [
        (Scope(kind="all"), Filters()),
        (Scope(kind="all"), Filters(in_stock=True, sort="-price")),
        (Scope(kind="search", query="notebook"), Filters(brands=("lenovo",))),
    ]:
        listing = product_listing(scope=scope, filters=filters, pricing=Pricing.for_contact(contact))
        assert listing._iterable_class is InstanceIterable
        assert [_snapshot(p) for p in listing[:48]] == [_snapshot(p) for p in _by_django(listing[:48])]


def test_a_deferred_field_is_read_when_asked_for_as_with_django(contact, stocked, django_assert_num_queries):
    product = product_listing(scope=Scope(kind="all"), filters=Filters(), pricing=Pricing.for_contact(contact)).first()
    assert "description" in product.get_deferred_fields()

    description = Product.objects.get(pk=product.pk).description

    with django_assert_num_queries(1):
        assert product.description == description


def test_a_related_managers_rows_take_djangos_way(stocked):
    brand = Brand.objects.get(slug="lenovo")
    products = brand.products.order_by("pk")
    products._iterable_class = InstanceIterable

    found = list(products)

    assert [_snapshot(p) for p in found] == [_snapshot(p) for p in _by_django(brand.products.order_by("pk"))]
    assert all(p.brand is brand for p in found)
