"""Model instances made from a query's rows without running Model.__init__ where it would only store them.

Model.from_db calls the model's __init__, which sends pre_init, sets each field through setattr and sends
post_init: ~3 us for a model of twenty fields, ~6 us for a row of a listing with its brand and category,
0.9 ms for a page of 48 products. Where __init__ could do nothing more than store the values (the
model keeps Django's own __init__, from_db and __setattr__, each field read from the row is one of
Django's plain field attributes, and no pre_init or post_init receiver is connected), the instance's
__dict__ is filled as __init__ fills it; otherwise Model.from_db makes it.

RowInstances turns a compiled query's rows into instances (with their select_related objects and
annotations) as Django's ModelIterable does; InstanceIterable is that ModelIterable, for a queryset
whose rows are read many at a time (`queryset._iterable_class = InstanceIterable`).
"""

from __future__ import annotations

import inspect
import operator
from typing import Callable, Iterator

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, RelatedPopulator, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler

# The class attributes of model fields that store a value set on an instance as it is, in its __dict__.
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


def instance_maker(model: type[Model], init_list: list[str]) -> Callable[[str, tuple], Model]:
    """What makes an instance of `model` from a row's values for the fields `init_list` (the fields
    read, in the model's order; the others deferred), as `Model.from_db(db, init_list, values)` makes it."""
    attnames = [field.attname for field in model._meta.concrete_fields]
    read = set(init_list)

    def from_db(db: str, values: tuple) -> Model:
        return model.from_db(db, init_list, values)

    plain = (
        list(init_list) == [name for name in attnames if name in read]
        and model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and model.__setattr__ is object.__setattr__
        and all(type(inspect.getattr_static(model, name, None)) in _PLAIN_DESCRIPTORS for name in attnames)
    )
    if not plain:
        return from_db
    new = object.__new__
    names = list(init_list)

    def make(db: str, values: tuple) -> Model:
        if pre_init.receivers or post_init.receivers:
            return from_db(db, values)
        obj = new(model)
        state = ModelState()
        state.adding = False
        state.db = db
        attributes = obj.__dict__
        attributes["_state"] = state
        # A deferred field is left out of __dict__, as __init__ leaves it: read, it is loaded then.
        attributes.update(zip(names, values))
        return obj

    return make


class _Related:
    """A select_related object of each row, made and attached as Django's RelatedPopulator does."""

    def __init__(self, populator: RelatedPopulator) -> None:
        self.values = populator.reorder_for_init or operator.itemgetter(slice(populator.cols_start, populator.cols_end))
        self.pk_index = populator.pk_idx
        self.make = instance_maker(populator.model_cls, populator.init_list)
        self.related = [_Related(nested) for nested in populator.related_populators]
        self.local_setter = populator.local_setter
        self.remote_setter = populator.remote_setter

    def populate(self, row: list, from_obj: Model, db: str) -> None:
        values = self.values(row)
        obj = None
        if values[self.pk_index] is not None:  # NULL: no related object (a LEFT JOIN found none)
            obj = self.make(db, values)
            for nested in self.related:
                nested.populate(row, obj, db)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)


class RowInstances:
    """The instances of a compiled query's rows (after its converters), with their select_related
    objects and annotations: what Django's ModelIterable makes of them."""

    def __init__(self, compiler: SQLCompiler, db: str) -> None:
        klass_info = compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.db = db
        self.fields = slice(start, end)
        self.make = instance_maker(klass_info["model"], [f[0].target.attname for f in compiler.select[start:end]])
        self.related = [_Related(populator) for populator in get_related_populators(klass_info, compiler.select, db)]
        self.annotations = list((compiler.annotation_col_map or {}).items())

    def instance(self, row: list | tuple) -> Model:
        obj = self.make(self.db, row[self.fields])
        for related in self.related:
            related.populate(row, obj, self.db)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


class InstanceIterable(ModelIterable):
    """Django's ModelIterable, its instances made by RowInstances. A related manager's queryset (whose
    rows point back at a known object) is left to Django's."""

    def __iter__(self) -> Iterator[Model]:
        queryset = self.queryset
        if queryset._known_related_objects:
            yield from super().__iter__()
            return
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        # Executed first: this also fills the compiler's select, klass_info and annotations.
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        rows = RowInstances(compiler, db)
        for row in compiler.results_iter(results):
            yield rows.instance(row)
