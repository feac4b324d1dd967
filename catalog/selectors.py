"""Reads of the catalog, priced and stocked for the contact who asks.

Every listing is one queryset: products joined (not sub-queried) to the account's price, its base
list's price and the availability in the account's country, so sorting and filtering by price or
stock stay one SQL statement whatever the catalog's size.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from itertools import chain, repeat
from typing import Iterator

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, CharField, Count, F, Field, FilteredRelation, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf, Upper
from django.db.models.sql.constants import MULTI

from accounts.models import Contact
from catalog.models import Availability, Brand, Category, Price, Product, Stock, Warehouse
from catalog.search import Corrections
from storefront.instances import InstanceIterable
from storefront.prepared import PreparedQuery

PAGE_SIZE = 48
# A search ranks, counts and facets at most this many matches (and knows whether there were more).
SEARCH_WINDOW = 1000
SORTS = {
    "name": "Name",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "availability": "Availability",
}
CATEGORY_TREE_CACHE_KEY = "catalog:category-tree:v1"


@dataclass(frozen=True)
class Pricing:
    """What a contact may see: its account's price lists, currency and country. None for visitors."""

    price_list_id: int | None
    base_list_id: int | None
    currency: str
    country: str

    @classmethod
    def for_contact(cls, contact: Contact | None) -> "Pricing | None":
        if contact is None or not contact.can_see_prices:
            return None
        account = contact.account
        price_list = account.price_list
        return cls(
            price_list_id=account.price_list_id,
            base_list_id=price_list.base_id if price_list is not None else None,
            currency=account.currency,
            country=account.country,
        )


# The shape of an account's pricing for a query compiled once (storefront.prepared): whether it has
# its own price list and a base list under it. Each shape is another SQL statement.
PricingShape = tuple[bool, bool]


def pricing_shape(pricing: Pricing) -> PricingShape:
    return (bool(pricing.price_list_id), bool(pricing.base_list_id))


def pricing_fields(shape: PricingShape) -> dict[str, Field]:
    """The price list ids a prepared query of that shape compares, by the names pricing_values gives."""
    own, base = shape
    price_list = Price._meta.get_field("price_list")
    return {name: price_list for name, present in (("price_list_id", own), ("base_list_id", base)) if present}


def pricing_values(pricing: Pricing) -> dict[str, object]:
    """The ids of the pricing's own and base price lists, where it has them."""
    ids = (("price_list_id", pricing.price_list_id), ("base_list_id", pricing.base_list_id))
    return {name: value for name, value in ids if value}


@dataclass(frozen=True)
class Scope:
    """Which products a listing is about: everything, a category, a brand or a search."""

    kind: str
    category: Category | None = None
    brand: Brand | None = None
    query: str = ""
    # A search's window (the ids of at most SEARCH_WINDOW + 1 matches), when read beforehand by
    # search_scope for a page that reads the listing twice (its facets, its page); otherwise each
    # listing query finds the window itself.
    window: tuple[int, ...] | None = None
    # A search's mistyped words and the catalog words each is corrected to, when read beforehand by
    # search_lookup; otherwise each query corrects them itself.
    corrections: Corrections | None = None

    @property
    def key(self) -> str:
        if self.kind == "category":
            return f"category:{self.category.slug}"
        if self.kind == "brand":
            return f"brand:{self.brand.slug}"
        return self.kind


@dataclass(frozen=True)
class Filters:
    brands: tuple[str, ...] = ()
    subcategories: tuple[str, ...] = ()
    in_stock: bool = False
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    sort: str = ""

    def without(self, name: str) -> "Filters":
        values = {f: getattr(self, f) for f in self.__dataclass_fields__}
        values[name] = () if isinstance(values[name], tuple) else None
        return Filters(**values)


@dataclass
class Facets:
    brands: list[dict] = field(default_factory=list)
    subcategories: list[dict] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    # The listing's own count, under every filter.
    total: int = 0
    # A search with more matches than its window (SEARCH_WINDOW): counts and facets are the window's.
    window_full: bool = False


# --- the category tree (cached: it changes rarely and every catalog page shows it) ----------------


