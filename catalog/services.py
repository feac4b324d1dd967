"""Writes of the catalog: the data derived from products and stock, kept in bulk.

Search text, per-country availability and each subcategory's listing filters are copies of what the
products and their stock say, stored so that a listing reads one row instead of computing it. Each
refresh takes an optional set of ids (the back office after one edit) or works on the whole catalog
(the seed, a nightly job), in batches so memory stays flat and no statement outgrows SQLite's limit
of bound parameters.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import F, Min, Q, Sum

from catalog.models import Availability, Category, Product, Stock
from catalog.selectors import category_tree_forget

# Rows per batch when walking the whole catalog by id range, and ids per batch when given a list:
# a list becomes bound parameters, which SQLite caps at 999 per statement.
RANGE_BATCH_SIZE = 2000
ID_BATCH_SIZE = 500
# An attribute is a listing filter when at least this share of the subcategory's products have it and
# it has a useful number of distinct values (one value filters nothing; hundreds are not a choice).
FILTER_MIN_SHARE = 0.5
FILTER_MIN_VALUES = 2
FILTER_MAX_VALUES = 30

_BYTE_UNITS = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|PB)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


def _product_batches(product_ids: Iterable[int] | None, field: str) -> Iterator[Q]:
    """Conditions on `field` that together cover the given products, or every product."""
    if product_ids is None:
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), RANGE_BATCH_SIZE):
            chunk = ids[start : start + RANGE_BATCH_SIZE]
            # A range, not a list: two parameters whatever the batch size, and an index range scan.
            yield Q(**{f"{field}__gte": chunk[0], f"{field}__lte": chunk[-1]})
        return
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), ID_BATCH_SIZE):
        chunk = ids[start : start + ID_BATCH_SIZE]
        # The range adds nothing to the list but an estimate: with no statistics yet (right after a
        # bulk load) PostgreSQL guesses a long IN list matches the whole table and scans it.
        yield Q(**{f"{field}__gte": chunk[0], f"{field}__lte": chunk[-1], f"{field}__in": chunk})


def product_search_text_refresh(*, product_ids: Iterable[int] | None = None) -> int:
    """Recompute Product.search_text for the given products (all when None); returns how many changed."""
    changed = 0
    for batch in _product_batches(product_ids, "pk"):
        products = (
            Product.objects.filter(batch)
            .select_related("brand")
            .only("pk", "name", "mpn", "sku", "search_text", "brand_id", "brand__name")
        )
        # Lower-cased in Python by the model's own rule, not with SQL LOWER(): SQLite's LOWER() only
        # folds ASCII, so "ÉLITE" would never match the query "élite" there.
        stale = []
        for product in products:
            text = product.build_search_text()
            if product.search_text != text:
                product.search_text = text
                stale.append(product)
        if stale:
            # One UPDATE ... CASE per 500 rows: its cost grows with rows x branches.
            Product.objects.bulk_update(stale, ["search_text"], batch_size=500)
        changed += len(stale)
    return changed


def availability_refresh(*, product_ids: Iterable[int] | None = None) -> None:
    """Rebuild the per-country Availability rows of the given products (all when None) from their Stock."""
    for batch in _product_batches(product_ids, "product_id"):
        with transaction.atomic():
            totals = (
                Stock.objects.filter(batch)
                .values("product_id", stock_country=F("warehouse__country"))
                .annotate(
                    total=Sum("quantity"),
                    incoming_total=Sum("incoming_quantity"),
                    incoming_first=Min("incoming_date"),
                )
                .order_by()
            )
            rows = [
                Availability(
                    product_id=row["product_id"],
                    country=row["stock_country"],
                    quantity=row["total"] or 0,
                    incoming_quantity=row["incoming_total"] or 0,
                    incoming_date=row["incoming_first"],
                )
                for row in totals
            ]
            if rows:
                Availability.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["product", "country"],
                    update_fields=["quantity", "incoming_quantity", "incoming_date"],
                )
            # A country whose warehouses no longer hold a stock row of the product. Compared here
            # rather than with NOT EXISTS: right after a bulk load the planner's statistics are stale
            # and it answered that with a scan of the whole stock table for every batch.
            current = {(row.product_id, row.country) for row in rows}
            gone = [
                pk
                for pk, product_id, country in Availability.objects.filter(batch).values_list("pk", "product_id", "country")
                if (product_id, country) not in current
            ]
            for start in range(0, len(gone), ID_BATCH_SIZE):
                Availability.objects.filter(pk__in=gone[start : start + ID_BATCH_SIZE]).delete()


def _filter_value_key(value: str) -> tuple:
    """Orders values as a person reads them: 512 GB before 1 TB, 8 before 16, then alphabetically."""
    size = _SIZE.match(value)
    if size:
        return (0, float(size.group(1)) * _BYTE_UNITS[size.group(2).upper()], value.lower())
    parts = _NUMBER.split(value.lower())
    return (1, 0, tuple((0, float(part), "") if i % 2 else (1, 0, part) for i, part in enumerate(parts)))


def category_refresh_filters(*, category_ids: Iterable[int] | None = None) -> int:
    """Recompute the attribute filters of the given subcategories (a top category means its children;
    all when None) from their active products; returns how many changed."""
    subcategories = Category.objects.filter(parent__isnull=False).only("pk", "attribute_filters")
    if category_ids is not None:
        ids = list(category_ids)
        subcategories = subcategories.filter(Q(pk__in=ids) | Q(parent_id__in=ids))
    by_id = {category.pk: category for category in subcategories}

    products_in: Counter[int] = Counter()
    having: defaultdict[int, Counter[str]] = defaultdict(Counter)
    values: defaultdict[int, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    ids = sorted(by_id)
    for start in range(0, len(ids), ID_BATCH_SIZE):
        rows = Product.objects.filter(is_active=True, category_id__in=ids[start : start + ID_BATCH_SIZE])
        for category_id, attributes in rows.values_list("category_id", "attributes").iterator(chunk_size=5000):
            products_in[category_id] += 1
            for name, value in (attributes or {}).items():
                # Only text values: the listing filters by the string the URL carries.
                if not isinstance(value, str) or not value.strip():
                    continue
                having[category_id][name] += 1
                seen = values[category_id][name]
                # Past the maximum the attribute is out anyway; a per-product value (a serial number)
                # must not fill memory.
                if len(seen) <= FILTER_MAX_VALUES:
                    seen.add(value)

    stale = []
    for category_id, category in by_id.items():
        filters = {}
        for name in sorted(having[category_id]):
            distinct = values[category_id][name]
            if (
                having[category_id][name] >= products_in[category_id] * FILTER_MIN_SHARE
                and FILTER_MIN_VALUES <= len(distinct) <= FILTER_MAX_VALUES
            ):
                filters[name] = sorted(distinct, key=_filter_value_key)
        if category.attribute_filters != filters:
            category.attribute_filters = filters
            stale.append(category)
    if stale:
        Category.objects.bulk_update(stale, ["attribute_filters"], batch_size=200)
    category_tree_forget()
    return len(stale)
