"""The catalog's derived data: search text, availability per country and listing filters, in bulk."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.models import Availability, Category, Product, Stock
from catalog.selectors import CATEGORY_TREE_CACHE_KEY
from catalog.services import availability_refresh, category_refresh_filters, product_search_text_refresh
from tests.catalog.factories import BrandFactory, ProductFactory, StockFactory, SubcategoryFactory, WarehouseFactory
from tests.catalog.factories_extra import products_bulk

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of a few rows, so a hundred products already cross several batch boundaries."""
    monkeypatch.setattr(services, "RANGE_BATCH_SIZE", 40)
    monkeypatch.setattr(services, "ID_BATCH_SIZE", 15)


@pytest.fixture
def warehouses():
    return {
        "mx1": WarehouseFactory(code="MX-1", country="MX"),
        "mx2": WarehouseFactory(code="MX-2", country="MX"),
        "co": WarehouseFactory(code="CO-1", country="CO"),
    }


def _availability(product: Product) -> dict[str, tuple]:
    return {
        row.country: (row.quantity, row.incoming_quantity, row.incoming_date)
        for row in Availability.objects.filter(product=product)
    }


# --- product_search_text_refresh -------------------------------------------------------------------


def test_search_text_is_rebuilt_from_name_brand_part_number_and_sku():
    product = ProductFactory(name="ThinkPad E14 Notebook", brand=BrandFactory(name="Lenovo", slug="lenovo"), mpn="21JK0077LM", sku="NB-LEN-004512", search_text="stale")

    changed = product_search_text_refresh(product_ids=[product.pk])

    product.refresh_from_db()
    assert changed == 1
    assert product.search_text == "thinkpad e14 notebook lenovo 21jk0077lm nb-len-004512"
    assert product.search_text == product.build_search_text()


def test_search_text_lowers_accented_capitals_as_python_does():
    # SQLite's LOWER() folds ASCII only; the refresh must not depend on it.
    product = ProductFactory(name="CÁMARA ÉLITE Ñandú", search_text="")

    product_search_text_refresh(product_ids=[product.pk])

    product.refresh_from_db()
    assert product.search_text.startswith("cámara élite ñandú ")


def test_search_text_refresh_of_some_products_leaves_the_others():
    touched, untouched = ProductFactory(search_text="stale"), ProductFactory(search_text="stale")

    product_search_text_refresh(product_ids=[touched.pk])

    assert Product.objects.get(pk=touched.pk).search_text != "stale"
    assert Product.objects.get(pk=untouched.pk).search_text == "stale"


def test_search_text_refresh_covers_every_product_across_batches(small_batches):
    brand, category = BrandFactory(), SubcategoryFactory()
    products_bulk(130, brand=brand, category=category)

    changed = product_search_text_refresh()

    assert changed == 130
    for product in Product.objects.select_related("brand"):
        assert product.search_text == product.build_search_text()


def test_search_text_refresh_twice_writes_nothing_the_second_time(django_assert_num_queries):
    brand, category = BrandFactory(), SubcategoryFactory()
    ids = [p.pk for p in products_bulk(20, brand=brand, category=category)]
    product_search_text_refresh(product_ids=ids)

    # One read per batch and no UPDATE: every row is already current.
    with django_assert_num_queries(1):
        assert product_search_text_refresh(product_ids=ids) == 0


def test_search_text_refresh_queries_do_not_grow_with_the_batch():
    brand, category = BrandFactory(), SubcategoryFactory()
    few = [p.pk for p in products_bulk(5, brand=brand, category=category, prefix="FEW")]
    many = [p.pk for p in products_bulk(300, brand=brand, category=category, prefix="MANY")]

    with CaptureQueriesContext(connection) as small:
        product_search_text_refresh(product_ids=few)
    with CaptureQueriesContext(connection) as large:
        product_search_text_refresh(product_ids=many)

    # A read and one UPDATE ... CASE per 500 rows, whatever the size below that.
    assert len(small.captured_queries) == len(large.captured_queries)


# --- availability_refresh --------------------------------------------------------------------------


def test_availability_sums_each_countrys_warehouses(warehouses):
    product = ProductFactory()
    StockFactory(product=product, warehouse=warehouses["mx1"], quantity=7, incoming_quantity=10, incoming_date=date(2026, 12, 20))
    StockFactory(product=product, warehouse=warehouses["mx2"], quantity=5, incoming_quantity=4, incoming_date=date(2026, 12, 12))
    StockFactory(product=product, warehouse=warehouses["co"], quantity=0)

    availability_refresh(product_ids=[product.pk])

    assert _availability(product) == {
        "MX": (12, 14, date(2026, 12, 12)),
        "CO": (0, 0, None),
    }


