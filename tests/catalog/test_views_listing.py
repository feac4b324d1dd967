"""Browsing: listings, filters, sorting, search and the product page, priced for who asks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.catalog.factories import AvailabilityFactory, PriceFactory, ProductFactory


def _skus(response) -> list[str]:
    return re.findall(r'data-sku="([^"]+)"', response.content.decode())


# --- visitors and permissions ----------------------------------------------------------------------


def test_visitor_browses_a_category_without_prices_or_stock(client, catalog):
    response = client.get(reverse("catalog:category", args=["computers"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert set(_skus(response)) == {p.sku for p in catalog.values()}
    assert "Sign in to see prices" in page
    assert "15,000" not in page and "in stock" not in page and "Price List" not in page


def test_contact_without_price_permission_sees_no_prices(client, contact, catalog):
    contact.can_see_prices = False
    contact.save(update_fields=["can_see_prices"])
    client.force_login(contact.user)
    page = client.get(reverse("catalog:category", args=["notebooks"])).content.decode()
    assert "Your user cannot see prices" in page and "14,100" not in page


def test_contact_sees_its_accounts_price_and_stock(contact_client, catalog):
    page = contact_client.get(reverse("catalog:category", args=["notebooks"])).content.decode()
    assert "14,100.00" in page  # the Gold list's own price
    assert "21,000.00" in page  # from the base list, which Gold lacks
    assert "12 in stock" in page
    assert "40 incoming Dec 10" in page


def test_another_account_sees_its_own_prices(other_admin_client, catalog):
    page = other_admin_client.get(reverse("catalog:category", args=["notebooks"])).content.decode()
    assert "3,300,000.00" in page and "COP" in page and "14,100" not in page


# --- filters, sort, pagination ---------------------------------------------------------------------


def test_filters_by_brand_stock_and_price(contact_client, catalog):
    url = reverse("catalog:category", args=["notebooks"])
    assert set(_skus(contact_client.get(url, {"brand": "lenovo"}))) == {"NB-LEN-0001", "NB-LEN-0002"}
    assert set(_skus(contact_client.get(url, {"stock": "1"}))) == {"NB-LEN-0001", "NB-DEL-0003"}
    assert _skus(contact_client.get(url, {"min": "10000", "max": "15000"})) == ["NB-LEN-0001"]


def test_filters_by_subcategory_and_attribute(contact_client, catalog):
    top = reverse("catalog:category", args=["computers"])
    assert _skus(contact_client.get(top, {"sub": "monitors"})) == ["MN-DEL-0004"]
    sub = reverse("catalog:category", args=["notebooks"])
    assert set(_skus(contact_client.get(sub, {"attr": "RAM:16 GB"}))) == {"NB-LEN-0001", "NB-DEL-0003"}


def test_facets_count_under_the_other_filters(contact_client, catalog):
    page = contact_client.get(reverse("catalog:category", args=["computers"]), {"brand": "dell"}).content.decode()
    # Brand counts ignore the brand filter itself; subcategory counts honour it.
    assert re.search(r"Lenovo\s*<small[^>]*>\(2\)", page)
    assert re.search(r"Notebooks\s*<small[^>]*>\(1\)", page)


def test_sorts_by_price_both_ways_and_by_availability(contact_client, catalog):
    url = reverse("catalog:category", args=["notebooks"])
    assert _skus(contact_client.get(url, {"sort": "price"})) == ["NB-LEN-0002", "NB-LEN-0001", "NB-DEL-0003"]
    assert _skus(contact_client.get(url, {"sort": "-price"})) == ["NB-DEL-0003", "NB-LEN-0001", "NB-LEN-0002"]
    assert _skus(contact_client.get(url, {"sort": "availability"}))[0] == "NB-LEN-0001"


def test_bad_filter_values_get_a_message_and_keep_the_page(contact_client, catalog):
    url = reverse("catalog:category", args=["notebooks"])
    response = contact_client.get(url, {"min": "900", "max": "100", "page": "abc", "brand": "<script>", "sort": "drop"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The maximum price must not be below the minimum price." in page
    assert 'value="900"' in page and 'value="100"' in page
    assert len(_skus(response)) == 3


def test_pagination_keeps_the_filters(contact_client, catalog, price_lists):
    for n in range(60):
        product = ProductFactory(category=catalog["thinkpad"].category, brand=catalog["thinkpad"].brand)
        PriceFactory(price_list=price_lists["base"], product=product)
    url = reverse("catalog:category", args=["notebooks"])
    first = contact_client.get(url, {"brand": "lenovo"})
    assert len(_skus(first)) == 48 and "page=2" in first.content.decode() and "brand=lenovo&amp;page=2" in first.content.decode()
    second = contact_client.get(url, {"brand": "lenovo", "page": "2"})
    assert len(_skus(second)) == 14
    assert len(_skus(contact_client.get(url, {"brand": "lenovo", "page": "999"}))) == 14  # past the end: the last page


def test_htmx_gets_the_listing_region_alone(contact_client, catalog):
    url = reverse("catalog:category", args=["notebooks"])
    response = contact_client.get(url, {"brand": "dell"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="listing"') and "<html" not in page
    assert "HX-Request" in response["Vary"]
    restore = contact_client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_brand_listing(contact_client, catalog):
    assert set(_skus(contact_client.get(reverse("catalog:brand", args=["dell"])))) == {"NB-DEL-0003", "MN-DEL-0004"}


def test_a_subcategory_page_leads_back_to_its_category(client, catalog):
    page = client.get(reverse("catalog:category", args=["notebooks"])).content.decode()
    assert f'href="{reverse("catalog:category", args=["computers"])}">Computers</a>' in page
    assert "<h1>Notebooks" in page


def test_unknown_category_or_brand_is_404(client, db):
    assert client.get(reverse("catalog:category", args=["nothing"])).status_code == 404
    assert client.get(reverse("catalog:brand", args=["nothing"])).status_code == 404


# --- search ----------------------------------------------------------------------------------------


def test_exact_sku_or_part_number_goes_to_the_product(client, catalog):
    for query in ("NB-LEN-0001", "nb-len-0001", "21K0001"):
        response = client.get(reverse("catalog:search"), {"q": query})
        assert response.status_code == 302 and response["Location"] == reverse("catalog:product-detail", args=["NB-LEN-0001"])


def test_search_by_words_ranks_results(client, catalog):
    response = client.get(reverse("catalog:search"), {"q": "notebook lenovo"})
    assert set(_skus(response)) == {"NB-LEN-0001", "NB-LEN-0002"}
    assert client.get(reverse("catalog:search"), {"q": "%%%"}).status_code == 200
    assert "Type a name, SKU or part number" in client.get(reverse("catalog:search"), {"q": ""}).content.decode()


# --- product page ----------------------------------------------------------------------------------


def test_product_page_shows_attributes_price_and_warehouses(contact_client, catalog):
    from tests.catalog.factories import StockFactory, WarehouseFactory

    StockFactory(product=catalog["thinkpad"], warehouse=WarehouseFactory(name="Mexico City", country="MX"), quantity=12)
    StockFactory(product=catalog["thinkpad"], warehouse=WarehouseFactory(name="Bogotá", country="CO"), quantity=5)
    page = contact_client.get(reverse("catalog:product-detail", args=["NB-LEN-0001"])).content.decode()
    assert "ThinkPad E14 Notebook" in page and "21K0001" in page and "Lenovo" in page
    assert "RAM" in page and "16 GB" in page
    assert "14,100.00" in page and "Mexico City" in page and "Bogotá" not in page


def test_visitor_product_page_has_no_price(client, catalog):
    page = client.get(reverse("catalog:product-detail", args=["NB-LEN-0001"])).content.decode()
    assert "Sign in to see prices" in page and "14,100" not in page


def test_inactive_or_unknown_product_is_404(client, catalog):
    catalog["monitor"].is_active = False
    catalog["monitor"].save()
    assert client.get(reverse("catalog:product-detail", args=["MN-DEL-0004"])).status_code == 404
    assert client.get(reverse("catalog:product-detail", args=["NOPE"])).status_code == 404


# --- a fixed number of queries whatever the catalog's size -----------------------------------------


def _grow(catalog, price_lists, n: int) -> None:
    category = catalog["thinkpad"].category
    for i in range(n):
        product = ProductFactory(category=category, brand=catalog["ideapad"].brand if i % 2 else catalog["latitude"].brand)
        PriceFactory(price_list=price_lists["base"], product=product, amount=100 + i)
        AvailabilityFactory(product=product, country="MX", quantity=i % 5)


@pytest.mark.parametrize("extra", [10, 1000])
def test_listing_runs_the_same_queries_for_10_and_1000_products(contact_client, catalog, price_lists, extra, django_assert_num_queries):
    _grow(catalog, price_lists, extra)
    url = reverse("catalog:category", args=["computers"])
    contact_client.get(url)  # the category tree is cached from here on
    # user, category, page, the facets with the count (one query)
    with django_assert_num_queries(4):
        response = contact_client.get(url, {"brand": "lenovo", "sort": "price", "stock": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [10, 1000])
def test_search_runs_the_same_queries_for_10_and_1000_products(contact_client, catalog, price_lists, extra, django_assert_num_queries):
    _grow(catalog, price_lists, extra)
    # user, exact match, the search's window (its matching ids, read once for the two reads after
    # it), the facets with the count (one query), page
    with django_assert_num_queries(5):
        response = contact_client.get(reverse("catalog:search"), {"q": "product"})
    assert response.status_code == 200


def test_only_a_search_has_a_window_a_category_shows_every_product(contact_client, catalog, price_lists, monkeypatch):
    from catalog import selectors, views

    _grow(catalog, price_lists, 12)
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", 5)
    monkeypatch.setattr(views, "SEARCH_WINDOW", 5)
    from catalog.models import Product

    everything = Product.objects.filter(category__parent__slug="computers", is_active=True).count()
    assert everything > 12
    page = contact_client.get(reverse("catalog:category", args=["computers"])).content.decode()
    assert f"{everything} products" in page and "More than" not in page


def test_a_search_with_a_nul_finds_the_rest_of_its_words(contact_client, catalog):
    response = contact_client.get(reverse("catalog:search"), {"q": "think\x00pad"})
    assert response.status_code == 200 and _skus(response) == ["NB-LEN-0001"]


def test_a_search_past_its_window_says_so_and_shows_the_windows_best(contact_client, catalog, price_lists, monkeypatch):
    from catalog import selectors, views

    _grow(catalog, price_lists, 12)
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", 5)
    monkeypatch.setattr(views, "SEARCH_WINDOW", 5)
    response = contact_client.get(reverse("catalog:search"), {"q": "product"})
    page = response.content.decode()
    assert response.status_code == 200 and len(_skus(response)) == 5
    assert "5 products" in page and "More than 5 products match" in page
    # Within the window, nothing is said: everything is exact.
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", 1000)
    monkeypatch.setattr(views, "SEARCH_WINDOW", 1000)
    page = contact_client.get(reverse("catalog:search"), {"q": "product"}).content.decode()
    assert "More than" not in page


@pytest.mark.parametrize("extra", [10, 1000])
def test_product_page_runs_the_same_queries_for_10_and_1000_products(contact_client, catalog, price_lists, extra, django_assert_num_queries):
    _grow(catalog, price_lists, extra)
    # user, product, warehouse stock
    with django_assert_num_queries(3):
        response = contact_client.get(reverse("catalog:product-detail", args=["NB-LEN-0001"]))
    assert response.status_code == 200


def test_an_attribute_filter_is_a_key_never_a_lookup(contact_client, catalog):
    url = reverse("catalog:category", args=["notebooks"])
    # "RAM__regex" would be a regular-expression lookup if the name were used as a lookup path.
    response = contact_client.get(url, {"attr": ["RAM__regex:.*", "RAM__contains:GB"]})
    assert response.status_code == 200 and len(_skus(response)) == 3
    # An attribute the subcategory does not offer is ignored, not applied.
    assert len(_skus(contact_client.get(url, {"attr": "Colour:Red"}))) == 3
