"""A listing's page and facets read by queries compiled once per shape (catalog.listing_shapes) are the
rows and counts product_listing and the ORM give, for every kind of scope, filter, sort and pricing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Contact
from catalog import listing_shapes
from catalog.listing_shapes import ListingRows, listing_rows, search_window_prepared
from catalog.models import Brand, Category, Product
from catalog.search import search_words_refresh
from catalog.selectors import (
    Filters,
    Pricing,
    Scope,
    _search_terms,
    _search_window,
    listing_facets,
    product_listing,
    search_lookup,
    search_scope,
)
from tests.storefront.test_prepared_query import _snapshot


def _scope(kind: str) -> Scope:
    if kind == "category":
        return Scope(kind="category", category=Category.objects.get(slug="computers"))
    if kind == "subcategory":
        return Scope(kind="category", category=Category.objects.select_related("parent").get(slug="notebooks"))
    if kind == "brand":
        return Scope(kind="brand", brand=Brand.objects.get(slug="lenovo"))
    if kind == "search":
        return search_scope("notebook")
    if kind == "searched":
        # As the search page reads it: the corrections first (on PostgreSQL), then the window.
        return search_scope("notebook", search_lookup("notebook").corrections)
    return Scope(kind="all")


FILTERS = [
    Filters(),
    Filters(brands=("lenovo",)),
    Filters(brands=("dell", "lenovo"), in_stock=True),
    Filters(subcategories=("notebooks",), sort="price"),
    Filters(in_stock=True, sort="-price"),
    Filters(sort="availability"),
    Filters(sort="name", subcategories=("monitors", "notebooks")),
]


@pytest.fixture
def buyers(contact, other_contact, stocked, price_lists):
    """Pricings of every shape: a list over a base list, a list of its own, no prices (None)."""
    return {"gold over base": Pricing.for_contact(contact), "own list": Pricing.for_contact(other_contact), "no prices": None}


def _orm(monkeypatch):
    """While in force, every listing is built by the ORM each time (no shape is compiled once)."""
    monkeypatch.setattr(listing_shapes, "_shape", lambda *args, **kwargs: None)


def _same_as_the_orm(scope, filters, pricing, monkeypatch, name):
    rows = listing_rows(scope=scope, filters=filters, pricing=pricing)
    facets = listing_facets(scope=scope, filters=filters, pricing=pricing)
    listing = product_listing(scope=scope, filters=filters, pricing=pricing)
    for low, high in [(0, 48), (1, 3), (2, None)]:
        assert [_snapshot(p) for p in rows[low:high]] == [_snapshot(p) for p in listing[low:high]], (name, low, high)
    with monkeypatch.context() as m:
        _orm(m)
        assert facets == listing_facets(scope=scope, filters=filters, pricing=pricing), name
    return rows


@pytest.mark.parametrize("kind", ["all", "category", "subcategory", "brand", "search", "searched"])
@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_the_rows_and_facets_are_those_of_the_orm(kind, filters, buyers, monkeypatch):
    scope = _scope(kind)
    for name, pricing in buyers.items():
        rows = _same_as_the_orm(scope, filters, pricing, monkeypatch, name)
        # A search ranked by its words (PostgreSQL, no other sort) whose corrections were not read
        # beforehand corrects each word in its own SQL: it is built each time.
        uncorrected = kind == "search" and connection.vendor == "postgresql" and not filters.sort
        assert isinstance(rows, ListingRows) is not uncorrected, name


@pytest.mark.parametrize(
    "typed", ["notebook", "notebok", "lenvo notebok", "advnced lenvo", "thinkp 14", "dell dell notebook", "a b c d e f g h i j"]
)
def test_a_ranked_search_of_any_words_and_corrections_is_read_as_the_orm_reads_it(typed, buyers, monkeypatch):
    search_words_refresh()  # the vocabulary the corrections come from (PostgreSQL; elsewhere nothing)
    scope = search_scope(typed, search_lookup(typed).corrections)
    for name, pricing in buyers.items():
        rows = _same_as_the_orm(scope, Filters(), pricing, monkeypatch, name)
        assert isinstance(rows, ListingRows), name


@pytest.mark.parametrize("typed", ["notebook", "notebok", "lenvo notebok", "advnced lenvo", "thinkp 14", "dell dell notebook", "zzzz"])
def test_a_search_window_is_the_one_the_orm_reads(typed, buyers):
    search_words_refresh()
    corrections = search_lookup(typed).corrections
    terms = _search_terms(typed)
    built = tuple(_search_window(Product.objects.filter(is_active=True), terms, corrections).values_list("pk", flat=True))

    assert search_scope(typed, corrections).window == built
    prepared = search_window_prepared(terms, corrections)
    assert prepared == (built if connection.vendor == "postgresql" else None)


def test_ranked_searches_of_one_shape_share_a_query_and_keep_their_own_order(buyers):
    if connection.vendor != "postgresql":
        pytest.skip("Searches are ranked by their words on PostgreSQL only.")
    search_words_refresh()
    pricing = buyers["gold over base"]
    lenovo = listing_rows(scope=search_scope("lenovo", search_lookup("lenovo").corrections), filters=Filters(), pricing=pricing)
    notebook = listing_rows(scope=search_scope("notebook", search_lookup("notebook").corrections), filters=Filters(), pricing=pricing)
    mistyped = listing_rows(scope=search_scope("notebok", search_lookup("notebok").corrections), filters=Filters(), pricing=pricing)

    assert lenovo._query is notebook._query
    assert mistyped._query is not notebook._query  # one more parameter: the word's corrections
    assert [p.pk for p in mistyped[0:48]] == [p.pk for p in notebook[0:48]]
    assert {p.brand.slug for p in lenovo[0:48]} == {"lenovo"}
    assert "dell" in {p.brand.slug for p in notebook[0:48]}


def test_two_listings_of_one_shape_share_a_query_and_keep_their_own_rows(buyers):
    lenovo = listing_rows(scope=_scope("brand"), filters=Filters(), pricing=buyers["gold over base"])
    dell = listing_rows(scope=Scope(kind="brand", brand=Brand.objects.get(slug="dell")), filters=Filters(), pricing=buyers["gold over base"])

    assert lenovo._query is dell._query
    assert {p.brand.slug for p in lenovo[0:48]} == {"lenovo"}
    assert {p.brand.slug for p in dell[0:48]} == {"dell"}


def test_an_empty_page_reads_nothing(buyers, django_assert_num_queries):
    rows = listing_rows(scope=_scope("all"), filters=Filters(), pricing=buyers["own list"])
    with django_assert_num_queries(0):
        assert rows[0:0] == []


@pytest.mark.parametrize(
    "filters",
    [Filters(attributes=(("RAM", "16 GB"),)), Filters(price_min=1), Filters(price_max=20000)],
    ids=["attribute", "minimum price", "maximum price"],
)
def test_a_listing_whose_sql_holds_its_values_is_built_each_time(filters, buyers):
    scope = _scope("subcategory")
    rows = listing_rows(scope=scope, filters=filters, pricing=buyers["gold over base"])

    assert not isinstance(rows, ListingRows)
    assert [p.pk for p in rows] == [p.pk for p in product_listing(scope=scope, filters=filters, pricing=buyers["gold over base"])]


def test_the_page_reads_the_sql_the_orm_writes(buyers):
    scope, filters, pricing = _scope("category"), Filters(brands=("lenovo",), in_stock=True, sort="price"), buyers["gold over base"]

    with CaptureQueriesContext(connection) as prepared:
        listing_rows(scope=scope, filters=filters, pricing=pricing)[1:3]
    with CaptureQueriesContext(connection) as built:
        list(product_listing(scope=scope, filters=filters, pricing=pricing)[1:3])

    assert [q["sql"] for q in prepared] == [q["sql"] for q in built]


def test_a_contact_without_prices_and_a_visitor_list_the_same(contact, stocked):
    Contact.objects.filter(pk=contact.pk).update(can_see_prices=False)
    contact.refresh_from_db()
    rows = listing_rows(scope=_scope("category"), filters=Filters(in_stock=True), pricing=Pricing.for_contact(contact))
    assert [p.sku for p in rows[0:48]] == [p.sku for p in product_listing(scope=_scope("category"), filters=Filters(), pricing=None)]