def test_a_change_of_a_stock_rows_quantity_is_reflected_in_its_countrys_availability(warehouses):
    # The database's trigger (catalog migration 0003): no refresh is called here.
    product = ProductFactory()
    mx1 = StockFactory(product=product, warehouse=warehouses["mx1"], quantity=7, incoming_quantity=10, incoming_date=date(2026, 12, 20))
    StockFactory(product=product, warehouse=warehouses["mx2"], quantity=5, incoming_quantity=4, incoming_date=date(2026, 12, 12))
    co = StockFactory(product=product, warehouse=warehouses["co"], quantity=3)
    assert _availability(product) == {}  # rows inserted without a refresh: none yet

    Stock.objects.filter(pk=mx1.pk).update(quantity=2)
    assert _availability(product) == {"MX": (7, 14, date(2026, 12, 12))}  # inserted when missing

    Stock.objects.bulk_update([Stock(pk=mx1.pk, quantity=9), Stock(pk=co.pk, quantity=0)], ["quantity"])
    assert _availability(product) == {"MX": (14, 14, date(2026, 12, 12)), "CO": (0, 0, None)}

    # Other columns alone do not fire it (the refresh keeps them).
    Stock.objects.filter(pk=mx1.pk).update(incoming_quantity=0)
    assert _availability(product)["MX"] == (14, 14, date(2026, 12, 12))


def test_availability_updates_rows_in_place_and_drops_countries_without_stock(warehouses):
    product = ProductFactory()
    mx = StockFactory(product=product, warehouse=warehouses["mx1"], quantity=3)
    co = StockFactory(product=product, warehouse=warehouses["co"], quantity=9)
    availability_refresh(product_ids=[product.pk])
    mx_row = Availability.objects.get(product=product, country="MX")

    mx.quantity = 30
    mx.save()
    co.delete()
    availability_refresh(product_ids=[product.pk])

    assert _availability(product) == {"MX": (30, 0, None)}
    assert Availability.objects.get(product=product, country="MX").pk == mx_row.pk


def test_availability_of_a_product_without_stock_is_empty(warehouses):
    product = ProductFactory()

    availability_refresh(product_ids=[product.pk])

    assert _availability(product) == {}


def test_availability_refresh_of_some_products_leaves_the_others(warehouses):
    touched, untouched = ProductFactory(), ProductFactory()
    StockFactory(product=touched, warehouse=warehouses["mx1"], quantity=2)
    StockFactory(product=untouched, warehouse=warehouses["mx1"], quantity=2)

    availability_refresh(product_ids=[touched.pk])

    assert _availability(touched) == {"MX": (2, 0, None)}
    assert _availability(untouched) == {}


def test_availability_refresh_of_the_whole_catalog_matches_stock_across_batches(warehouses, small_batches):
    brand, category = BrandFactory(), SubcategoryFactory()
    products = products_bulk(100, brand=brand, category=category)
    stock = []
    for index, product in enumerate(products):
        if index % 5:
            stock.append(Stock(product=product, warehouse=warehouses["mx1"], quantity=index))
        if index % 3 == 0:
            stock.append(Stock(product=product, warehouse=warehouses["mx2"], quantity=1, incoming_quantity=index))
        if index % 2:
            stock.append(Stock(product=product, warehouse=warehouses["co"], quantity=index * 2))
    Stock.objects.bulk_create(stock)

    availability_refresh()

    expected: dict[tuple[int, str], list[int]] = {}
    for row in Stock.objects.select_related("warehouse"):
        totals = expected.setdefault((row.product_id, row.warehouse.country), [0, 0])
        totals[0] += row.quantity
        totals[1] += row.incoming_quantity
    actual = {(a.product_id, a.country): [a.quantity, a.incoming_quantity] for a in Availability.objects.all()}
    assert actual == expected


def test_availability_refresh_twice_gives_the_same_rows(warehouses):
    product = ProductFactory()
    StockFactory(product=product, warehouse=warehouses["mx1"], quantity=4)
    StockFactory(product=product, warehouse=warehouses["co"], quantity=1)
    availability_refresh()
    first = list(Availability.objects.order_by("pk").values())

    availability_refresh()

    assert list(Availability.objects.order_by("pk").values()) == first


def test_availability_refresh_queries_do_not_grow_with_the_batch(warehouses):
    brand, category = BrandFactory(), SubcategoryFactory()
    few = products_bulk(3, brand=brand, category=category, prefix="FEW")
    # 150: within one batch, and within one INSERT on SQLite (999 parameters, 5 per row).
    many = products_bulk(150, brand=brand, category=category, prefix="MANY")
    Stock.objects.bulk_create([Stock(product=p, warehouse=warehouses["mx1"], quantity=1) for p in few + many])

    with CaptureQueriesContext(connection) as small:
        availability_refresh(product_ids=[p.pk for p in few])
    with CaptureQueriesContext(connection) as large:
        availability_refresh(product_ids=[p.pk for p in many])

    assert len(small.captured_queries) == len(large.captured_queries)