def category_tree() -> list[dict]:
    """Top categories with their subcategories, as plain data, from the cache when it has them."""
    tree = cache.get(CATEGORY_TREE_CACHE_KEY)
    if tree is None:
        tree = []
        by_parent: dict[int, list[dict]] = {}
        tops = []
        for cat in Category.objects.order_by("position", "name").values("id", "name", "slug", "parent_id"):
            if cat["parent_id"] is None:
                tops.append(cat)
            else:
                by_parent.setdefault(cat["parent_id"], []).append(cat)
        for top in tops:
            tree.append({**top, "children": by_parent.get(top["id"], [])})
        cache.set(CATEGORY_TREE_CACHE_KEY, tree, 3600)
    return tree


def category_tree_forget() -> None:
    cache.delete(CATEGORY_TREE_CACHE_KEY)


# Every category and brand page reads its own by slug: compiled once, not once per request (compiling
# the category's query, with its parent, cost more than SQLite takes to run it).
_CATEGORY_BY_SLUG: PreparedQuery[Category] = PreparedQuery(
    lambda slug: Category.objects.select_related("parent").filter(slug=slug).order_by(),
    slug=Category._meta.get_field("slug"),
)
_BRAND_BY_SLUG: PreparedQuery[Brand] = PreparedQuery(
    lambda slug: Brand.objects.filter(slug=slug).order_by(), slug=Brand._meta.get_field("slug")
)


def category_by_slug(slug: str) -> Category | None:
    """The category (with its parent) of that slug, or None."""
    return _CATEGORY_BY_SLUG.first(slug=slug)


def brand_by_slug(slug: str) -> Brand | None:
    """The brand of that slug, or None."""
    return _BRAND_BY_SLUG.first(slug=slug)


# --- products --------------------------------------------------------------------------------------


def _priced(products: QuerySet, pricing: Pricing | None, *, via: str = "", with_stock: bool = True) -> QuerySet:
    """The rows with the account's price, volume licensing program and (unless with_stock is False)
    stock in its country.

    `via` is the path to the product when the rows are not products (a cart line's is "product__").
    """
    if pricing is None:
        return products
    own = F("own_price__amount") if pricing.price_list_id else Value(None)
    annotations: dict = {}
    if pricing.price_list_id:
        annotations["own_price"] = FilteredRelation(
            f"{via}prices", condition=Q(**{f"{via}prices__price_list_id": pricing.price_list_id})
        )
    if pricing.base_list_id:
        annotations["base_price"] = FilteredRelation(
            f"{via}prices", condition=Q(**{f"{via}prices__price_list_id": pricing.base_list_id})
        )
    if with_stock:
        annotations["stock_here"] = FilteredRelation(
            f"{via}availability", condition=Q(**{f"{via}availability__country": pricing.country})
        )
    products = products.annotate(**annotations)
    price = Coalesce(own, F("base_price__amount")) if pricing.base_list_id else own
    products = products.annotate(
        price=price,
        # The volume licensing program, if the product is sold as volume licensing (one row per
        # product at most, so the join adds no rows): such products are ordered from their own page.
        licensing_program=F(f"{via}licensing__program"),
    )
    if not with_stock:
        return products
    return products.annotate(
        stock_quantity=Coalesce(F("stock_here__quantity"), 0),
        incoming_quantity=F("stock_here__incoming_quantity"),
        incoming_date=F("stock_here__incoming_date"),
    )


# A word, with the dots and hyphens inside it: "m.2", "2.5", "usb-c" and "kf556c40bb-16" are one word
# each, as PostgreSQL's parser keeps them (split at the dot, "2.5" would look for "2" and "5").
SEARCH_WORD = re.compile(r"\w+(?:[.\-]\w+)*")


def _search_terms(query: str) -> list[str]:
    return [term for term in SEARCH_WORD.findall(query.lower()) if term][:8]


