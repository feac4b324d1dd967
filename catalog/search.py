"""Catalog search on PostgreSQL: the stored word vector, typo correction through the vocabulary, rank
(and, on every database, the window's ids as one parameter).

Search matches every word of the query as the start of a word of the product (its name, brand, part
number, SKU), through the GIN index on catalog_product.search_vector, a generated column the
migrations add on PostgreSQL only (it is not a model field: the ORM never reads it, SQLite never has
it). A word of letters that starts no word of the catalog is taken as mistyped and also matches the
catalog's closest words (SearchWord, by trigram similarity): "advnced" finds "advanced".

On other databases catalog.selectors matches by substring instead, with no correction.
"""

from __future__ import annotations

import json

from django.contrib.postgres.search import SearchVectorField
from django.db import connections, transaction
from django.db.models import BooleanField, Expression, FloatField, QuerySet, Subquery

# Words this long or longer, of letters only, are corrected when they start no word of the catalog.
TYPO_MIN_LENGTH = 4
# How close a catalog word must be to a mistyped one (trigram similarity, 0 to 1), and how many of
# the closest are tried.
TYPO_SIMILARITY = 0.4
TYPO_ALTERNATIVES = 3
# The vocabulary: words of letters only, in at least this many active products (a word in a single
# product is mostly a code, or itself a typo of the catalog's).
WORD_MIN_PRODUCTS = 2
WORD_MAX_LENGTH = 100


def _product_column(compiler, column: str) -> str:
    """A column of the query's own products table (its first alias), written for this query."""
    return f"{compiler.quote_name_unless_alias(compiler.query.get_initial_alias())}.{column}"


class StoredVector(Expression):
    """The product's stored search vector (catalog_product.search_vector) in the current query."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return _product_column(compiler, "search_vector"), []


class InWindow(Expression):
    """The product is one of the window's: `id = ANY(ARRAY(<window>))`.

    Not `id IN (<window>)`: for that PostgreSQL plans a semi-join and, with the listing's joins to
    prices and stock, may build them for every product before meeting the window's thousand. The
    ARRAY is an InitPlan run once, so the products are read by primary key, the window's only.
    """

    output_field = BooleanField()

    def __init__(self, window: QuerySet) -> None:
        super().__init__()
        self.window = Subquery(window)

    def get_source_expressions(self):
        return [self.window]

    def set_source_expressions(self, exprs):
        (self.window,) = exprs

    def as_sql(self, compiler, connection):
        window, params = compiler.compile(self.window)
        return f"{_product_column(compiler, 'id')} = ANY(ARRAY{window})", params


class IdsIn(Expression):
    """The product is one of these ids, sent as one parameter (an array on PostgreSQL, a JSON array
    read by json_each on SQLite) rather than a thousand: the window's ids, read once by
    selectors.search_scope, cost the same to send whatever their number."""

    output_field = BooleanField()

    def __init__(self, ids: tuple[int, ...]) -> None:
        super().__init__()
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        column = _product_column(compiler, "id")
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s::bigint[])", [self.ids]
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(self.ids)]


def _corrected(term: str) -> bool:
    return term.isalpha() and TYPO_MIN_LENGTH <= len(term) <= WORD_MAX_LENGTH


# A mistyped word's closest catalog words, as one array: none when the word starts a catalog word.
_CLOSEST_WORDS_SQL = (
    "ARRAY(SELECT word FROM catalog_searchword WHERE word %% %s AND similarity(word, %s) >= %s "
    "AND NOT EXISTS (SELECT 1 FROM catalog_searchword WHERE word LIKE %s) "
    "ORDER BY similarity(word, %s) DESC, word LIMIT %s)"
)


def _closest_words_sql(term: str) -> tuple[str, list]:
    return _CLOSEST_WORDS_SQL, [term, term, TYPO_SIMILARITY, f"{term}%", term, TYPO_ALTERNATIVES]


# What a search's words are corrected to, word by word: (("advnced", ("advanced",)), ...), one entry
# per word that was looked up (a word that needs no correction has an empty tuple).
Corrections = tuple[tuple[str, tuple[str, ...]], ...]


def search_corrections_sql(terms: list[str]) -> tuple[list[str], list[str], list]:
    """The columns that read, in one statement, the closest catalog words of each word that may be
    mistyped: (the words looked up, one SQL column each, their parameters)."""
    looked_up = [term for term in dict.fromkeys(terms) if _corrected(term)]
    columns, params = [], []
    for term in looked_up:
        sql, term_params = _closest_words_sql(term)
        columns.append(sql)
        params.extend(term_params)
    return looked_up, columns, params


def _prefix_text(term: str) -> str:
    """A word as a tsquery prefix: it matches the catalog's words that start with it."""
    return f"{term}:*"


def _term_sql(term: str, corrections: dict[str, tuple[str, ...]] | None) -> tuple[str, list]:
    """One word as a tsquery: as a prefix, or (mistyped) also any of the catalog's closest words.

    With the corrections read beforehand (search_corrections_sql), the tsquery is made of constants
    only, so the planner reads each word's frequency from the column's statistics: a word in a tenth
    of the catalog is answered by reading products until the window is full (milliseconds), one in a
    thousandth through the index. Without them, the correction is a subquery run once per statement
    (an InitPlan): right, but opaque to the planner, which then guesses and takes the index always.
    """
    prefix = _prefix_text(term)
    if not _corrected(term):
        return "to_tsquery('simple'::regconfig, %s)", [prefix]
    if corrections is not None:
        closest = corrections.get(term, ())
        if not closest:
            return "to_tsquery('simple'::regconfig, %s)", [prefix]
        return "(to_tsquery('simple'::regconfig, %s) || to_tsquery('simple'::regconfig, %s))", [prefix, " | ".join(closest)]
    closest_sql, closest_params = _closest_words_sql(term)
    sql = (
        "(to_tsquery('simple'::regconfig, %s) || COALESCE(("
        f"SELECT to_tsquery('simple'::regconfig, string_agg(w.word, ' | ')) FROM unnest({closest_sql}) AS w(word)"
        "), to_tsquery('simple'::regconfig, %s)))"
    )
    return sql, [prefix, *closest_params, prefix]


