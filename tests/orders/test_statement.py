"""The account statement: credit figures, open invoices aged from their due date, and its XLSX file."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from orders.statement import account_statement, ageing_bucket, statement_write_xlsx
from tests.orders.invoice_factories import InvoiceFactory, OrderFactory

TODAY = date(2026, 6, 30)


def _invoice(contact, *, days_overdue: int, amount: str, **kwargs):
    order = OrderFactory(placed_by=contact, total=Decimal(amount))
    return InvoiceFactory(order=order, due_date=TODAY - timedelta(days=days_overdue), **kwargs)


@pytest.mark.parametrize(
    ("days_overdue", "bucket"),
    [(-10, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "over-90")],
)
def test_an_invoice_is_aged_by_the_days_past_its_due_date(contact, days_overdue, bucket):
    invoice = _invoice(contact, days_overdue=days_overdue, amount="100.00")

    statement = account_statement(account=contact.account, today=TODAY)

    [line] = statement.lines
    assert (line.number, line.bucket, line.days_overdue) == (invoice.number, bucket, max(days_overdue, 0))
    assert ageing_bucket(days_overdue) == bucket


def test_bucket_totals_add_up_the_open_invoices(contact):
    for days, amount in [(0, "1.00"), (1, "2.00"), (30, "4.00"), (31, "8.00"), (60, "16.00"), (61, "32.00"), (90, "64.00"), (91, "128.00")]:
        _invoice(contact, days_overdue=days, amount=amount)

    statement = account_statement(account=contact.account, today=TODAY)

    assert [(b.key, b.amount, b.count) for b in statement.buckets] == [
        ("current", Decimal("1.00"), 1),
        ("1-30", Decimal("6.00"), 2),
        ("31-60", Decimal("24.00"), 2),
        ("61-90", Decimal("96.00"), 2),
        ("over-90", Decimal("128.00"), 1),
    ]
    assert statement.total_open == Decimal("255.00")
    assert statement.total_overdue == Decimal("254.00")
    # The oldest due first: what to chase comes at the top.
    assert [line.days_overdue for line in statement.lines] == [91, 90, 61, 60, 31, 30, 1, 0]


def test_paid_invoices_and_other_accounts_invoices_are_left_out(contact, other_contact):
    kept = _invoice(contact, days_overdue=5, amount="10.00")
    _invoice(contact, days_overdue=40, amount="20.00", paid_at=timezone.now())
    _invoice(other_contact, days_overdue=5, amount="30.00")

    statement = account_statement(account=contact.account, today=TODAY)

    assert [line.number for line in statement.lines] == [kept.number]
    assert statement.total_open == Decimal("10.00")


def test_the_credit_figures_come_from_the_account(contact):
    account = contact.account
    account.credit_limit, account.credit_used = Decimal("500000.00"), Decimal("123456.78")

    statement = account_statement(account=account, today=TODAY)

    assert (statement.credit_limit, statement.credit_used, statement.credit_available) == (
        Decimal("500000.00"),
        Decimal("123456.78"),
        Decimal("376543.22"),
    )
    assert statement.currency == "MXN" and statement.lines == ()
    assert all(b.amount == Decimal("0.00") for b in statement.buckets)


@pytest.mark.parametrize("count", [2, 20])
def test_the_statement_is_one_query_whatever_the_number_of_invoices(contact, django_assert_num_queries, count):
    for days in range(count):
        _invoice(contact, days_overdue=days * 7, amount="10.00")
    with django_assert_num_queries(1):
        statement = account_statement(account=contact.account, today=TODAY)
    assert len(statement.lines) == count


# --- the XLSX file --------------------------------------------------------------------------------


def _sheet(statement):
    stream = io.BytesIO()
    statement_write_xlsx(statement, stream)
    stream.seek(0)
    return load_workbook(stream).active


def _row_of(sheet, label: str) -> tuple:
    for row in sheet.iter_rows():
        if row[0].value == label:
            return row
    raise AssertionError(f"no row {label!r}")


def test_the_xlsx_holds_the_credit_figures_the_invoices_and_the_buckets(contact):
    account = contact.account
    account.credit_limit, account.credit_used = Decimal("500000.00"), Decimal("1234.50")
    late = _invoice(contact, days_overdue=45, amount="1000.25")
    due = _invoice(contact, days_overdue=0, amount="234.25")

    sheet = _sheet(account_statement(account=account, today=TODAY))

    assert sheet["A1"].value == "Account statement"
    assert _row_of(sheet, "Account")[1].value == f"{account.customer_code} · {account.company_name}"
    assert _row_of(sheet, "Date")[1].value.date() == TODAY
    for label, figure in [("Credit limit", 500000), ("Credit used", 1234.5), ("Credit available", 498765.5)]:
        cell = _row_of(sheet, label)[1]
        assert cell.value == figure and cell.data_type == "n" and cell.number_format == "#,##0.00"

    late_row = _row_of(sheet, late.number)
    assert [c.value for c in late_row[1:2]] == [late.order.number]
    assert late_row[3].value.date() == TODAY - timedelta(days=45)
    assert (late_row[4].value, late_row[5].value, late_row[6].value) == (45, "31-60 days", 1000.25)
    assert late_row[6].number_format == "#,##0.00"
    assert _row_of(sheet, due.number)[5].value == "Current"

    assert _row_of(sheet, "31-60 days")[1].value == 1000.25
    assert _row_of(sheet, "Current")[1].value == 234.25
    assert _row_of(sheet, "Over 90 days")[1].value == 0
    total = _row_of(sheet, "Total open")[1]
    assert total.value == 1234.5 and total.number_format == "#,##0.00"


def test_the_xlsx_keeps_a_formula_like_company_name_inert(contact):
    account = contact.account
    account.company_name = '=HYPERLINK("http://evil.test","x")'

    sheet = _sheet(account_statement(account=account, today=TODAY))

    assert "HYPERLINK" in _row_of(sheet, "Account")[1].value
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