def _search_window(products: QuerySet[Product], terms: list[str], corrections: Corrections | None = None) -> QuerySet:
    """The ids of at most SEARCH_WINDOW + 1 products matching every word (as a prefix; on PostgreSQL
    also within a typo): the first found in the table's own order, which is the same from one request
    to the next (on PostgreSQL a scan starts at the table's first page: settings.DATABASES).

    Not ORDER BY id: for a word in a tenth of the catalog PostgreSQL then walks the primary key until
    the window is full, but for one in a thousandth it reads every match to sort them (three times the
    rows); unordered, each is read as far as the window needs, through the index or not as the planner
    judges from the word's frequency.

    The window bounds what a search costs whatever the catalog's size: a word found in a hundred
    thousand products is not ranked, counted or faceted over all of them. Up to SEARCH_WINDOW matches
    everything is exact; past it the listing says so (Facets.window_full) and shows the best of the
    window, and the reseller narrows with another word.
    """
    if connection.vendor == "postgresql":
        from catalog.search import SearchMatch

        matching = products.filter(SearchMatch(terms, corrections))
    else:
        condition = Q()
        for term in terms:
            condition &= Q(search_text__contains=term)
        matching = products.filter(condition)
    return matching.order_by().values("pk")[: SEARCH_WINDOW + 1]


def _searched(products: QuerySet[Product], scope: Scope) -> QuerySet[Product]:
    """The products of a search's window, with their rank on PostgreSQL."""
    terms = _search_terms(scope.query)
    if not terms:
        return products.none()
    if scope.window is not None:
        from catalog.search import IdsIn

        products = products.filter(IdsIn(scope.window))
    elif connection.vendor == "postgresql":
        from catalog.search import InWindow

        products = products.filter(InWindow(_search_window(products, terms, scope.corrections)))
    else:
        products = products.filter(pk__in=_search_window(products, terms))
    if connection.vendor == "postgresql":
        from catalog.search import SearchRank

        products = products.alias(rank=SearchRank(terms, scope.corrections))
    return products


def search_scope(query: str, corrections: Corrections | None = None) -> Scope:
    """A search's scope with its window read once (one query), for the search page, whose facets and
    page would otherwise each find it again; `corrections` as search_lookup read them."""
    terms = _search_terms(query)
    if not terms:
        return Scope(kind="search", query=query, window=())
    from catalog.listing_shapes import search_window_prepared

    window = search_window_prepared(terms, corrections)
    if window is None:
        window = tuple(_search_window(Product.objects.filter(is_active=True), terms, corrections).values_list("pk", flat=True))
    return Scope(kind="search", query=query, window=window, corrections=corrections)


@dataclass(frozen=True)
class SearchLookup:
    """What a search reads before its window: the product the query names exactly, and the closest
    catalog words of its mistyped words (PostgreSQL)."""

    sku: str | None = None
    corrections: Corrections | None = None


def _exact_match(query: str) -> QuerySet | None:
    query = query.strip()
    if not query or len(query) > 80:
        return None
    return Product.objects.filter(is_active=True).filter(Q(sku__iexact=query) | Q(mpn__iexact=query)).values("sku")[:2]


def _only(skus: list[str]) -> str | None:
    return skus[0] if len(skus) == 1 else None


def search_lookup(query: str, *, exact: bool = True) -> SearchLookup:
    """The exact SKU or part number match (when `exact`) and the corrections of the query's words, in
    one query (none for a query with nothing to look up).

    Read before the window so that its query is made of constants, which lets PostgreSQL's planner see
    how common each word is (catalog.search._term_sql).
    """
    matching = _exact_match(query) if exact else None
    if connection.vendor != "postgresql":
        return SearchLookup(sku=_only(list(matching.values_list("sku", flat=True))) if matching is not None else None)
    from catalog.search import search_corrections_sql

    looked_up, columns, params = search_corrections_sql(_search_terms(query))
    if matching is not None:
        exact_sql, exact_params = matching.query.sql_with_params()
        columns.insert(0, f"ARRAY({exact_sql})")
        params[:0] = exact_params
    if not columns:
        return SearchLookup(corrections=())
    with connection.cursor() as cursor:
        # Only SQL the ORM compiled and catalog.search's fixed text go into it; every value is a parameter.
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = list(cursor.fetchone())
    sku = _only(row.pop(0)) if matching is not None else None
    return SearchLookup(sku=sku, corrections=tuple((term, tuple(words)) for term, words in zip(looked_up, row)))


def _scoped(scope: Scope) -> QuerySet[Product]:
    products = Product.objects.filter(is_active=True)
    if scope.kind == "category":
        category = scope.category
        if category.is_subcategory:
            products = products.filter(category_id=category.pk)
        else:
            products = products.filter(category__parent_id=category.pk)
    elif scope.kind == "brand":
        products = products.filter(brand_id=scope.brand.pk)
    elif scope.kind == "search":
        products = _searched(products, scope)
    return products


