"""seed_catalog writes a consistent made-up catalog; seed_demo brings one, once."""

from __future__ import annotations

import re
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.core.management.base import CommandError

from accounts.models import Account
from catalog.management.commands import seed_catalog
from catalog.management.commands._catalog_data import TREE
from catalog.models import Availability, Brand, Category, Price, PriceList, Product, Stock
from licensing.models import LicenceProduct

pytestmark = pytest.mark.django_db

SKU = re.compile(r"^[A-Z]{2}-[A-Z0-9]{3}-\d{6}$")


def _seed(products: int, seed: int = 3, **options) -> str:
    out = StringIO()
    call_command("seed_catalog", products=products, seed=seed, stdout=out, **options)
    return out.getvalue()


def _snapshot() -> list[tuple]:
    """Everything a seed decides, without the ids and timestamps the database gives."""
    prices = defaultdict(dict)
    for sku, code, amount in Price.objects.values_list("product__sku", "price_list__code", "amount"):
        prices[sku][code] = amount
    stock = defaultdict(dict)
    for sku, warehouse, quantity, incoming, when in Stock.objects.values_list(
        "product__sku", "warehouse__code", "quantity", "incoming_quantity", "incoming_date"
    ):
        stock[sku][warehouse] = (quantity, incoming, when)
    return [
        (sku, mpn, name, description, brand, category, kind, attributes, prices[sku], stock[sku])
        for sku, mpn, name, description, brand, category, kind, attributes in Product.objects.order_by("sku").values_list(
            "sku", "mpn", "name", "description", "brand__name", "category__slug", "product_type", "attributes"
        )
    ]


def test_seed_creates_that_many_products_with_a_valid_sku_and_part_number():
    _seed(80)

    products = list(Product.objects.select_related("brand", "category"))
    assert len(products) == 80
    assert all(SKU.match(p.sku) for p in products)
    assert len({p.mpn for p in products}) == 80
    assert all(p.category.parent_id is not None for p in products)
    assert all(p.name.startswith(p.brand.name) and p.attributes and p.description for p in products)
    assert all(p.search_text == p.build_search_text() for p in products)


def test_seed_builds_the_whole_category_tree():
    _seed(10)

    tops = Category.objects.filter(parent__isnull=True)
    assert tops.count() == len(TREE) >= 30
    for top in tops:
        assert 6 <= top.children.count() <= 10
    assert Brand.objects.count() >= 80


def test_every_product_has_a_price_in_each_base_list_and_gold_is_cheaper():
    _seed(120)

    lists = {p.code: p for p in PriceList.objects.all()}
    assert {code: (p.name, p.currency, p.base.code if p.base else None) for code, p in lists.items()} == {
        "BASE-MXN": ("Base MXN", "MXN", None),
        "BASE-COP": ("Base COP", "COP", None),
        "BASE-USD": ("Base USD", "USD", None),
        "GOLD-MXN": ("Gold MXN", "MXN", "BASE-MXN"),
        "GOLD-COP": ("Gold COP", "COP", "BASE-COP"),
        "GOLD-USD": ("Gold USD", "USD", "BASE-USD"),
    }
    prices = defaultdict(dict)
    for product_id, code, amount in Price.objects.values_list("product_id", "price_list__code", "amount"):
        prices[product_id][code] = amount
    assert len(prices) == 120
    gold = 0
    for by_list in prices.values():
        assert {"BASE-MXN", "BASE-COP", "BASE-USD"} <= set(by_list)
        assert all(amount > 0 and amount.as_tuple().exponent == -2 for amount in by_list.values())
        # COP is about 200 times MXN.
        assert 150 < by_list["BASE-COP"] / by_list["BASE-MXN"] < 260
        if "GOLD-MXN" in by_list:
            gold += 1
            for currency in ("MXN", "COP", "USD"):
                ratio = by_list[f"GOLD-{currency}"] / by_list[f"BASE-{currency}"]
                assert 0.87 <= ratio <= 0.975
    assert 0.15 < gold / 120 < 0.45


