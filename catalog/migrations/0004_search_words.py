"""Search that stays bounded at a million products (PostgreSQL; on other databases only the table).

- Each product's words are stored once, as a generated column (`search_vector`, tsvector), indexed
  with GIN: matching rows are checked and ranked from the stored vector instead of parsing
  search_text again for every row.
- Mistyped words are corrected through the catalog's vocabulary (SearchWord, a few thousand words
  with a trigram index) instead of a trigram scan of every product's text, which at a million
  products cost seconds for a common word; so the trigram index on the products goes.
"""

from django.db import migrations, models

FORWARD = [
    "ALTER TABLE catalog_product ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS product_search_document ON catalog_product USING gin (search_vector)",
    "DROP INDEX IF EXISTS product_search_vector",
    "DROP INDEX IF EXISTS product_search_trgm",
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON catalog_searchword USING gin (word gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_word_prefix ON catalog_searchword (word text_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_word_prefix",
    "DROP INDEX IF EXISTS search_word_trgm",
    "CREATE INDEX IF NOT EXISTS product_search_trgm ON catalog_product USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS product_search_vector ON catalog_product "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
    "DROP INDEX IF EXISTS product_search_document",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FORWARD:
        schema_editor.execute(sql)
    from catalog.search import search_words_refresh

    search_words_refresh(using=schema_editor.connection.alias)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_stock_keeps_availability"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("products", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
