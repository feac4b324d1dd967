"""A queryset compiled to SQL once and then run again with other values: for the queries every request makes.

Building and compiling a queryset costs far more than running it when the statement is small and hit by
an index: loading the signed-in user (with its contact, account, price list and cart count) spent about
1.5 ms in Django's query compiler against 0.1 ms in SQLite, on every request; a listing's page and
facets, ~3 ms a page. The same holds for the INSERTs of a model's new rows (PreparedInsert): placing an
order makes five.
"""

from __future__ import annotations

import weakref
from asyncio.events import _get_running_loop
from itertools import chain
from typing import Any, Callable, Generic, TypeVar

from django.db import connections, router
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler

from storefront.instances import RowInstances

M = TypeVar("M", bound=Model)


def _integer_type(field: Field) -> str | None:
    """The field's integer type (its target's, for a foreign key), or None when it holds no integers."""
    internal = (field.target_field if field.is_relation else field).get_internal_type()
    return internal if internal.endswith(("IntegerField", "AutoField")) else None


class ExpressionValue:
    """A value that reaches the SQL as the one parameter of an expression of its own rather than compared
    with a model field (catalog.search.IdsIn: a search's window of ids). `sentinel` stands for it while
    compiling; at each run, `expression(value)` is compiled with the query's compiler and its parameter
    taken, so the value is sent as the expression itself would send it."""

    def __init__(self, expression: Callable[[Any], Expression], sentinel: object) -> None:
        self.expression = expression
        self.sentinel = sentinel

    def param(self, value: object, compiler: SQLCompiler) -> object:
        _sql, params = self.expression(value).as_sql(compiler, compiler.connection)
        if len(params) != 1:
            raise ValueError(f"PreparedQuery: {self.expression!r} must compile to one parameter, not {len(params)}.")
        return params[0]


def _sentinel(index: int, field: Field | ExpressionValue) -> object:
    """What stands for a value while compiling, found once among the compiled parameters.

    For an integer, one a 32-bit column can hold (a value out of the column's range compiles to no SQL).
    """
    if isinstance(field, ExpressionValue):
        return field.sentinel
    return -1_987_654_321 - index if _integer_type(field) else f"prepared-value-{index}-7c1e9d"


class _Compiled:
    """One queryset's SQL and what turns its rows into instances (or dicts, for values()), for one
    database connection."""

    def __init__(self, queryset: QuerySet, alias: str, fields: dict[str, Field | ExpressionValue], sentinels: dict[str, object]) -> None:
        model_rows = issubclass(queryset._iterable_class, ModelIterable)
        if not (model_rows or queryset._iterable_class is ValuesIterable) or queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("PreparedQuery runs plain model or values() querysets only (no values_list(), prefetch or related manager).")
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        positions: dict[str, int] = {}
        for name, sentinel in sentinels.items():
            field = fields[name]
            compiled = field.param(sentinel, compiler) if isinstance(field, ExpressionValue) else sentinel
            found = [i for i, p in enumerate(params) if type(p) is type(compiled) and p == compiled]
            if len(found) != 1:
                raise ValueError(f"PreparedQuery: {name!r} must appear once among the compiled parameters, not {len(found)} times.")
            positions[name] = found[0]
        self.sql = sql
        self.params = list(params)
        self.compiler = compiler
        # Whether rows may be cut by page(): a LIMIT is added at the end of the statement, where the
        # compiler writes it, so the query must have none of its own, nor a FOR UPDATE after it.
        self.sliceable = not query.is_sliced and not query.select_for_update
        # Each value: its name, field, place among the parameters and, for integers, the column's range.
        self.slots = [
            (name, field, positions[name], (None, None) if isinstance(field, ExpressionValue) else _integer_range(field, compiler.connection))
            for name, field in fields.items()
        ]
        # Each converter with its column, in the order Django's compiler applies them.
        self.converters = [
            (position, converter, expression)
            for position, (converters, expression) in compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]]).items()
            for converter in converters
        ]
        if model_rows:
            self.row = RowInstances(compiler, alias).instance
        else:
            # As Django's ValuesIterable names a row's columns.
            names = list(query.selected) if query.selected else [*query.extra_select, *query.values_select, *query.annotation_select]
            self.row = lambda row: dict(zip(names, row))


