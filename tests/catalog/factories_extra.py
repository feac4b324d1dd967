"""Helpers that make many catalog rows at once, for the tests of bulk services."""

from __future__ import annotations

from catalog.models import Brand, Category, Product


def products_bulk(count: int, *, brand: Brand, category: Category, prefix: str = "BULK", **fields) -> list[Product]:
    """`count` products in one insert, named and numbered after `prefix`; search text left stale."""
    rows = [
        Product(
            sku=f"{prefix}-{number:06d}",
            mpn=f"{prefix}-MPN-{number:06d}",
            name=f"{prefix.title()} product {number}",
            brand=brand,
            category=category,
            **fields,
        )
        for number in range(count)
    ]
    return Product.objects.bulk_create(rows)
