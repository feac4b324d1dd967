"""On SQLite the store's backend finds a statement's placeholders with str.replace where Django's uses a
regular expression: the same statement reaches SQLite either way."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

from storefront.sqlite.base import SQLiteCursorWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's cursor only")

STATEMENTS = [
    "SELECT 1",
    "SELECT %s",
    "SELECT %s, %s FROM t WHERE a = %s AND b IN (%s, %s)",
    "SELECT %s%s",
    "SELECT '%%' || %s",
    "SELECT * FROM t WHERE a LIKE '%%s' AND b = %s",
    "SELECT '100%%%s'",
    "SELECT '%'",
    "SELECT '%d', %s",
    "SELECT %%%%s, %s",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_the_placeholders_found_are_those_django_finds(statement):
    with sqlite3.connect(":memory:") as db:
        ours = db.cursor(factory=SQLiteCursorWrapper)
        django = db.cursor(factory=DjangoCursor)
        assert ours.convert_query(statement) == django.convert_query(statement)


def test_named_parameters_are_converted_as_django_converts_them():
    statement = "SELECT %(a)s, %(b)s, '%%'"
    with sqlite3.connect(":memory:") as db:
        ours = db.cursor(factory=SQLiteCursorWrapper)
        assert ours.convert_query(statement, param_names=["a", "b"]) == "SELECT :a, :b, '%'"


@pytest.mark.django_db
def test_the_store_runs_on_its_own_sqlite_backend():
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, SQLiteCursorWrapper)
        cursor.execute("SELECT %s || '%%', %s", ["100", 2])
        assert cursor.fetchone() == ("100%", 2)