def _filter_condition(products: QuerySet[Product], filters: Filters, pricing: Pricing | None) -> tuple[QuerySet[Product], Q]:
    """The filters as one condition, with the aliases it reads added to the queryset."""
    condition = Q()
    if filters.brands:
        condition &= Q(brand__slug__in=filters.brands)
    if filters.subcategories:
        condition &= Q(category__slug__in=filters.subcategories)
    for n, (name, value) in enumerate(filters.attributes):
        # The name comes from the address bar: a key to read (KeyTextTransform), never a lookup path.
        alias = f"attribute_filter_{n}"
        key = Cast(KeyTextTransform(name, "attributes"), output_field=CharField())
        products = products.alias(**{alias: key})
        condition &= Q(**{alias: value})
    if pricing is not None:
        if filters.in_stock:
            condition &= Q(stock_quantity__gt=0)
        if filters.price_min is not None:
            condition &= Q(price__gte=filters.price_min)
        if filters.price_max is not None:
            condition &= Q(price__lte=filters.price_max)
    return products, condition


def _filtered(products: QuerySet[Product], filters: Filters, pricing: Pricing | None) -> QuerySet[Product]:
    products, condition = _filter_condition(products, filters, pricing)
    return products.filter(condition) if condition else products


def _sorted(products: QuerySet[Product], scope: Scope, filters: Filters, pricing: Pricing | None) -> QuerySet[Product]:
    sort = filters.sort
    if pricing is not None and sort == "price":
        return products.order_by(F("price").asc(nulls_last=True), "name", "id")
    if pricing is not None and sort == "-price":
        return products.order_by(F("price").desc(nulls_last=True), "name", "id")
    if pricing is not None and sort == "availability":
        return products.order_by("-stock_quantity", "name", "id")
    if scope.kind == "search" and not sort and connection.vendor == "postgresql" and _search_terms(scope.query):
        return products.order_by("-rank", "name", "id")
    return products.order_by("name", "id")


def _offered(scope: Scope, filters: Filters) -> Filters:
    """The filters, with attribute filters only where the subcategory offers them."""
    offered = scope.category.attribute_filters if scope.kind == "category" and scope.category.is_subcategory else {}
    kept = tuple((name, value) for name, value in filters.attributes if name in (offered or {}))
    return filters if kept == filters.attributes else replace(filters, attributes=kept)


def product_listing(*, scope: Scope, filters: Filters, pricing: Pricing | None) -> QuerySet[Product]:
    """The products of a listing, filtered, priced for the account and sorted: one query per page."""
    filters = _offered(scope, filters)
    products = _filtered(_priced(_scoped(scope), pricing), filters, pricing)
    # Only what a listing row shows: not the description, attributes or search text of 48 products,
    # nor the categories' filters (each a JSON document decoded per row).
    products = (
        _sorted(products, scope, filters, pricing)
        .select_related("brand", "category")
        .only("id", "sku", "mpn", "name", "brand__name", "category__name")
    )
    # A page's rows are read: each product, brand and category made without Model.__init__, which
    # cost ~0.9 ms a page of 48 (storefront.instances).
    products._iterable_class = InstanceIterable
    return products


def _facet_pairs(scope: Scope, filters: Filters, pricing: Pricing | None) -> QuerySet:
    """The products under every filter but brands and subcategories, counted per (brand, subcategory)."""
    others = replace(filters, brands=(), subcategories=())
    # Prices and stock are joined only for a filter that reads them: the counts need neither.
    reads_pricing = filters.in_stock or filters.price_min is not None or filters.price_max is not None
    products = _priced(_scoped(scope), pricing) if reads_pricing else _scoped(scope)
    if scope.kind == "search":
        # A search's window is counted whole (`matched`), so the page knows whether it is full, and
        # each pair under the other filters (`count`): still one query, over at most the window.
        products, condition = _filter_condition(products, others, pricing)
        return (
            products.order_by()
            .values("brand__slug", "brand__name", "category__slug", "category__name")
            .annotate(count=Count("id", filter=condition) if condition else Count("id"), matched=Count("id"))
        )
    return (
        _filtered(products, others, pricing)
        .order_by()
        .values("brand__slug", "brand__name", "category__slug", "category__name")
        .annotate(count=Count("id"))
    )


