"""PreparedInsert: a model's new rows saved by one INSERT whose SQL is compiled once per connection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Value
from django.db.models.functions import Upper

from orders.models import Order
from storefront.models import OutboundEmail
from storefront.prepared import PreparedInsert


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def _email(n: int) -> OutboundEmail:
    return OutboundEmail(to=f"reader{n}@example.com", subject=f"Subject {n}", body_text=f"Body {n}\n")


def test_a_prepared_insert_saves_the_row_the_orm_reads_back_with_what_the_database_wrote(contact, django_assert_num_queries):
    insert = PreparedInsert(Order)
    kwargs = {"account": contact.account, "placed_by": contact, "shipment_type": "pickup", "payment_method": "credit",
              "currency": "MXN", "total": Decimal("12.50"), "credit_taken": Decimal("12.50")}
    insert.create(**kwargs, submission_key="first")  # compiled here, once

    with django_assert_num_queries(1):
        order = insert.create(**kwargs, submission_key="second")

    assert order.pk is not None
    assert order.number == f"SO{order.pk:08d}"  # the generated column, returned with the id
    assert order._state.adding is False and order._state.db == "default"
    assert _fields(order) == _fields(Order.objects.get(pk=order.pk))


@pytest.mark.parametrize("rows", [1, 3])
def test_a_prepared_insert_saves_many_rows_in_one_statement_every_time(db, rows, django_assert_num_queries):
    insert = PreparedInsert(OutboundEmail)

    with django_assert_num_queries(1):
        first = insert.insert([_email(n) for n in range(rows)])
    with django_assert_num_queries(1):
        again = insert.insert([_email(n) for n in range(rows, 2 * rows)])

    saved = first + again
    assert len({email.pk for email in saved}) == 2 * rows
    assert [_fields(email) for email in saved] == [_fields(email) for email in OutboundEmail.objects.order_by("pk")]


def test_a_prepared_insert_stamps_auto_now_add_once_as_saved(db):
    email = PreparedInsert(OutboundEmail).create(to="reader@example.com", subject="Hello", body_text="Body\n")

    assert email.created_at is not None
    assert OutboundEmail.objects.get(pk=email.pk).created_at == email.created_at


def test_a_prepared_insert_leaves_a_row_with_an_expression_to_bulk_create(db):
    insert = PreparedInsert(OutboundEmail)
    insert.insert([_email(1)])  # compiled for one row of plain values

    email = insert.create(to="reader@example.com", subject=Upper(Value("hello")), body_text="Body\n")
    plain = insert.insert([_email(2)])[0]  # the SQL compiled for one row is still that of plain values

    assert OutboundEmail.objects.get(pk=email.pk).subject == "HELLO"
    assert OutboundEmail.objects.get(pk=plain.pk).subject == "Subject 2"


def test_a_prepared_insert_refuses_a_row_that_has_its_id(db):
    with pytest.raises(ValueError, match="the database writes their id"):
        PreparedInsert(OutboundEmail).insert([OutboundEmail(pk=5, to="reader@example.com", subject="s", body_text="t")])
