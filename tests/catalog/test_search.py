"""Search by name, brand, part number or SKU through catalog.selectors, on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
import string
from decimal import Decimal

import pytest
from django.db import connection

from catalog.selectors import Filters, Pricing, Scope, SearchLookup, product_listing, search_lookup
from tests.catalog.factories import BrandFactory, ProductFactory, SubcategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    notebooks = SubcategoryFactory(name="Notebooks", slug="search-notebooks")
    monitors = SubcategoryFactory(name="Monitors", slug="search-monitors")
    memory = SubcategoryFactory(name="Memory", slug="search-memory")
    lenovo = BrandFactory(name="Lenovo", slug="lenovo")
    dell = BrandFactory(name="Dell", slug="dell")
    kingston = BrandFactory(name="Kingston", slug="kingston")
    return {
        "thinkpad": ProductFactory(sku="NB-LEN-004512", mpn="21JK0077LM", name="ThinkPad E14 Gen 5 Notebook", brand=lenovo, category=notebooks),
        "ideapad": ProductFactory(sku="NB-LEN-004513", mpn="82X70045LM", name="IdeaPad Slim 3 Notebook", brand=lenovo, category=notebooks),
        "latitude": ProductFactory(sku="NB-DEL-000310", mpn="N015L544014", name="Latitude 5440 Notebook", brand=dell, category=notebooks),
        "monitor": ProductFactory(sku="MN-DEL-000077", mpn="U2724D", name="UltraSharp 27 Monitor", brand=dell, category=monitors),
        "memory": ProductFactory(sku="CP-KIN-000101", mpn="KF556C40BB-16", name="Fury Beast 16 GB DDR5 Memory", brand=kingston, category=memory),
        "retired": ProductFactory(sku="NB-LEN-000009", mpn="20XW00K3", name="ThinkPad X1 Carbon Notebook", brand=lenovo, category=notebooks, is_active=False),
    }


def _found(query: str, pricing: Pricing | None = None) -> set[str]:
    listing = product_listing(scope=Scope(kind="search", query=query), filters=Filters(), pricing=pricing)
    return set(listing.values_list("sku", flat=True))


def _skus(products: dict, *keys: str) -> set[str]:
    return {products[key].sku for key in keys}


def test_a_word_of_the_name_finds_the_active_products_that_have_it(products):
    assert _found("notebook") == _skus(products, "thinkpad", "ideapad", "latitude")


def test_the_start_of_a_word_finds_the_whole_word(products):
    assert _found("thinkp") == _skus(products, "thinkpad")
    assert _found("ultrash") == _skus(products, "monitor")


def test_a_part_number_finds_its_product_whatever_the_case(products):
    assert _found("21JK0077LM") == _skus(products, "thinkpad")
    assert _found("kf556c40bb-16") == _skus(products, "memory")


def test_a_sku_finds_its_product(products):
    assert _found("NB-DEL-000310") == _skus(products, "latitude")


def test_a_brand_finds_its_products(products):
    assert _found("kingston") == _skus(products, "memory")
    assert _found("Dell") == _skus(products, "latitude", "monitor")


@pytest.mark.parametrize("query", ["m.2", "M.2 ssd", "2.5", "2.5 inch", "usb-c dock"])
def test_a_word_with_a_dot_or_a_hyphen_inside_is_one_word(products, query):
    memory = products["memory"]
    ssd = ProductFactory(sku="CP-KIN-000102", mpn="SA400S37", name="A400 2.5 inch SSD", brand=memory.brand, category=memory.category)
    m2 = ProductFactory(sku="CP-KIN-000103", mpn="SNV3S", name="NV3 M.2 SSD", brand=memory.brand, category=memory.category)
    dock = ProductFactory(sku="DK-DEL-000104", mpn="WD22TB4", name="USB-C Dock WD22", brand=products["monitor"].brand, category=products["monitor"].category)
    expected = {"m.2": {m2.sku}, "M.2 ssd": {m2.sku}, "2.5": {ssd.sku}, "2.5 inch": {ssd.sku}, "usb-c dock": {dock.sku}}[query]
    assert _found(query) == expected


def test_every_word_must_match(products):
    assert _found("lenovo slim") == _skus(products, "ideapad")
    assert _found("slim dell") == set()


def test_a_long_matching_word_does_not_make_the_other_words_optional(products):
    assert _found("dell notebook") == _skus(products, "latitude")
    assert _found("lenovo gen") == _skus(products, "thinkpad")


def test_a_query_that_matches_nothing_finds_nothing(products):
    assert _found("zyxwquv") == set()


@pytest.mark.parametrize("query", ["", "   ", "-- !!! ... ?", "&|!():*'\""])
def test_a_query_of_punctuation_finds_nothing_and_does_not_fail(products, query):
    assert _found(query) == set()


def test_a_query_of_underscores_finds_nothing(products):
    # "_" is a word character to the tokenizer, so this one reaches the database.
    assert _found("___") == set()


def test_an_overlong_query_uses_its_first_words(products):
    assert _found("thinkpad " * 500) == _skus(products, "thinkpad")


def test_an_overlong_word_finds_nothing_and_does_not_fail(products):
    # Longer than PostgreSQL indexes a word (2047 characters) or accepts one in a tsquery.
    rng = random.Random(1)
    word = "".join(rng.choice(string.ascii_lowercase) for _ in range(3000))
    assert _found(word) == set()


def test_search_results_carry_the_accounts_price(catalog, contact):
    listing = product_listing(scope=Scope(kind="search", query="thinkpad"), filters=Filters(), pricing=Pricing.for_contact(contact))

    assert [(p.sku, p.price) for p in listing] == [("NB-LEN-0001", Decimal("14100.00"))]


# --- search_lookup: the search box jumps to the product when the query is its SKU or part number --


def _exact(query: str) -> str | None:
    return search_lookup(query).sku


@pytest.mark.parametrize("query", ["NB-LEN-004512", "nb-len-004512", "  NB-LEN-004512  ", "21JK0077LM", "21jk0077lm"])
def test_an_exact_sku_or_part_number_names_that_product(products, query):
    assert _exact(query) == "NB-LEN-004512"


@pytest.mark.parametrize("query", ["", "NB-LEN", "004512", "21JK0077", "NB-LEN-000009", "x" * 81])
def test_a_partial_unknown_retired_or_overlong_code_names_no_product(products, query):
    assert _exact(query) is None


def test_a_part_number_two_products_share_names_neither(products):
    ProductFactory(sku="NB-LEN-004599", mpn="21JK0077LM")

    assert _exact("21JK0077LM") is None
    assert _exact("NB-LEN-004599") == "NB-LEN-004599"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search indexes exist on PostgreSQL only")
def test_postgresql_has_the_search_indexes_on_the_expressions_the_selectors_use():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('catalog_product', 'catalog_searchword')")
        indexes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT generation_expression FROM information_schema.columns "
            "WHERE table_name = 'catalog_product' AND column_name = 'search_vector'"
        )
        (generated,) = cursor.fetchone()

    assert "to_tsvector('simple'::regconfig, COALESCE(search_text, ''::text))" in generated
    assert "gin (search_vector)" in indexes["product_search_document"]
    assert "gin_trgm_ops" in indexes["search_word_trgm"]
    assert "upper((sku)::text)" in indexes["product_sku_upper"]
    assert "upper((mpn)::text)" in indexes["product_mpn_upper"]
    # The products' own trigram index is gone: typos are corrected through the vocabulary.
    assert "product_search_trgm" not in indexes and "product_search_vector" not in indexes


# --- typos (PostgreSQL): a word that starts no word of the catalog is corrected to its closest ones --


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="typo correction runs on PostgreSQL only")


@pytest.fixture
def vocabulary(products):
    from catalog.search import search_words_refresh

    ProductFactory(name="Advanced Dock", brand=products["thinkpad"].brand, category=products["thinkpad"].category)
    ProductFactory(name="Advanced Mouse", brand=products["monitor"].brand, category=products["monitor"].category)
    search_words_refresh()
    return products


@needs_postgresql
def test_the_vocabulary_holds_the_words_of_letters_found_in_two_active_products(vocabulary):
    from catalog.models import SearchWord

    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"advanced", "notebook", "lenovo"} <= words
    assert "ultrasharp" not in words  # in one product only
    assert "thinkpad" not in words  # in one active product (the X1 is retired)
    assert not any(ch.isdigit() for word in words for ch in word)


NOTEBOOKS = {"ThinkPad E14 Gen 5 Notebook", "IdeaPad Slim 3 Notebook", "Latitude 5440 Notebook"}


@needs_postgresql
@pytest.mark.parametrize(
    "typed, found",
    [
        ("advnced", {"Advanced Dock", "Advanced Mouse"}),
        ("notebok", NOTEBOOKS),
        ("lenvo notebook", {"ThinkPad E14 Gen 5 Notebook", "IdeaPad Slim 3 Notebook"}),
        ("advnced lenvo", {"Advanced Dock"}),
    ],
)
def test_a_mistyped_word_finds_the_products_of_its_closest_catalog_words(vocabulary, typed, found):
    listing = product_listing(scope=Scope(kind="search", query=typed), filters=Filters(), pricing=None)
    assert set(listing.values_list("name", flat=True)) == found


@needs_postgresql
@pytest.mark.parametrize(
    "typed, corrections",
    [
        ("advnced", (("advnced", ("advanced",)),)),
        ("lenvo notebook", (("lenvo", ("lenovo",)), ("notebook", ()))),
        ("note 16", (("note", ()),)),
    ],
)
def test_the_lookup_reads_each_mistyped_words_closest_catalog_words(vocabulary, typed, corrections):
    assert search_lookup(typed, exact=False) == SearchLookup(sku=None, corrections=corrections)


@needs_postgresql
@pytest.mark.parametrize("typed", ["advnced", "notebok", "lenvo notebook", "advnced lenvo", "note", "thinkp 14"])
def test_corrections_read_beforehand_find_what_the_in_query_correction_finds(vocabulary, typed):
    from catalog.selectors import search_scope

    beforehand = search_scope(typed, search_lookup(typed, exact=False).corrections)
    listing = product_listing(scope=beforehand, filters=Filters(), pricing=None)
    assert set(listing.values_list("sku", flat=True)) == _found(typed)


@needs_postgresql
def test_the_search_pages_window_is_made_of_constants_so_the_planner_sees_each_words_frequency(vocabulary, client):
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("catalog:search"), {"q": "advnced dock"})
    assert response.status_code == 200
    assert "Advanced Dock" in response.content.decode()
    window = [q["sql"] for q in captured.captured_queries if "search_vector @@" in q["sql"]]
    # the window, the facets' and the page's rank: none reads the vocabulary again
    assert window and not any("catalog_searchword" in sql for sql in window)


@needs_postgresql
def test_a_word_that_starts_a_catalog_word_is_not_corrected(vocabulary):
    # "note" starts "notebook": only the products with a word starting with it, not its look-alikes.
    ProductFactory(name="Nota Pad", brand=vocabulary["monitor"].brand, category=vocabulary["monitor"].category)
    ProductFactory(name="Nota Board", brand=vocabulary["monitor"].brand, category=vocabulary["monitor"].category)
    from catalog.search import search_words_refresh

    search_words_refresh()
    assert _found("note") == _skus(vocabulary, "thinkpad", "ideapad", "latitude")