def listing_facets(*, scope: Scope, filters: Filters, pricing: Pricing | None) -> Facets:
    """Counts per brand and per subcategory, each under every filter but its own, and the listing's
    own count under them all: one query.

    The products under every filter but those two are counted per (brand, subcategory) pair; each
    facet and the total are sums over those pairs, so the page needs no COUNT of its own.
    """
    from catalog.listing_shapes import facet_pairs_prepared

    filters = _offered(scope, filters)
    pairs = facet_pairs_prepared(scope, filters, pricing)
    if pairs is None:
        pairs = _facet_pairs(scope, filters, pricing)
    brands, subcategories = set(filters.brands), set(filters.subcategories)
    by_brand: dict[tuple[str, str], int] = {}
    by_sub: dict[tuple[str, str], int] = {}
    facets = Facets()
    matched = 0
    for pair in pairs:
        matched += pair.get("matched", 0)
        if not pair["count"]:
            continue
        brand_kept = not brands or pair["brand__slug"] in brands
        sub_kept = not subcategories or pair["category__slug"] in subcategories
        if sub_kept:
            key = (pair["brand__name"], pair["brand__slug"])
            by_brand[key] = by_brand.get(key, 0) + pair["count"]
        if brand_kept:
            key = (pair["category__name"], pair["category__slug"])
            by_sub[key] = by_sub.get(key, 0) + pair["count"]
        if brand_kept and sub_kept:
            facets.total += pair["count"]
    if scope.kind != "brand":
        facets.brands = [
            {"brand__slug": slug, "brand__name": name, "count": count}
            for (name, slug), count in sorted(by_brand.items(), key=_by_name)
        ]
    if not (scope.kind == "category" and scope.category.is_subcategory):
        facets.subcategories = [
            {"category__slug": slug, "category__name": name, "count": count}
            for (name, slug), count in sorted(by_sub.items(), key=_by_name)
        ]
    if scope.kind == "category" and scope.category.is_subcategory:
        facets.attributes = scope.category.attribute_filters or {}
    facets.window_full = (len(scope.window) if scope.window is not None else matched) > SEARCH_WINDOW
    return facets


def _by_name(item: tuple[tuple[str, str], int]) -> tuple[str, str, str]:
    (name, slug), _count = item
    return (name.casefold(), name, slug)


def products_priced(*, product_ids: list[int], pricing: Pricing) -> dict[int, Product]:
    """Those products (active or not), priced and stocked for the account: one query."""
    return {p.pk: p for p in _priced(Product.objects.filter(pk__in=product_ids), pricing)}


def rows_priced(rows: QuerySet, *, pricing: Pricing, via: str, with_stock: bool = True) -> QuerySet:
    """Rows that name a product (cart lines: via="product__"), each with the product's price,
    licensing program and (unless with_stock is False: stock rows themselves) stock for the account,
    joined in the same query."""
    return _priced(rows, pricing, via=via, with_stock=with_stock)


def products_by_code(codes: list[str]) -> dict[str, Product]:
    """Active products by upper-cased SKU or part number (a part number shared by several products
    is left out: it names none of them)."""
    wanted = {code.strip().upper() for code in codes if code.strip()}
    if not wanted:
        return {}
    found: dict[str, Product] = {}
    shared: set[str] = set()
    matches = (
        Product.objects.filter(is_active=True)
        .annotate(sku_upper=Upper("sku"), mpn_upper=Upper("mpn"))
        .filter(Q(sku_upper__in=wanted) | Q(mpn_upper__in=wanted))
    )
    for product in matches:
        found[product.sku.upper()] = product
        mpn = product.mpn.upper()
        if mpn in found and found[mpn].pk != product.pk and found[mpn].sku.upper() != mpn:
            shared.add(mpn)
        found.setdefault(mpn, product)
    return {code: product for code, product in found.items() if code in wanted and code not in shared}