# --- category_refresh_filters ----------------------------------------------------------------------


@pytest.fixture
def notebooks():
    return SubcategoryFactory(name="Notebooks", slug="notebooks")


def _with_attributes(category: Category, *attributes: dict, **fields) -> None:
    for attrs in attributes:
        ProductFactory(category=category, attributes=attrs, **fields)


def test_filters_keep_attributes_most_products_have_with_a_few_values(notebooks):
    _with_attributes(
        notebooks,
        {"RAM": "16 GB", "Storage": "1 TB SSD", "Color": "Red", "Weight": "1.4 kg"},
        {"RAM": "8 GB", "Storage": "512 GB SSD", "Weight": "1.4 kg"},
        {"RAM": "32 GB", "Storage": "256 GB SSD", "Weight": "1.4 kg"},
        {"RAM": "16 GB", "Weight": "1.4 kg"},
    )

    changed = category_refresh_filters(category_ids=[notebooks.pk])

    notebooks.refresh_from_db()
    assert changed == 1
    # Color: one product in four; Weight: one value only.
    assert notebooks.attribute_filters == {
        "RAM": ["8 GB", "16 GB", "32 GB"],
        "Storage": ["256 GB SSD", "512 GB SSD", "1 TB SSD"],
    }


def test_filters_count_half_the_products_as_enough(notebooks):
    _with_attributes(notebooks, {"Panel": "IPS"}, {"Panel": "VA"}, {}, {})

    category_refresh_filters(category_ids=[notebooks.pk])

    notebooks.refresh_from_db()
    assert notebooks.attribute_filters == {"Panel": ["IPS", "VA"]}


def test_filters_leave_out_attributes_with_more_than_thirty_values(notebooks):
    _with_attributes(notebooks, *({"Serial": f"S{n}", "Kind": "A" if n % 2 else "B"} for n in range(31)))

    category_refresh_filters(category_ids=[notebooks.pk])

    notebooks.refresh_from_db()
    assert notebooks.attribute_filters == {"Kind": ["A", "B"]}


def test_filters_ignore_inactive_products_and_values_that_are_not_text(notebooks):
    _with_attributes(notebooks, {"Ports": 24, "Lanes": "x4"}, {"Ports": 48, "Lanes": "x8"})
    _with_attributes(notebooks, {"Lanes": "x16"}, is_active=False)

    category_refresh_filters(category_ids=[notebooks.pk])

    notebooks.refresh_from_db()
    assert notebooks.attribute_filters == {"Lanes": ["x4", "x8"]}


def test_filters_of_a_top_category_refresh_its_subcategories_only(notebooks):
    other = SubcategoryFactory(attribute_filters={"Old": ["a", "b"]})
    _with_attributes(notebooks, {"RAM": "8 GB"}, {"RAM": "16 GB"})

    category_refresh_filters(category_ids=[notebooks.parent_id])

    notebooks.refresh_from_db()
    other.refresh_from_db()
    assert notebooks.attribute_filters == {"RAM": ["8 GB", "16 GB"]}
    assert other.attribute_filters == {"Old": ["a", "b"]}


def test_filters_of_a_subcategory_without_products_are_empty():
    empty = SubcategoryFactory(attribute_filters={"Old": ["a", "b"]})

    category_refresh_filters()

    empty.refresh_from_db()
    assert empty.attribute_filters == {}


def test_filters_refresh_forgets_the_cached_category_tree(notebooks):
    cache.set(CATEGORY_TREE_CACHE_KEY, ["stale"])

    category_refresh_filters(category_ids=[notebooks.pk])

    assert cache.get(CATEGORY_TREE_CACHE_KEY) is None


def test_filters_refresh_twice_changes_nothing_the_second_time(notebooks):
    _with_attributes(notebooks, {"RAM": "8 GB"}, {"RAM": "16 GB"})
    category_refresh_filters()

    assert category_refresh_filters() == 0


def test_filters_queries_do_not_grow_with_products(small_batches):
    few, many = SubcategoryFactory(), SubcategoryFactory()
    brand = BrandFactory()
    products_bulk(4, brand=brand, category=few, prefix="FEW", attributes={"RAM": "8 GB"})
    products_bulk(120, brand=brand, category=many, prefix="MANY", attributes={"RAM": "16 GB"})

    with CaptureQueriesContext(connection) as small:
        category_refresh_filters(category_ids=[few.pk])
    with CaptureQueriesContext(connection) as large:
        category_refresh_filters(category_ids=[many.pk])

    assert len(small.captured_queries) == len(large.captured_queries)