def test_availability_is_the_stock_summed_per_country():
    _seed(150)

    expected = defaultdict(lambda: [0, 0, None])
    for product_id, country, quantity, incoming, when in Stock.objects.values_list(
        "product_id", "warehouse__country", "quantity", "incoming_quantity", "incoming_date"
    ):
        row = expected[(product_id, country)]
        row[0] += quantity
        row[1] += incoming
        row[2] = min(filter(None, (row[2], when)), default=None)
    actual = {
        (a.product_id, a.country): [a.quantity, a.incoming_quantity, a.incoming_date] for a in Availability.objects.all()
    }
    assert actual == dict(expected)


def test_some_hardware_is_out_of_stock_and_some_of_that_is_on_its_way():
    _seed(400)

    stocked = set(Stock.objects.filter(quantity__gt=0).values_list("product_id", flat=True))
    out = Product.objects.exclude(pk__in=stocked)
    assert 0.05 < out.count() / 400 < 0.25
    assert out.filter(stock__incoming_quantity__gt=0, stock__incoming_date__isnull=False).exists()
    assert not out.exclude(product_type=Product.Type.HARDWARE).exists()


def test_subcategories_get_listing_filters():
    _seed(300)

    assert Category.objects.filter(parent__isnull=False).exclude(attribute_filters={}).count() > 20


def test_the_same_seed_gives_the_same_catalog():
    _seed(60, seed=11)
    first = _snapshot()

    _seed(60, seed=11, replace=True)

    assert _snapshot() == first


def test_another_seed_gives_another_catalog():
    _seed(30, seed=1)
    first = _snapshot()

    _seed(30, seed=2, replace=True)

    assert _snapshot() != first


def test_a_second_run_adds_products_with_new_skus_in_the_same_tree():
    _seed(40, seed=1)
    categories, brands = Category.objects.count(), Brand.objects.count()

    _seed(40, seed=1)

    assert Product.objects.count() == 80
    assert len(set(Product.objects.values_list("sku", flat=True))) == 80
    assert len(set(Product.objects.values_list("mpn", flat=True))) == 80
    assert (Category.objects.count(), Brand.objects.count(), PriceList.objects.count()) == (categories, brands, 6)


def test_replace_keeps_the_price_lists_accounts_buy_from(account):
    _seed(30)
    gold = PriceList.objects.get(code="GOLD-MXN")
    account.price_list = gold
    account.save(update_fields=["price_list"])

    output = _seed(20, replace=True)

    account.refresh_from_db()
    assert account.price_list == gold
    assert Product.objects.count() == 20
    assert PriceList.objects.count() == 6
    assert "Deleted 30 products" in output


def test_replace_deactivates_a_product_other_data_refers_to(monkeypatch):
    _seed(10)
    ordered = Product.objects.order_by("sku").last()
    real = seed_catalog._referenced_elsewhere

    def referenced(model, own):
        # Stands in for an order line: no app of the store refers to products yet.
        return {ordered.pk} if model is Product else real(model, own)

    monkeypatch.setattr(seed_catalog, "_referenced_elsewhere", referenced)

    _seed(10, replace=True)

    ordered.refresh_from_db()
    assert not ordered.is_active
    assert Product.objects.filter(is_active=True).count() == 10
    assert ordered.sku not in set(Product.objects.filter(is_active=True).values_list("sku", flat=True))


def test_products_other_data_refers_to_are_found_through_any_relation(account):
    _seed(5)
    account.price_list = PriceList.objects.get(code="GOLD-MXN")
    account.save(update_fields=["price_list"])

    used = seed_catalog._referenced_elsewhere(PriceList, own=(Price, PriceList))

    assert used == {account.price_list_id}


def test_seed_beside_a_catalog_of_the_back_office_reuses_its_rows_and_keeps_two_levels(catalog):
    # The back office already has Computers › Notebooks, the brands Lenovo and Dell and three lists.
    _seed(20)
    _seed(20)

    assert Product.objects.count() == len(catalog) + 40
    assert not Category.objects.filter(parent__parent__isnull=False).exists()
    assert Category.objects.get(name="Notebooks", parent__isnull=True).slug == "notebooks-2"
    assert Category.objects.filter(parent__isnull=True).count() == len(TREE) + 1
    assert Brand.objects.filter(name="Lenovo").count() == 1
    assert PriceList.objects.count() == 6


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError, match="zero or more"):
        _seed(-1)