@lru_cache(maxsize=None)
def _product_page_query(shape: PricingShape | None) -> PreparedQuery[Product]:
    """The product page's query for one shape of pricing (None: no prices), compiled once per
    connection: building and compiling it cost more than running it."""

    def build(sku, price_list_id=None, base_list_id=None, country=None):
        pricing = Pricing(price_list_id=price_list_id, base_list_id=base_list_id, currency="", country=country) if shape else None
        return (
            _priced(Product.objects.filter(is_active=True, sku=sku), pricing)
            .select_related("brand", "category", "category__parent")
            .order_by("pk")
        )

    fields = {"sku": Product._meta.get_field("sku")}
    if shape is not None:
        fields |= {"country": Availability._meta.get_field("country"), **pricing_fields(shape)}
    return PreparedQuery(build, **fields)


def product_for_page(*, sku: str, pricing: Pricing | None) -> Product | None:
    """One active product, priced and stocked for the account."""
    if pricing is None:
        return _product_page_query(None).first(sku=sku)
    return _product_page_query(pricing_shape(pricing)).first(sku=sku, country=pricing.country, **pricing_values(pricing))


_STOCK_BY_WAREHOUSE: PreparedQuery[Stock] = PreparedQuery(
    lambda product_id, country: Stock.objects.filter(product_id=product_id, warehouse__country=country)
    .select_related("warehouse")
    .order_by("warehouse__name"),
    product_id=Stock._meta.get_field("product"),
    country=Warehouse._meta.get_field("country"),
)


def product_stock_by_warehouse(*, product: Product, pricing: Pricing | None) -> list[Stock]:
    """The product's stock in each warehouse of the account's country."""
    if pricing is None:
        return []
    return _STOCK_BY_WAREHOUSE.all(product_id=product.pk, country=pricing.country)


EXPORT_COLUMNS = ("category", "subcategory", "name", "brand", "price", "availability", "part number", "SKU", "attributes")


def price_list_rows(*, scope: Scope, filters: Filters, pricing: Pricing, chunk_size: int = 2000) -> Iterator[tuple]:
    """The Price List rows of a listing, streamed from the database in chunks (memory stays flat).

    Each row follows EXPORT_COLUMNS; the price is a number as the database gives it (a Decimal, or
    an int or float on SQLite) or None, the availability a number, the attributes "name: value" text.
    The rows come from the cursor without the ORM's per-field converters, and the database shapes the
    categories: at a million rows, any Python work per row costs more than writing the file.
    """
    products = product_listing(scope=scope, filters=filters, pricing=pricing)
    parent = NullIf("category__parent__name", Value(""))
    values = products.annotate(
        # A product of a top category (no parent) shows that category and no subcategory.
        export_category=Coalesce(parent, "category__name"),
        export_subcategory=Case(When(Q(category__parent__name__gt=""), then="category__name"), default=Value("")),
    ).values_list(
        "export_category", "export_subcategory", "name", "brand__name", "price", "stock_quantity", "mpn", "sku", "attributes"
    )
    if scope.kind == "search":
        values = values[:SEARCH_WINDOW]  # the listing's own rows: a search shows its window's best
    # Chained in C, so no Python frame resumes per row; the query runs at the first row.
    return chain.from_iterable(_price_list_chunks(values, chunk_size))


def _price_list_chunks(values: QuerySet, chunk_size: int) -> Iterator[Iterator[tuple]]:
    compiler = values.query.get_compiler(using=values.db)
    # A server-side cursor on PostgreSQL, fetchmany elsewhere: the same chunked reads as iterator().
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk_size):
        columns = list(zip(*chunk))
        columns[-1] = _attributes_texts(columns[-1])
        yield zip(*columns)


def _attributes_texts(raws: tuple) -> list[str]:
    # A chunk's attribute objects, decoded as one JSON array and joined in C when every value is
    # text (the database holds valid JSON, one value each, so the array has one item per product).
    try:
        decoded = json.loads("[" + ",".join(raws) + "]")
        if len(decoded) == len(raws):
            return list(map("; ".join, map(map, repeat(": ".join), map(dict.items, decoded))))
    except (TypeError, ValueError):  # a NULL, a value that is not text, or not an object
        pass
    return list(map(attributes_text, raws))


def attributes_text(raw: str | dict | None) -> str:
    """A product's attributes as "name: value; name: value", from the JSON text the database returns."""
    attributes = json.loads(raw) if isinstance(raw, str) and raw else raw
    return "; ".join(f"{name}: {value}" for name, value in (attributes or {}).items())
