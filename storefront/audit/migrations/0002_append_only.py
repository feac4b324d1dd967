"""The database refuses to change or delete a security event, whoever asks (the ORM, raw SQL, a shell).

SQLite: a BEFORE UPDATE and a BEFORE DELETE trigger that RAISE(ABORT). PostgreSQL: one function that
raises, called BEFORE UPDATE OR DELETE of each row. TRUNCATE is left alone: it is the test runner's way of
emptying tables (and needs the table owner's rights, which the web process should not use).

SQLite drops a table's triggers when a migration rebuilds the table: a later migration that alters
audit_securityevent on SQLite must create them again (tests/audit checks that they are there).
"""

from django.db import migrations

MESSAGE = "security events are append-only"

SQLITE = [
    f"""
CREATE TRIGGER audit_securityevent_no_update BEFORE UPDATE ON audit_securityevent
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
""",
    f"""
CREATE TRIGGER audit_securityevent_no_delete BEFORE DELETE ON audit_securityevent
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
""",
]

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION audit_securityevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_securityevent_append_only
BEFORE UPDATE OR DELETE ON audit_securityevent
FOR EACH ROW EXECUTE FUNCTION audit_securityevent_append_only()
""",
]


def create_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE
    elif vendor == "postgresql":
        statements = POSTGRESQL
    else:  # pragma: no cover - the store runs on SQLite and PostgreSQL only
        raise RuntimeError(f"No append-only trigger for {vendor}")
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_securityevent_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_securityevent_no_delete")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_securityevent_append_only ON audit_securityevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_securityevent_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