def test_the_help_says_what_a_second_run_does():
    help_text = seed_catalog.Command.help
    assert "adds N more products" in help_text and "--replace" in help_text


# --- seed_demo --------------------------------------------------------------------------------------


def test_demo_seeding_twice_leaves_one_catalog_and_gives_each_account_its_list():
    call_command("seed_demo", stdout=StringIO())
    counts = (Product.objects.count(), Category.objects.count(), Brand.objects.count(), Price.objects.count())

    call_command("seed_demo", stdout=StringIO())

    # The 2,000 generated products, plus the volume licensing products of the licensing demo.
    assert Product.objects.filter(licensing__isnull=True).count() == 2000
    assert Product.objects.filter(licensing__isnull=False).count() == LicenceProduct.objects.count() > 0
    assert (Product.objects.count(), Category.objects.count(), Brand.objects.count(), Price.objects.count()) == counts
    assert Account.objects.get(company_name="Acme Reseller").price_list.code == "GOLD-MXN"
    assert Account.objects.get(company_name="Orbit IT").price_list.code == "BASE-COP"


def test_demo_seeding_keeps_a_price_list_an_account_already_has():
    call_command("seed_demo", stdout=StringIO())
    orbit = Account.objects.get(company_name="Orbit IT")
    orbit.price_list = PriceList.objects.get(code="GOLD-COP")
    orbit.save(update_fields=["price_list"])

    call_command("seed_demo", stdout=StringIO())

    orbit.refresh_from_db()
    assert orbit.price_list.code == "GOLD-COP"


def test_categories_adds_variants_of_the_subcategories_up_to_that_count():
    _seed(60, categories=300)

    assert Category.objects.count() == 300
    assert Category.objects.filter(name="Business Notebooks (Refurbished)", parent__name="Notebooks").exists()
    assert not Category.objects.filter(parent__parent__isnull=False).exists()


def test_categories_twice_reuses_the_variants():
    _seed(20, categories=260)
    _seed(20, categories=260)

    assert Category.objects.count() == 260


def test_categories_below_the_built_in_tree_is_refused():
    with pytest.raises(CommandError, match="at least"):
        _seed(10, categories=10)


def test_price_lists_adds_partner_lists_over_the_base_lists_each_below_base():
    _seed(300, price_lists=12)

    partners = PriceList.objects.filter(code__startswith="PARTNER-")
    assert PriceList.objects.count() == 12 and partners.count() == 6
    assert all(p.base.code == f"BASE-{p.currency}" for p in partners)
    base = {(sku, code): amount for sku, code, amount in Price.objects.values_list("product__sku", "price_list__code", "amount")}
    partner_prices = Price.objects.filter(price_list__in=partners).select_related("product", "price_list__base")
    assert partner_prices.exists()
    assert all(p.amount < base[(p.product.sku, p.price_list.base.code)] for p in partner_prices)


def test_without_partner_lists_the_same_seed_gives_the_same_catalog_as_before_the_option():
    _seed(40, seed=5)
    plain = _snapshot()
    _seed(40, seed=5, replace=True, price_lists=len(seed_catalog.PRICE_LISTS), categories=None)

    assert _snapshot() == plain


def test_the_availability_the_seed_writes_is_what_availability_refresh_makes():
    from catalog.services import availability_refresh

    _seed(150)
    written = sorted(Availability.objects.values_list("product_id", "country", "quantity", "incoming_quantity", "incoming_date"))

    availability_refresh()

    assert written
    assert sorted(Availability.objects.values_list("product_id", "country", "quantity", "incoming_quantity", "incoming_date")) == written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are dropped and rebuilt on PostgreSQL only")
def test_a_bulk_seed_on_postgresql_leaves_every_index_as_it_found_it():
    tables = ["catalog_product", "catalog_price", "catalog_stock", "catalog_availability"]

    def indexes() -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY indexname", [tables])
            return cursor.fetchall()

    before = indexes()
    _seed(60)

    assert Product.objects.count() == 60
    assert indexes() == before