class PreparedQuery(Generic[M]):
    """`build(**values)`'s queryset, compiled once per database connection, then run with the values given.

    `fields` names each value and the model field it is compared with (which prepares it as the lookup
    would), or the ExpressionValue that sends it; each must reach the SQL unchanged and once (an exact
    comparison, not `icontains`). The rows become instances as Django's own ModelIterable makes them
    (select_related, annotations, the database's converters), or dicts for a values() queryset, through
    the connection's cursor, so query logging and `django_assert_num_queries` see the statement as
    before. A queryset whose shape changes with the values needs one PreparedQuery per shape.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **fields: Field | ExpressionValue) -> None:
        self._build = build
        self._fields = fields
        self._sentinels = {name: _sentinel(i, field) for i, (name, field) in enumerate(fields.items())}
        self._model: type[Model] | None = None
        self._db: str | None = None
        self._for_write = False
        # One per connection (each thread has its own): the compiler and its converters belong to it.
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def first(self, **values: object) -> M | None:
        """The first row of the queryset built for `values`, or None."""
        found = self._run(values, many=False)
        return found[0] if found else None

    def all(self, **values: object) -> list[M]:
        """Every row of the queryset built for `values`."""
        return self._run(values, many=True)

    def page(self, low: int, high: int | None, /, **values: object) -> list[M]:
        """The rows from `low` to `high` (None: to the end), as `queryset[low:high]` reads them: one
        query, or none for an empty slice."""
        if high is not None and high <= low:
            return []
        return self._run(values, many=True, limits=(low, high))

    def _run(self, values: dict[str, object], *, many: bool, limits: tuple[int, int | None] | None = None) -> list[M]:
        if self._model is None:
            queryset = self._build(**self._sentinels)
            self._model, self._db, self._for_write = queryset.model, queryset._db, queryset._for_write
        # As the queryset's own `db` chooses: its `using()`, else the router (for writing, when it
        # locks its rows with select_for_update).
        alias = self._db or (router.db_for_write if self._for_write else router.db_for_read)(self._model)
        connection = connections[alias]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = _Compiled(self._build(**self._sentinels), alias, self._fields, self._sentinels)
        params = compiled.params.copy()
        for name, field, position, (low, high) in compiled.slots:
            if isinstance(field, ExpressionValue):
                params[position] = field.param(values[name], compiled.compiler)
                continue
            prepared = field.get_db_prep_value(values[name], connection)
            if isinstance(prepared, int) and ((low is not None and prepared < low) or (high is not None and prepared > high)):
                return []  # what the lookup answers for a value its column cannot hold
            params[position] = prepared
        sql = compiled.sql
        if limits is not None:
            if not compiled.sliceable:
                raise ValueError("PreparedQuery.page(): the queryset is sliced or locked already.")
            sql = f"{sql} {connection.ops.limit_offset_sql(*limits)}"
        rows = _fetch(connection, sql, params, many)
        converters, make = compiled.converters, compiled.row
        found = []
        for row in rows:
            if converters:
                row = list(row)
                for position, converter, expression in converters:
                    row[position] = converter(row[position], expression, connection)
            found.append(make(row))
        return found


def _fetch(connection, sql: str, params: list, many: bool) -> list:
    """The statement's rows (only the first unless `many`).

    Through Django's cursor when something watches the statements: query logging (DEBUG, the tests'
    query counts, CaptureQueriesContext) or an execute wrapper. Otherwise through the backend's own
    cursor, making the checks Django's cursor makes (health check, connection, thread, broken
    transaction, the database's errors raised as Django's) without its wrapper's layers: about 40,000
    instructions a statement fewer (callgrind), on the statements every page runs. The event loop is
    asked with asyncio's `_get_running_loop`, which answers None where `get_running_loop` raises.
    """
    if connection.queries_logged or connection.execute_wrappers or _get_running_loop() is not None:
        # (In an event loop, Django's cursor raises SynchronousOnlyOperation as it should.)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if many else cursor.fetchmany(1)
    connection.close_if_health_check_failed()
    if connection.connection is None:
        connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.create_cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall() if many else cursor.fetchmany(1)
        finally:
            cursor.close()


def _integer_range(field: Field, connection) -> tuple[int | None, int | None]:
    """The values the field's column can hold when it holds integers, else (None, None): no bound."""
    integer_type = _integer_type(field)
    return connection.ops.integer_field_ranges.get(integer_type, (None, None)) if integer_type else (None, None)


