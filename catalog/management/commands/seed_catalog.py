"""A realistic made-up catalog, written in bulk: categories, brands, products, prices, stock.

`manage.py seed_catalog --products 100000 --seed 7` builds ~30 top categories with their
subcategories, ~100 brands, the products, the base and Gold price lists in MXN, COP and USD, four
warehouses with their stock, then derives availability, search text and listing filters.
`--categories 300` adds variants of the subcategories (Refurbished, Outlet...) until the catalog has
that many categories; `--price-lists 20` adds partner lists over the base lists, each pricing a share
of the products below base (the benchmark's tiers use both).

Without --replace a second run adds more products: categories, brands, warehouses and price lists are
found by their slug or code and reused, and SKUs continue from the highest one seeded before. With
--replace the catalog is deleted first, except what the rest of the store points to: price lists
(accounts buy from them) and warehouses are kept and reused, and a product that another app still
refers to (an order line, say) is deactivated rather than deleted. The same --seed on the same
starting catalog gives the same products, prices and stock.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.management.commands._catalog_data import (
    BRANDS,
    FAMILIES,
    PRICE_LISTS,
    TREE,
    WAREHOUSE_SHARE,
    WAREHOUSES,
    Attribute,
    Family,
    Subcategory,
)
from catalog.models import Availability, Brand, Category, Price, PriceList, Product, Stock, Warehouse
from catalog.search import search_words_refresh
from catalog.services import category_refresh_filters

# Products written per round: each round's products, prices and stock are built, written and dropped,
# so memory stays flat whatever --products says.
CHUNK_SIZE = 5000
# A preferential (Gold) price covers this share of products, this far below the base price.
GOLD_SHARE = 0.30
GOLD_DISCOUNT = (0.03, 0.12)
# A partner list (beyond the Base and Gold lists) covers this share of products, this far below base.
PARTNER_SHARE = 0.15
PARTNER_DISCOUNT = (0.02, 0.08)
PARTNER_CURRENCIES = ("MXN", "COP", "USD")
# Subcategory variants added, round after round, when --categories asks for more than the tree holds.
VARIANTS = ("Refurbished", "Outlet", "Education", "Government", "Bundles", "Spare Parts", "Accessories Kits")
# Hardware products with no stock anywhere; some of them have a delivery on its way.
OUT_OF_STOCK_SHARE = 0.17
INCOMING_WHEN_OUT = 0.6
INCOMING_WHEN_IN = 0.1
INCOMING_WITHIN_DAYS = 45
# Licences and cloud subscriptions never run out; they show this much in each country.
DIGITAL_STOCK = 999
# USD to MXN, MXN to COP: rough rates, with a little noise per product.
MXN_PER_USD = 18.2
COP_PER_MXN = 200
SKU_NUMBER = re.compile(r"^[A-Z]{2}-[A-Z0-9]{3}-(\d{6,})$")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MPN_SPACE = 36**6
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DELIVERY = {
    Product.Type.HARDWARE: "Warranty: {warranty} with the manufacturer, through our service centres.",
    Product.Type.SOFTWARE: "Delivered electronically: the key arrives by email once the order is invoiced.",
    Product.Type.LICENCE: "Licence delivered to My Downloads, with its eCertificate 24 hours after it is received.",
    Product.Type.CLOUD: "Provisioned on the customer's tenant and billed for the term of the commitment.",
}


@dataclass(frozen=True)
class SeedResult:
    products: int
    prices: int
    stock: int
    deleted: int
    deactivated: int
    first_number: int
    seconds: float


@dataclass(frozen=True)
class _Leaf:
    """A subcategory ready for generation: its row, its family and the rules it adds."""

    category_id: int
    prefix: str
    noun: str
    spec: Subcategory
    family: Family
    weight: float


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("ches", "shes", "sses", "xes")):
        return name[:-2]
    if name.endswith(("ss", "us")) or not name.endswith("s"):
        return name
    return name[:-1]


def _money(value: float, step: Decimal = CENT) -> Decimal:
    return ((Decimal(repr(value)) / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step).quantize(CENT)


def _mpn(number: int, style: int, rng: random.Random) -> str:
    """A part number: six characters that are a bijection of the SKU number (so never repeated),
    dressed in one of four manufacturer styles whose lengths differ (so styles never collide)."""
    value = (number * 1_000_003 + 7_777_777) % MPN_SPACE
    code = ""
    for _ in range(6):
        value, digit = divmod(value, 36)
        code = BASE36[digit] + code
    if style == 0:
        return code + rng.choice(("LA", "UT", "AA", "NA"))
    if style == 1:
        return f"{code[:2]}-{code[2:]}"
    if style == 2:
        return f"{code}-{rng.randrange(10, 100)}"
    return f"{code}#{rng.choice(('ABM', 'ABA', 'AC3'))}"


# --- deleting the catalog (--replace) --------------------------------------------------------------


def _referenced_elsewhere(model: type[models.Model], own: tuple[type[models.Model], ...]) -> set[int]:
    """Ids of `model` rows that a model outside `own` points to (order lines, quotes, RMAs...)."""
    ids: set[int] = set()
    for relation in model._meta.related_objects:
        if relation.related_model in own:
            continue
        if relation.many_to_many:
            through = relation.through
            column = next(f.attname for f in through._meta.fields if f.is_relation and f.related_model is model)
            ids.update(through._base_manager.values_list(column, flat=True))
        else:
            ids.update(relation.related_model._base_manager.exclude(**{relation.field.attname: None}).values_list(relation.field.attname, flat=True))
    return ids


def _catalog_delete() -> tuple[int, int]:
    """Delete products, their prices and stock, and the categories and brands left empty; returns
    (deleted, deactivated). Price lists and warehouses stay: accounts and the seed reuse them."""
    for model in (Price, Stock, Availability):
        model.objects.all().delete()
    in_use = _referenced_elsewhere(Product, own=(Price, Stock, Availability))
    kept_ids = sorted(in_use)
    deactivated = 0
    for start in range(0, len(kept_ids), 500):
        deactivated += Product.objects.filter(pk__in=kept_ids[start : start + 500]).update(is_active=False)
    deleted = 0
    ids = [pk for pk in Product.objects.order_by("pk").values_list("pk", flat=True) if pk not in in_use]
    for start in range(0, len(ids), 500):
        # Only the ids: the collector loads each row it deletes, and the attributes JSON is the bulk.
        deleted += Product.objects.filter(pk__in=ids[start : start + 500]).only("pk").delete()[1].get(Product._meta.label, 0)
    kept = _referenced_elsewhere(Category, own=(Category,))
    Category.objects.filter(parent__isnull=False).exclude(pk__in=kept).delete()
    Category.objects.filter(parent__isnull=True, children__isnull=True).exclude(pk__in=kept).delete()
    Brand.objects.exclude(pk__in=_referenced_elsewhere(Brand, own=())).delete()
    return deleted, deactivated


# --- the fixed rows: categories, brands, warehouses, price lists -----------------------------------


def _free_slug(name: str, taken: set[str]) -> str:
    slug, n = slugify(name), 1
    while slug in taken:
        n += 1
        slug = f"{slugify(name)}-{n}"
    taken.add(slug)
    return slug


def tree_with(categories: int | None) -> list[tuple[str, str, list[Subcategory]]]:
    """The built-in tree, with variants of its subcategories added until it holds `categories` rows
    (top categories included); the same count always gives the same variants."""
    size = len(TREE) + sum(len(specs) for _, _, specs in TREE)
    if categories is None or categories == size:
        return TREE
    if categories < size:
        raise CommandError(f"--categories must be at least {size} (the built-in tree).")
    extra: dict[str, list[Subcategory]] = {top: [] for top, _, _ in TREE}
    wanted = categories - size
    for variant in VARIANTS:
        for top, _, specs in TREE:
            for spec in specs:
                if wanted == 0:
                    break
                extra[top].append(dataclass_replace(spec, name=f"{spec.name} ({variant})", noun=spec.noun or _singular(spec.name)))
                wanted -= 1
    if wanted:
        raise CommandError(f"--categories can be at most {size + len(VARIANTS) * (size - len(TREE))}.")
    return [(top, prefix, specs + extra[top]) for top, prefix, specs in TREE]


def _categories(rng: random.Random, tree: list[tuple[str, str, list[Subcategory]]] = TREE) -> list[_Leaf]:
    # Found by name under their parent, not by slug: a back-office category may already hold a slug
    # at the other level, and a subcategory must never land under a subcategory.
    taken = set(Category.objects.values_list("slug", flat=True))
    tops = {c.name: c for c in Category.objects.filter(parent__isnull=True, name__in=[name for name, _, _ in tree])}
    new_tops = [
        Category(name=name, slug=_free_slug(name, taken), position=position)
        for position, (name, _, _) in enumerate(tree)
        if name not in tops
    ]
    for category in Category.objects.bulk_create(new_tops):
        tops[category.name] = category
    subs = {(c.parent_id, c.name): c for c in Category.objects.filter(parent__in=list(tops.values()))}
    new_subs = [
        Category(name=spec.name, slug=_free_slug(spec.name, taken), parent=tops[top], position=position)
        for top, _, specs in tree
        for position, spec in enumerate(specs)
        if (tops[top].pk, spec.name) not in subs
    ]
    for category in Category.objects.bulk_create(new_subs):
        subs[(category.parent_id, category.name)] = category
    return [
        # Some subcategories carry more products than others, as in a real catalog.
        _Leaf(
            subs[(tops[top].pk, spec.name)].pk,
            prefix,
            spec.noun or _singular(spec.name),
            spec,
            FAMILIES[spec.family],
            rng.uniform(0.4, 1.6),
        )
        for top, prefix, specs in tree
        for spec in specs
    ]


def _brands() -> dict[str, Brand]:
    existing = {b.name: b for b in Brand.objects.filter(models.Q(name__in=BRANDS) | models.Q(slug__in=[slugify(n) for n in BRANDS]))}
    by_slug = {b.slug: b for b in existing.values()}
    missing = [Brand(name=name, slug=slugify(name)) for name in BRANDS if name not in existing and slugify(name) not in by_slug]
    Brand.objects.bulk_create(missing)
    for brand in missing:
        existing[brand.name] = brand
    return {name: existing.get(name) or by_slug[slugify(name)] for name in BRANDS}


def _warehouses() -> list[Warehouse]:
    existing = {w.code: w for w in Warehouse.objects.filter(code__in=[code for code, _, _ in WAREHOUSES])}
    missing = [Warehouse(code=code, name=name, country=country) for code, name, country in WAREHOUSES if code not in existing]
    for warehouse in Warehouse.objects.bulk_create(missing):
        existing[warehouse.code] = warehouse
    return [existing[code] for code, _, _ in WAREHOUSES]


def partner_price_lists(count: int | None) -> list[tuple[str, str, str, str]]:
    """(code, name, currency, base code) of the partner lists that bring the lists to `count`."""
    if count is None or count == len(PRICE_LISTS):
        return []
    if count < len(PRICE_LISTS):
        raise CommandError(f"--price-lists must be at least {len(PRICE_LISTS)} (the Base and Gold lists).")
    extra = []
    for n in range(1, count - len(PRICE_LISTS) + 1):
        currency = PARTNER_CURRENCIES[(n - 1) % len(PARTNER_CURRENCIES)]
        extra.append((f"PARTNER-{n:02d}-{currency}", f"Partner {n:02d} {currency}", currency, f"BASE-{currency}"))
    return extra


def _price_lists(partners: list[tuple[str, str, str, str]] = ()) -> dict[str, PriceList]:
    wanted = [*PRICE_LISTS, *partners]
    lists = {p.code: p for p in PriceList.objects.filter(code__in=[code for code, _, _, _ in wanted])}
    for code, name, currency, base in wanted:
        if code not in lists:
            lists[code] = PriceList.objects.create(code=code, name=name, currency=currency, base=lists.get(base) if base else None)
    return lists


def _next_number() -> int:
    """One past the highest seeded SKU number, so a second run never reuses a SKU."""
    highest = 0
    for sku in Product.objects.filter(sku__regex=r"^[A-Z]{2}-[A-Z0-9]{3}-[0-9]{6,}$").values_list("sku", flat=True).iterator():
        match = SKU_NUMBER.match(sku)
        if match:
            highest = max(highest, int(match.group(1)))
    return highest + 1


# --- products, prices, stock ----------------------------------------------------------------------


def _attributes(rng: random.Random, leaf: _Leaf) -> dict[str, str]:
    attributes: dict[str, str] = {}
    attribute: Attribute
    for attribute in leaf.family.attributes:
        if attribute.name in leaf.spec.fixed:
            attributes[attribute.name] = leaf.spec.fixed[attribute.name]
        elif attribute.share >= 1 or rng.random() < attribute.share:
            attributes[attribute.name] = rng.choice(attribute.values)
    for name, value in leaf.spec.fixed.items():
        attributes.setdefault(name, value)
    return attributes


def _product(rng: random.Random, leaf: _Leaf, brand: Brand, style: int, number: int) -> Product:
    family = leaf.family
    attributes = _attributes(rng, leaf)
    lines = family.lines_of(brand.name)
    line = rng.choice(lines) if lines else ""
    specs = ", ".join(attributes[name] for name in family.name_attributes if name in attributes)
    if family.noun_in_name:
        model = f"{line} {rng.randrange(100, 1000)}" if line else ""
        title = " ".join(part for part in (brand.name, model, leaf.noun) if part)
    else:
        title = f"{brand.name} {line}"
    name = f"{title} {specs}".strip()
    delivery = DELIVERY[family.product_type].format(warranty=rng.choice(("1 year", "2 years", "3 years")))
    details = "; ".join(f"{key}: {value}" for key, value in attributes.items())
    product = Product(
        sku=f"{leaf.prefix}-{BRANDS[brand.name]}-{number:06d}",
        mpn=_mpn(number, style, rng),
        name=name[:255],
        description=f"{name}. {details}. {delivery}",
        brand=brand,
        category_id=leaf.category_id,
        product_type=family.product_type,
        attributes=attributes,
    )
    # Written here rather than by product_search_text_refresh: the same rule, without a second pass.
    product.search_text = product.build_search_text()
    return product


def _prices(
    rng: random.Random, leaf: _Leaf, lists: dict[str, PriceList], partners: list[tuple[str, str, str, str]] = ()
) -> list[tuple[int, Decimal]]:
    """(price list id, amount) of one product's prices."""
    # Log-uniform within the subcategory's range: cheap models are as common as dear ones.
    usd = leaf.spec.usd_low * (leaf.spec.usd_high / leaf.spec.usd_low) ** rng.random()
    mxn = usd * MXN_PER_USD * rng.uniform(0.98, 1.03)
    cop = mxn * COP_PER_MXN * rng.uniform(0.98, 1.03)
    base = {"USD": _money(usd), "MXN": _money(mxn), "COP": _money(cop, HUNDRED)}
    prices = [(lists[f"BASE-{currency}"].pk, amount) for currency, amount in base.items()]
    if rng.random() < GOLD_SHARE:
        keep = 1 - rng.uniform(*GOLD_DISCOUNT)
        prices += [
            (lists[f"GOLD-{currency}"].pk, _money(float(amount) * keep, HUNDRED if currency == "COP" else CENT))
            for currency, amount in base.items()
        ]
    # Drawn only when there are partner lists, so that a catalog without them keeps its prices.
    for code, _, currency, _ in partners:
        if rng.random() < PARTNER_SHARE:
            keep = 1 - rng.uniform(*PARTNER_DISCOUNT)
            prices.append((lists[code].pk, _money(float(base[currency]) * keep, HUNDRED if currency == "COP" else CENT)))
    return prices


