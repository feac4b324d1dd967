"""PostgreSQL indexes for catalog search; nothing on other databases.

Each index is on the exact expression the queries of catalog.selectors compile to, or the planner
would not use it:
- full text: `SearchVector("search_text", config="simple")` compiles to
  to_tsvector('simple'::regconfig, COALESCE("search_text", '')), matched with @@ in _searched;
- trigrams: `search_text %> 'phrase'` (trigram_word_similar) in _searched, served by gin_trgm_ops;
- exact SKU or part number: `sku__iexact` compiles to UPPER("sku"::text) = UPPER('...') in exact_match_sku.
They live in a migration rather than in Product.Meta.indexes because SQLite (the embedded default)
can build none of them.
"""

from django.db import migrations

INDEXES = {
    "product_search_vector": (
        "CREATE INDEX IF NOT EXISTS product_search_vector ON catalog_product "
        "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
    ),
    "product_search_trgm": (
        "CREATE INDEX IF NOT EXISTS product_search_trgm ON catalog_product USING gin (search_text gin_trgm_ops)"
    ),
    "product_sku_upper": "CREATE INDEX IF NOT EXISTS product_sku_upper ON catalog_product (UPPER(sku::text))",
    "product_mpn_upper": "CREATE INDEX IF NOT EXISTS product_mpn_upper ON catalog_product (UPPER(mpn::text))",
}


def create_search_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in INDEXES.values():
        schema_editor.execute(sql)


def drop_search_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # pg_trgm stays: other schemas or apps of the same database may use it, and keeping it is harmless.


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
