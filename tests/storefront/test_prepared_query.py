"""PreparedQuery makes the instances Django's ModelIterable makes: the same fields, state and related
objects, whether it fills their __dict__ itself or leaves them to Model.from_db."""

from __future__ import annotations

from django.db.models.signals import post_init

from accounts.models import Contact
from catalog.models import PriceListExport, Stock
from storefront.prepared import PreparedQuery


def _snapshot(obj, above: tuple = ()) -> dict | str | None:
    """An instance as plain data: its fields, its state and, in turn, each related object it caches (one
    already above it, such as a contact's user's contact, as its class name)."""
    if obj is None:
        return None
    if any(obj is seen for seen in above):
        return f"back to its {type(obj).__name__}"
    fields = {k: v for k, v in vars(obj).items() if k != "_state"}
    state = {k: v for k, v in vars(obj._state).items() if k != "fields_cache"}
    cached = {name: _snapshot(related, (*above, obj)) for name, related in obj._state.fields_cache.items()}
    return {"class": type(obj), "fields": fields, "field order": list(vars(obj)), "state": state, "cached": cached}


def _contacts(account_id):
    return Contact.objects.filter(account_id=account_id).select_related("user", "account__price_list").order_by("pk")


CONTACTS = PreparedQuery(_contacts, account_id=Contact._meta.get_field("account"))


def test_instances_and_related_objects_are_those_the_queryset_makes(contact, admin_contact, price_lists):
    assert [_snapshot(c) for c in CONTACTS.all(account_id=contact.account_id)] == [
        _snapshot(c) for c in _contacts(contact.account_id)
    ]


def test_a_missing_related_object_is_cached_as_none(stocked):
    def build(warehouse_id):
        return Stock.objects.filter(warehouse_id=warehouse_id).select_related("product__brand", "warehouse").order_by("pk")

    prepared = PreparedQuery(build, warehouse_id=Stock._meta.get_field("warehouse"))
    stock = Stock.objects.order_by("pk").first()

    assert [_snapshot(s) for s in prepared.all(warehouse_id=stock.warehouse_id)] == [_snapshot(s) for s in build(stock.warehouse_id)]


def test_with_a_post_init_receiver_connected_each_instance_is_made_by_init(contact, price_lists):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(type(instance).__name__)

    CONTACTS.all(account_id=contact.account_id)  # compiled before the receiver
    post_init.connect(receiver)
    try:
        found = CONTACTS.all(account_id=contact.account_id)
    finally:
        post_init.disconnect(receiver)

    assert sorted(seen) == ["Account", "Contact", "PriceList", "User"]
    assert [_snapshot(c) for c in found] == [_snapshot(c) for c in _contacts(contact.account_id)]


def test_a_model_with_a_file_field_is_made_by_init(contact, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    export = PriceListExport.objects.create(contact=contact, file_format="csv", title="All", scope="all", file="exports/a.csv")
    prepared = PreparedQuery(lambda pk: PriceListExport.objects.filter(pk=pk), pk=PriceListExport._meta.pk)

    found = prepared.first(pk=export.pk)

    assert _snapshot(found) == _snapshot(PriceListExport.objects.get(pk=export.pk))
    assert found.file.name == "exports/a.csv"


def test_a_values_query_returns_the_dicts_values_gives(contact, admin_contact, other_contact):
    from django.db.models import Count

    def build(account_id):
        return Contact.objects.filter(account_id=account_id).values("is_admin", "account__company_name").annotate(n=Count("id")).order_by("is_admin")

    prepared = PreparedQuery(build, account_id=Contact._meta.get_field("account"))

    assert prepared.all(account_id=contact.account_id) == list(build(contact.account_id))
    assert prepared.all(account_id=other_contact.account_id) == list(build(other_contact.account_id))


def test_a_page_is_the_slice_the_queryset_reads(contact, admin_contact, django_assert_num_queries):
    for low, high in [(0, 1), (1, 2), (1, None), (0, 10), (5, 10)]:
        assert [c.pk for c in CONTACTS.page(low, high, account_id=contact.account_id)] == [
            c.pk for c in _contacts(contact.account_id)[low:high]
        ]
    with django_assert_num_queries(0):
        assert CONTACTS.page(1, 1, account_id=contact.account_id) == []


def test_a_sliced_queryset_cannot_be_paged(contact):
    import pytest

    prepared = PreparedQuery(lambda account_id: _contacts(account_id)[:1], account_id=Contact._meta.get_field("account"))
    assert len(prepared.all(account_id=contact.account_id)) == 1
    with pytest.raises(ValueError, match="sliced"):
        prepared.page(0, 1, account_id=contact.account_id)


def test_an_expression_value_is_sent_as_the_expression_sends_it(stocked):
    from catalog.models import Product
    from catalog.search import IdsIn
    from storefront.prepared import ExpressionValue

    prepared = PreparedQuery(
        lambda ids: Product.objects.filter(IdsIn(ids)).order_by("pk"), ids=ExpressionValue(IdsIn, sentinel=(-1_987_654_399,))
    )
    some = tuple(Product.objects.order_by("pk").values_list("pk", flat=True)[:2])

    assert [p.pk for p in prepared.all(ids=some)] == list(some)
    assert prepared.all(ids=(0,)) == []


def test_query_logging_and_execute_wrappers_see_each_statement(contact, admin_contact):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        logged = CONTACTS.all(account_id=contact.account_id)
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        wrapped = CONTACTS.all(account_id=contact.account_id)
    unwatched = CONTACTS.all(account_id=contact.account_id)

    assert len(captured.captured_queries) == 1 and "accounts_contact" in captured.captured_queries[0]["sql"]
    assert len(seen) == 1 and "accounts_contact" in seen[0]
    expected = [c.pk for c in _contacts(contact.account_id)]
    assert [c.pk for c in logged] == [c.pk for c in wrapped] == [c.pk for c in unwatched] == expected


def test_a_transaction_marked_for_rollback_refuses_the_statement(contact):
    import pytest
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            CONTACTS.all(account_id=contact.account_id)


def test_in_an_event_loop_the_statement_is_refused_as_django_refuses_it(contact, monkeypatch):
    import asyncio

    import pytest
    from django.core.exceptions import SynchronousOnlyOperation

    async def in_loop():
        return CONTACTS.all(account_id=contact.account_id)

    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # the suite allows it for the browser tests
    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(in_loop())