def _query_sql(terms: list[str], corrections: Corrections | None) -> tuple[str, list]:
    known = dict(corrections) if corrections is not None else None
    parts, params = [], []
    for term in terms:
        sql, term_params = _term_sql(term, known)
        parts.append(sql)
        params.extend(term_params)
    return "(" + " && ".join(parts) + ")", params


class SearchMatch(Expression):
    """True for a product that has every word of the query (as a prefix, or corrected)."""

    output_field = BooleanField()

    def __init__(self, terms: list[str], corrections: Corrections | None = None) -> None:
        super().__init__()
        self.terms = list(terms)
        self.corrections = corrections

    def as_sql(self, compiler, connection):
        vector, _ = StoredVector().as_sql(compiler, connection)
        query, params = _query_sql(self.terms, self.corrections)
        return f"{vector} @@ {query}", params


class SearchRank(Expression):
    """How well a matching product matches: its words that start with the query's, plus a bonus for
    the query's words found whole (so "intel" puts Intel before Intelligent)."""

    output_field = FloatField()

    def __init__(self, terms: list[str], corrections: Corrections | None = None) -> None:
        super().__init__()
        self.terms = list(terms)
        self.corrections = corrections

    def as_sql(self, compiler, connection):
        vector, _ = StoredVector().as_sql(compiler, connection)
        query, params = _query_sql(self.terms, self.corrections)
        whole = " | ".join(self.terms)
        return (
            f"(ts_rank({vector}, {query}) + ts_rank({vector}, to_tsquery('simple'::regconfig, %s)))",
            [*params, whole],
        )


# What stands for a ranked search's words, and the catalog words each is corrected to, while a search
# page's query is compiled once for its shape (catalog.listing_shapes): letters only, as a word the
# search keeps and may correct, and found nowhere else in the statement.
RANK_WORD_SENTINELS = tuple(f"qzxrankword{letter}" for letter in "abcdefgh")
RANK_CLOSEST_SENTINELS = tuple(f"qzxrankclosest{letter}" for letter in "abcdefgh")


def rank_shape(terms: list[str], corrections: Corrections) -> tuple[bool, ...]:
    """What SearchRank's SQL depends on: per word, whether it also matches catalog words it is corrected
    to (a second parameter) or is a prefix alone. Its words and corrections are parameters."""
    known = dict(corrections)
    return tuple(_corrected(term) and bool(known.get(term)) for term in terms)


def rank_values(terms: list[str], corrections: Corrections) -> dict[str, str]:
    """SearchRank's values for its words and their corrections, by the names rank_fields gives them."""
    known = dict(corrections)
    values = {f"rank_word_{n}": term for n, term in enumerate(terms)}
    for n, (term, has_closest) in enumerate(zip(terms, rank_shape(terms, corrections))):
        if has_closest:
            values[f"rank_closest_{n}"] = " | ".join(known[term])
    values["rank_whole"] = " | ".join(terms)
    return values


class _Text(Expression):
    """One text parameter, as SearchRank sends it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def as_sql(self, compiler, connection):
        return "%s", [self.text]


def _prefix(term: str) -> _Text:
    return _Text(_prefix_text(term))


def rank_fields(shape: tuple[bool, ...], *, whole: bool = True):
    """How each of SearchRank's values reaches the SQL (storefront.prepared.ExpressionValue), for a
    query compiled with rank_stand_ins: a word as its prefix, a correction and the whole query as text.
    SearchMatch sends the same values but the whole query (`whole=False`)."""
    from storefront.prepared import ExpressionValue

    fields = {}
    for n, has_closest in enumerate(shape):
        fields[f"rank_word_{n}"] = ExpressionValue(_prefix, sentinel=RANK_WORD_SENTINELS[n])
        if has_closest:
            fields[f"rank_closest_{n}"] = ExpressionValue(_Text, sentinel=RANK_CLOSEST_SENTINELS[n])
    if whole:
        fields["rank_whole"] = ExpressionValue(_Text, sentinel=" | ".join(RANK_WORD_SENTINELS[: len(shape)]))
    return fields


def rank_stand_ins(shape: tuple[bool, ...]) -> tuple[str, Corrections]:
    """A search query and corrections of that shape, made of the sentinels rank_fields looks for."""
    words = RANK_WORD_SENTINELS[: len(shape)]
    corrections = tuple(
        (word, (closest,) if has_closest else ()) for word, closest, has_closest in zip(words, RANK_CLOSEST_SENTINELS, shape)
    )
    return " ".join(words), corrections


def search_words_refresh(*, using: str = "default") -> int:
    """Rebuild the vocabulary from the active products' words (PostgreSQL; elsewhere nothing).

    One statement reads every product's stored vector (ts_stat): seconds at a million products, so it
    runs daily (catalog.tasks) and after a seed, not on each product's save. Returns the word count.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_searchword")
        cursor.execute(
            "INSERT INTO catalog_searchword (word, products) "
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM catalog_product WHERE is_active') "
            "WHERE ndoc >= %s AND length(word) BETWEEN %s AND %s AND word ~ '^[[:alpha:]]+$'",
            [WORD_MIN_PRODUCTS, TYPO_MIN_LENGTH, WORD_MAX_LENGTH],
        )
        return cursor.rowcount