def _stock(rng: random.Random, product_type: str, warehouses: list[Warehouse], today: date) -> list[list]:
    """[warehouse, quantity, incoming quantity, incoming date] of one product's stock rows."""
    if product_type != Product.Type.HARDWARE:
        mains = {w.country: w for w in reversed(warehouses)}
        return [[w, DIGITAL_STOCK, 0, None] for w in warehouses if mains[w.country] is w]

    def incoming(row: list) -> list:
        row[2] = rng.randrange(5, 300)
        row[3] = today + timedelta(days=rng.randint(1, INCOMING_WITHIN_DAYS))
        return row

    if rng.random() < OUT_OF_STOCK_SHARE:
        rows = [[w, 0, 0, None] for w in warehouses if w is warehouses[0] or rng.random() < 0.4]
        if rng.random() < INCOMING_WHEN_OUT:
            incoming(rng.choice(rows))
        return rows
    rows = []
    for warehouse in warehouses:
        if rng.random() < WAREHOUSE_SHARE.get(warehouse.code, 0.5):
            row = [warehouse, 1 + min(int(rng.expovariate(1 / 40)), 1500), 0, None]
            rows.append(incoming(row) if rng.random() < INCOMING_WHEN_IN else row)
    return rows or [[warehouses[0], rng.randrange(1, 20), 0, None]]


