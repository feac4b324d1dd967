"""The database keeps a product's Availability in step with every change of a stock row's quantity.

A trigger, after an UPDATE of a catalog_stock row's quantity, sums the product's stock rows in that
warehouse's country again into its Availability row (inserted when missing), as
catalog.services.availability_refresh does for whole batches. Placing an order lowers stock rows in
one UPDATE and needs no statement of its own for availability; a change of a stock row's quantity
anywhere else (the admin, an import) is reflected too. Stock rows added or deleted, and warehouses
moved or deleted, go through catalog.services.availability_refresh (the admins call it). Same statement on SQLite and PostgreSQL; PostgreSQL wraps it
in a function.

SQLite drops a table's triggers when a migration rebuilds the table: a later migration that alters
catalog_stock on SQLite must create this trigger again (tests/catalog checks that it is there).
"""

from django.db import migrations

RECOMPUTE = """
    INSERT INTO catalog_availability (product_id, country, quantity, incoming_quantity, incoming_date)
    SELECT s.product_id, w.country, SUM(s.quantity), SUM(s.incoming_quantity), MIN(s.incoming_date)
    FROM catalog_stock s JOIN catalog_warehouse w ON w.id = s.warehouse_id
    WHERE s.product_id = NEW.product_id
      AND w.country = (SELECT country FROM catalog_warehouse WHERE id = NEW.warehouse_id)
    GROUP BY s.product_id, w.country
    ON CONFLICT (product_id, country) DO UPDATE SET
        quantity = excluded.quantity,
        incoming_quantity = excluded.incoming_quantity,
        incoming_date = excluded.incoming_date;
"""

SQLITE = f"""
CREATE TRIGGER catalog_stock_keeps_availability
AFTER UPDATE OF quantity ON catalog_stock
FOR EACH ROW WHEN NEW.quantity <> OLD.quantity
BEGIN
{RECOMPUTE}
END
"""

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION catalog_stock_keeps_availability() RETURNS trigger AS $$
BEGIN
{RECOMPUTE}
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER catalog_stock_keeps_availability
AFTER UPDATE OF quantity ON catalog_stock
FOR EACH ROW WHEN (NEW.quantity IS DISTINCT FROM OLD.quantity)
EXECUTE FUNCTION catalog_stock_keeps_availability()
""",
]


def create_trigger(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        for sql in POSTGRESQL:
            schema_editor.execute(sql)
    else:  # pragma: no cover - the store runs on SQLite and PostgreSQL only
        raise RuntimeError(f"No availability trigger for {vendor}")


def drop_trigger(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS catalog_stock_keeps_availability")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS catalog_stock_keeps_availability ON catalog_stock")
        schema_editor.execute("DROP FUNCTION IF EXISTS catalog_stock_keeps_availability()")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_search_indexes"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
