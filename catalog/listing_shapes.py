"""A listing page's two queries (its page of products, its facets) compiled once per shape of listing.

Building and compiling them (prices, stock and licensing joined for the account, the filters, the sort)
cost ~3 ms of a category page, against ~19 ms for SQLite to run them. What their SQL says depends only
on the listing's shape: the kind of scope, which filters are set (and how many brands and
subcategories), the sort and the pricing's shape. The category or brand, the search's window, the
brands and subcategories asked for and the account's price lists and country are parameters. So each
shape is compiled once (storefront.prepared), from catalog.selectors' own product_listing and facets,
built with stand-ins for the values; the rows and counts are those the ORM gives.

A search ranked by its words (PostgreSQL, no other sort) has one more part to its shape: how many words,
and which are corrected to catalog words (catalog.search.rank_shape); the words are parameters too. A
listing whose SQL holds its values (attribute filters, price bounds) is built each time by
catalog.selectors, as before, and so is a ranked search whose corrections were not read beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from django.db import connection
from django.db.models import Field, QuerySet

from catalog.models import Availability, Brand, Category, Product
from catalog.search import Corrections, rank_fields, rank_shape, rank_stand_ins, rank_values
from catalog.selectors import (
    Filters,
    Pricing,
    PricingShape,
    Scope,
    _facet_pairs,
    _offered,
    _search_terms,
    _search_window,
    pricing_fields,
    pricing_shape,
    pricing_values,
    product_listing,
)
from storefront.prepared import ExpressionValue, PreparedQuery

# What stands for a search's window of ids while compiling.
_WINDOW_SENTINEL = (-1_987_654_399,)


@dataclass(frozen=True)
class _Shape:
    scope: str  # "all", "category", "subcategory", "brand" or "search"
    brands: int
    subcategories: int
    in_stock: bool
    sort: str
    pricing: PricingShape | None
    # A search ranked by its words: per word, whether it is ranked with its corrections too.
    rank: tuple[bool, ...] | None = None


def _ranked(scope: Scope, filters: Filters) -> bool:
    """A search sorted by how well its products match its words (selectors._sorted)."""
    return scope.kind == "search" and connection.vendor == "postgresql" and not filters.sort


def _shape(scope: Scope, filters: Filters, pricing: Pricing | None) -> _Shape | None:
    """The shape of a listing (its filters already those offered), or None when it is built each time."""
    if filters.attributes or filters.price_min is not None or filters.price_max is not None:
        return None
    if scope.kind == "search" and (scope.window is None or not _search_terms(scope.query)):
        return None
    rank = None
    if _ranked(scope, filters):
        # Ranked by its words (selectors._sorted), with the corrections search_lookup read; without
        # them the rank corrects each word itself, in a subquery.
        if scope.corrections is None:
            return None
        rank = rank_shape(_search_terms(scope.query), scope.corrections)
    kind = "subcategory" if scope.kind == "category" and scope.category.is_subcategory else scope.kind
    return _Shape(
        scope=kind,
        brands=len(filters.brands),
        subcategories=len(filters.subcategories),
        in_stock=filters.in_stock,
        sort=filters.sort,
        pricing=pricing_shape(pricing) if pricing is not None else None,
        rank=rank,
    )


def _values(scope: Scope, filters: Filters, pricing: Pricing | None) -> dict[str, object]:
    """A listing's values, by the names _fields gives them."""
    values: dict[str, object] = {}
    if scope.kind == "category":
        values["scope_id"] = scope.category.pk
    elif scope.kind == "brand":
        values["scope_id"] = scope.brand.pk
    elif scope.kind == "search":
        values["window"] = scope.window
        if scope.corrections is not None and _ranked(scope, filters):
            values |= rank_values(_search_terms(scope.query), scope.corrections)
    values |= {f"brand_{n}": slug for n, slug in enumerate(filters.brands)}
    values |= {f"subcategory_{n}": slug for n, slug in enumerate(filters.subcategories)}
    if pricing is not None:
        values |= {"country": pricing.country, **pricing_values(pricing)}
    return values


def _fields(shape: _Shape, *, brands_and_subcategories: bool, pricing: bool, rank: bool = False) -> dict[str, Field | ExpressionValue]:
    """What each value of a listing of that shape is compared with, for a query that filters by brand
    and subcategory or not, reads the pricing or not and is sorted by a search's rank or not."""
    from catalog.search import IdsIn

    fields: dict[str, Field | ExpressionValue] = {}
    if shape.scope in ("category", "subcategory"):
        fields["scope_id"] = Product._meta.get_field("category")
    elif shape.scope == "brand":
        fields["scope_id"] = Product._meta.get_field("brand")
    elif shape.scope == "search":
        fields["window"] = ExpressionValue(IdsIn, sentinel=_WINDOW_SENTINEL)
    if brands_and_subcategories:
        fields |= {f"brand_{n}": Brand._meta.get_field("slug") for n in range(shape.brands)}
        fields |= {f"subcategory_{n}": Category._meta.get_field("slug") for n in range(shape.subcategories)}
    if pricing and shape.pricing is not None:
        fields |= {"country": Availability._meta.get_field("country"), **pricing_fields(shape.pricing)}
    if rank and shape.rank is not None:
        fields |= rank_fields(shape.rank)
    return fields


