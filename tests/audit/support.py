"""Helpers of the audit trail's tests (and of the suite's transactional tests)."""

from __future__ import annotations

from importlib import import_module

from django.db import connection

_triggers = import_module("storefront.audit.migrations.0002_append_only")


def audit_trail_clear() -> None:
    """Empty the trail past its triggers: for the test runner's flush only, never for the store."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL's flush is a TRUNCATE, which the row triggers do not see
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_securityevent_no_update")
        cursor.execute("DROP TRIGGER IF EXISTS audit_securityevent_no_delete")
        try:
            cursor.execute("DELETE FROM audit_securityevent")
        finally:
            for sql in _triggers.SQLITE:
                cursor.execute(sql)