class _CompiledInsert:
    """One model's INSERT compiler for one database connection, and its SQL for each number of rows."""

    def __init__(self, model: type[Model], alias: str, fields: list[Field], returning: list[Field]) -> None:
        self.compiler = InsertQuery(model).get_compiler(using=alias)
        self.compiler.returning_fields = returning
        self.converters = self.compiler.get_converters([field.get_col(model._meta.db_table) for field in returning])
        # Django's own layout, one "%s" per value row by row (PostgreSQL's compiler lays many rows out
        # by column, for UNNEST): the values can go as they are.
        self.by_row = type(self.compiler).assemble_as_sql is SQLInsertCompiler.assemble_as_sql
        self.sql: dict[int, str] = {}


class PreparedInsert(Generic[M]):
    """INSERTs of a model's new instances, one statement for all of them: its SQL made by Django's
    compiler once per database connection and number of rows, then run with the instances' values
    prepared as that compiler prepares them (`pre_save`, then `get_db_prep_save`, laid out by the
    backend's compiler). What the database writes (the id, a generated column) is read back into the
    instances. Like `bulk_create`, it sends no signals; an instance with a value that is an expression
    (`F()`, a database default) is inserted by `bulk_create` itself.
    """

    def __init__(self, model: type[M]) -> None:
        opts = model._meta
        self._model = model
        self._fields = [field for field in opts.local_concrete_fields if not field.generated and field is not opts.auto_field]
        if opts.auto_field is None or any(hasattr(field, "get_placeholder") for field in self._fields):
            # The SQL must not depend on the values: the database writes the id, and every value is a "%s".
            raise ValueError(f"PreparedInsert: {model.__name__} needs an auto id and fields without placeholders of their own.")
        self._returning = opts.db_returning_fields
        # One per connection (each thread has its own): the compiler belongs to it.
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def create(self, **kwargs: object) -> M:
        """One new instance, saved: as `Model.objects.create(**kwargs)`."""
        obj = self._model(**kwargs)
        self.insert([obj])
        return obj

    def insert(self, objs: list[M]) -> list[M]:
        """Save the new instances (in batches as large as the database takes, as `bulk_create` makes them)."""
        if not objs:
            return objs
        alias = router.db_for_write(self._model)
        connection = connections[alias]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = _CompiledInsert(self._model, alias, self._fields, self._returning)
        batch = max(connection.ops.bulk_batch_size(self._fields, objs), 1)
        for start in range(0, len(objs), batch):
            if not self._insert(objs[start : start + batch], compiled, alias, connection):
                self._model._base_manager.using(alias).bulk_create(objs[start : start + batch])
        return objs

    def _insert(self, objs: list[M], compiled: _CompiledInsert, alias: str, connection) -> bool:
        for obj in objs:
            if obj._is_pk_set():
                raise ValueError("PreparedInsert inserts new rows: the database writes their id.")
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        rows = []
        for obj in objs:
            row = []
            for field in self._fields:
                value = field.pre_save(obj, True)
                if hasattr(value, "resolve_expression"):
                    return False
                row.append(field.get_db_prep_save(value, connection))
            rows.append(row)
        sql = compiled.sql.get(len(objs))
        if sql is None:
            query = InsertQuery(self._model)
            # raw: the values as pre_save left them above (a second pre_save would stamp another now()).
            query.insert_values(self._fields, objs, raw=True)
            compiler = query.get_compiler(using=alias)
            compiler.returning_fields = self._returning
            statements = compiler.as_sql()
            if len(statements) != 1 or compiler.returning_params:
                raise ValueError(f"PreparedInsert: {connection.vendor} cannot insert {len(objs)} rows with RETURNING in one statement.")
            sql = compiled.sql[len(objs)] = statements[0][0]
        if not compiled.by_row:
            _placeholders, rows = compiled.compiler.assemble_as_sql(self._fields, rows)
        with connection.cursor() as cursor:
            cursor.execute(sql, tuple(chain.from_iterable(rows)))
            returned = cursor.fetchall()
        if compiled.converters:
            returned = compiled.compiler.apply_converters(returned, compiled.converters)
        for obj, values in zip(objs, returned):
            for field, value in zip(self._returning, values):
                setattr(obj, field.attname, value)
            obj._state.adding = False
            obj._state.db = alias
        return True