def _stand_ins(shape: _Shape, values: dict[str, object]) -> tuple[Scope, Filters, Pricing | None]:
    """A scope, filters and pricing of that shape holding `values` (the prepared query's stand-ins)."""
    if shape.scope in ("category", "subcategory"):
        # A subcategory has a parent; which attribute filters it offers is none of the shape's business.
        category = Category(pk=values["scope_id"], parent_id=1 if shape.scope == "subcategory" else None, attribute_filters={})
        scope = Scope(kind="category", category=category)
    elif shape.scope == "brand":
        scope = Scope(kind="brand", brand=Brand(pk=values["scope_id"]))
    elif shape.scope == "search" and shape.rank is not None:
        query, corrections = rank_stand_ins(shape.rank)
        scope = Scope(kind="search", query=query, window=values["window"], corrections=corrections)
    elif shape.scope == "search":
        scope = Scope(kind="search", query="words", window=values["window"])
    else:
        scope = Scope(kind=shape.scope)
    filters = Filters(
        brands=tuple(values[f"brand_{n}"] for n in range(shape.brands) if f"brand_{n}" in values),
        subcategories=tuple(values[f"subcategory_{n}"] for n in range(shape.subcategories) if f"subcategory_{n}" in values),
        in_stock=shape.in_stock,
        sort=shape.sort,
    )
    pricing = None
    if shape.pricing is not None:
        pricing = Pricing(
            price_list_id=values.get("price_list_id"),
            base_list_id=values.get("base_list_id"),
            currency="",
            country=values.get("country", ""),
        )
    return scope, filters, pricing


@lru_cache(maxsize=512)
def _page_query(shape: _Shape) -> PreparedQuery[Product]:
    def build(**values: object) -> QuerySet[Product]:
        scope, filters, pricing = _stand_ins(shape, values)
        return product_listing(scope=scope, filters=filters, pricing=pricing)

    return PreparedQuery(build, **_fields(shape, brands_and_subcategories=True, pricing=True, rank=True))


@lru_cache(maxsize=512)
def _facets_query(shape: _Shape) -> PreparedQuery:
    def build(**values: object) -> QuerySet:
        scope, filters, pricing = _stand_ins(shape, values)
        return _facet_pairs(scope, filters, pricing)

    # The facets count every brand and subcategory (those filters apply to the counts, not the SQL),
    # and join prices and stock only for the in-stock filter (selectors._facet_pairs).
    return PreparedQuery(build, **_fields(shape, brands_and_subcategories=False, pricing=shape.in_stock))


class ListingRows:
    """A listing's rows for a paginator: each slice read by the listing's prepared query."""

    def __init__(self, query: PreparedQuery[Product], values: dict[str, object]) -> None:
        self._query = query
        self._values = values

    def __getitem__(self, rows: slice) -> list[Product]:
        return self._query.page(rows.start or 0, rows.stop, **self._values)


def listing_rows(*, scope: Scope, filters: Filters, pricing: Pricing | None) -> ListingRows | QuerySet[Product]:
    """product_listing's rows for a listing page's paginator: read by the query compiled once for the
    listing's shape, or product_listing's queryset for a listing built each time."""
    offered = _offered(scope, filters)
    shape = _shape(scope, offered, pricing)
    if shape is None:
        return product_listing(scope=scope, filters=filters, pricing=pricing)
    return ListingRows(_page_query(shape), _values(scope, offered, pricing))


def facet_pairs_prepared(scope: Scope, filters: Filters, pricing: Pricing | None) -> list[dict] | None:
    """selectors._facet_pairs' rows (its filters already those offered), read by the query compiled
    once for the listing's shape; None for a listing built each time."""
    shape = _shape(scope, filters, pricing)
    if shape is None:
        return None
    # The facets are not sorted: a ranked search's words are not in their SQL.
    return _facets_query(replace(shape, rank=None)).all(**_values(scope, filters, pricing))


@lru_cache(maxsize=256)
def _window_query(match: tuple[bool, ...]) -> PreparedQuery:
    def build(**values: object) -> QuerySet:
        query, corrections = rank_stand_ins(match)
        return _search_window(Product.objects.filter(is_active=True), _search_terms(query), corrections)

    return PreparedQuery(build, **rank_fields(match, whole=False))


def search_window_prepared(terms: list[str], corrections: Corrections | None) -> tuple[int, ...] | None:
    """selectors._search_window's ids, read by the query compiled once for the search's words' shape
    (PostgreSQL, with the corrections read beforehand); None where it is built each time."""
    if connection.vendor != "postgresql" or corrections is None or not terms:
        return None
    rows = _window_query(rank_shape(terms, corrections)).all(**rank_values(terms, corrections))
    return tuple(row["pk"] for row in rows)