def _availability(product_id: int, stock: list[list]) -> list[tuple]:
    """The product's Availability rows from its stock rows: catalog.services.availability_refresh's rule
    (quantities summed per country, the first incoming date), without reading the stock back."""
    by_country: dict[str, list] = {}
    for warehouse, quantity, incoming_quantity, incoming_date in stock:
        row = by_country.setdefault(warehouse.country, [0, 0, None])
        row[0] += quantity
        row[1] += incoming_quantity
        if incoming_date is not None and (row[2] is None or incoming_date < row[2]):
            row[2] = incoming_date
    return [(product_id, country, *row) for country, row in by_country.items()]


def _insert(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT plain rows, without a model instance per row: one statement per chunk on PostgreSQL
    (UNNEST of one array per column), executemany elsewhere. For rows the seed made itself, so
    nothing to validate or to default."""
    if not rows:
        return
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(field.column) for field in columns)})"
    dates = [i for i, field in enumerate(columns) if field.get_internal_type() == "DateField"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [list(values) for values in zip(*rows)]
            casts = ", ".join(f"%s::{field.db_type(connection)}[]" for field in columns)
            cursor.execute(f"{head} SELECT * FROM UNNEST({casts})", arrays)
        else:
            if dates:
                adapt = connection.ops.adapt_datefield_value
                rows = [tuple(adapt(v) if i in dates else v for i, v in enumerate(row)) for row in rows]
            cursor.executemany(f"{head} VALUES ({', '.join(['%s'] * len(columns))})", rows)


def catalog_seed(
    *,
    products: int,
    seed: int,
    replace: bool = False,
    today: date | None = None,
    categories: int | None = None,
    price_lists: int | None = None,
) -> SeedResult:
    """Write `products` made-up products with prices and stock (after deleting the catalog if `replace`),
    in at least `categories` categories and `price_lists` price lists when given."""
    started = time.monotonic()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    counts = {"prices": 0, "stock": 0}
    tree = tree_with(categories)
    partners = partner_price_lists(price_lists)
    with transaction.atomic():
        deleted, deactivated = _catalog_delete() if replace else (0, 0)
        leaves = _categories(rng, tree)
        brands = _brands()
        warehouses = _warehouses()
        lists = _price_lists(partners)
        first = _next_number()
        style = {name: index % 4 for index, name in enumerate(BRANDS)}
        picks = rng.choices(leaves, weights=[leaf.weight for leaf in leaves], k=products)
        bulk = products >= Product.objects.count()
        with _indexes_deferred(Product, Price, Stock, Availability, when=bulk):
            for start in range(0, products, CHUNK_SIZE):
                made: list[tuple[Product, _Leaf]] = []
                for offset, leaf in enumerate(picks[start : start + CHUNK_SIZE]):
                    # The first brands of a family are its big sellers.
                    names = leaf.family.brands
                    brand = brands[rng.choices(names, cum_weights=_falling_weights(len(names)))[0]]
                    made.append((_product(rng, leaf, brand, style[brand.name], first + start + offset), leaf))
                Product.objects.bulk_create([product for product, _ in made])
                prices: list[tuple] = []
                stock: list[tuple] = []
                availability: list[tuple] = []
                for product, leaf in made:
                    prices += [(list_id, product.pk, amount) for list_id, amount in _prices(rng, leaf, lists, partners)]
                    rows = _stock(rng, product.product_type, warehouses, today)
                    stock += [(product.pk, warehouse.pk, *rest) for warehouse, *rest in rows]
                    availability += _availability(product.pk, rows)
                _insert(Price, ("price_list", "product", "amount"), prices)
                _insert(Stock, ("product", "warehouse", "quantity", "incoming_quantity", "incoming_date"), stock)
                # Written here rather than by availability_refresh (a second pass over every stock row).
                _insert(Availability, ("product", "country", "quantity", "incoming_quantity", "incoming_date"), availability)
                counts["prices"] += len(prices)
                counts["stock"] += len(stock)
        _analyze(Product, Price, Stock, Availability)
        category_refresh_filters(category_ids=sorted({leaf.category_id for leaf in leaves}))
        # The new products' words, for typo correction at once rather than at the next daily refresh.
        search_words_refresh()
    return SeedResult(products, counts["prices"], counts["stock"], deleted, deactivated, first, time.monotonic() - started)


@contextmanager
def _indexes_deferred(*tables: type[models.Model], when: bool) -> Iterator[None]:
    """PostgreSQL, for a load bigger than what is there: drop the tables' secondary indexes and build
    them again afterwards from their own definitions. One sort per index instead of an insertion per
    row (the trigram and full-text GIN indexes of the products above all); unique and primary-key
    indexes stay, so every constraint is checked as rows arrive. Runs inside the seed's transaction:
    a failure rolls the DROP back too, and until the commit readers of these tables wait."""
    if not when or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [[model._meta.db_table for model in tables]],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # The foreign keys are checked at commit; a table with checks pending cannot take an index.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _analyze(*tables: type[models.Model]) -> None:
    # A bulk load leaves PostgreSQL without statistics until autovacuum comes by; until then it
    # plans the refreshes and the first listings as if every filter matched the whole table.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


_WEIGHTS: dict[int, list[float]] = {}


def _falling_weights(size: int) -> list[float]:
    """Cumulative weights 1, 1/2, 1/3...: a few brands sell most of a family's models."""
    if size not in _WEIGHTS:
        total, cumulative = 0.0, []
        for rank in range(1, size + 1):
            total += 1 / rank
            cumulative.append(total)
        _WEIGHTS[size] = cumulative
    return _WEIGHTS[size]


class Command(BaseCommand):
    help = (
        "Write a made-up catalog in bulk: categories, ~100 brands, N products with prices in the Base and Gold "
        "lists of MXN, COP and USD, stock in four warehouses, then availability and listing filters. "
        "Run again, it adds N more products with new SKUs, reusing categories, brands, warehouses and price "
        "lists; with --replace it deletes the catalog first (price lists, warehouses and products that other "
        "data refers to are kept; such products are deactivated). The same --seed gives the same catalog."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--products", type=int, default=2000, help="How many products to add (default 2000).")
        parser.add_argument("--seed", type=int, default=None, help="Seed of the generator; a random one is chosen and shown when omitted.")
        parser.add_argument("--replace", action="store_true", help="Delete the catalog before seeding.")
        parser.add_argument(
            "--categories", type=int, default=None,
            help="Categories in all, top ones included: variants of the subcategories are added to reach it (default: the built-in tree).",
        )
        parser.add_argument(
            "--price-lists", type=int, default=None,
            help="Price lists in all: partner lists over the base lists are added to reach it (default: the six Base and Gold lists).",
        )

    def handle(
        self, *args, products: int, seed: int | None, replace: bool, categories: int | None = None, price_lists: int | None = None, **options
    ) -> None:
        if products < 0:
            raise CommandError("--products must be zero or more.")
        if seed is None:
            seed = random.SystemRandom().randrange(1, 1_000_000)
        result = catalog_seed(products=products, seed=seed, replace=replace, categories=categories, price_lists=price_lists)
        if replace:
            self.stdout.write(f"Deleted {result.deleted} products; deactivated {result.deactivated} still referenced.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.products} products ({result.prices} prices, {result.stock} stock rows) "
                f"with seed {seed} in {result.seconds:.1f} s."
            )
        )
