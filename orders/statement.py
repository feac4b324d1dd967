"""The account statement: the credit line and the open invoices, aged by how long they are past due.

`account_statement` reads it in one query whatever the number of invoices (the credit figures come
with the account the caller already holds); `statement_write_xlsx` is the pure builder of its Excel
file. An invoice is open until the back office marks it paid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.models import Account
from catalog.price_lists import neutralise
from orders.models import Invoice
from storefront.money import money

# Ageing buckets, in the order a statement shows them: days past the due date.
CURRENT = "current"
DAYS_1_30 = "1-30"
DAYS_31_60 = "31-60"
DAYS_61_90 = "61-90"
OVER_90 = "over-90"
BUCKETS: tuple[tuple[str, Any], ...] = (
    (CURRENT, _("Current")),
    (DAYS_1_30, _("1-30 days")),
    (DAYS_31_60, _("31-60 days")),
    (DAYS_61_90, _("61-90 days")),
    (OVER_90, _("Over 90 days")),
)
BUCKET_LABELS = dict(BUCKETS)


def ageing_bucket(days_overdue: int) -> str:
    """The bucket of an invoice this many days past due (0 or less: not yet due)."""
    if days_overdue <= 0:
        return CURRENT
    if days_overdue <= 30:
        return DAYS_1_30
    if days_overdue <= 60:
        return DAYS_31_60
    if days_overdue <= 90:
        return DAYS_61_90
    return OVER_90


@dataclass(frozen=True)
class StatementLine:
    number: str
    order_number: str
    issued_on: date
    due_date: date
    amount: Decimal
    currency: str
    days_overdue: int
    bucket: str
    # The invoice bills a licensing order (its number links to the licensing order, not to an order).
    is_licensing: bool = False

    @property
    def bucket_label(self) -> str:
        return str(BUCKET_LABELS[self.bucket])


@dataclass(frozen=True)
class BucketTotal:
    key: str
    label: str
    amount: Decimal
    count: int


@dataclass(frozen=True)
class Statement:
    account: Account
    today: date
    currency: str
    credit_limit: Decimal
    credit_used: Decimal
    credit_available: Decimal
    lines: tuple[StatementLine, ...]
    buckets: tuple[BucketTotal, ...]
    total_open: Decimal

    @property
    def total_overdue(self) -> Decimal:
        return sum((b.amount for b in self.buckets if b.key != CURRENT), Decimal("0.00"))


def account_statement(*, account: Account, today: date) -> Statement:
    """The account's credit figures and its unpaid invoices, oldest due first, with bucket totals."""
    rows = (
        Invoice.objects.filter(account_id=account.pk, paid_at__isnull=True)
        .order_by("due_date", "id")
        # Whichever kind of order the invoice bills, in the same query.
        .annotate(billed_number=Coalesce("order__number", "licence_order__number"))
        .values_list("number", "billed_number", "issued_at", "due_date", "amount", "currency", "licence_order_id")
    )
    lines = []
    totals = {key: Decimal("0.00") for key, _label in BUCKETS}
    counts = {key: 0 for key, _label in BUCKETS}
    for number, order_number, issued_at, due_date, amount, currency, licence_order_id in rows:
        days = (today - due_date).days
        bucket = ageing_bucket(days)
        lines.append(
            StatementLine(
                number=number,
                order_number=order_number,
                issued_on=timezone.localdate(issued_at),
                due_date=due_date,
                amount=amount,
                currency=currency,
                days_overdue=max(days, 0),
                bucket=bucket,
                is_licensing=licence_order_id is not None,
            )
        )
        totals[bucket] += amount
        counts[bucket] += 1
    return Statement(
        account=account,
        today=today,
        currency=account.currency,
        credit_limit=account.credit_limit,
        credit_used=account.credit_used,
        credit_available=account.credit_available,
        lines=tuple(lines),
        buckets=tuple(BucketTotal(key, str(label), money(totals[key]), counts[key]) for key, label in BUCKETS),
        total_open=money(sum(totals.values(), Decimal("0.00"))),
    )


# --- the Excel file -------------------------------------------------------------------------------

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
COLUMN_WIDTHS = (22, 16, 14, 14, 14, 16, 18)
# Control characters that XLSX (XML 1.0) cannot hold.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def statement_write_xlsx(statement: Statement, stream: IO[bytes]) -> None:
    """Write the statement as an XLSX workbook: the credit figures, the open invoices, the ageing."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Account statement")[:31])
    for index, width in enumerate(COLUMN_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)

    def text(value: Any, *, strong: bool = False) -> WriteOnlyCell:
        # Typed as text and neutralised: a company named "=HYPERLINK(...)" stays a name.
        cell = WriteOnlyCell(sheet, value=neutralise(_XML_ILLEGAL.sub("", str(value))))
        cell.data_type = "s"
        if strong:
            cell.font = bold
        return cell

    def amount(value: Decimal, *, strong: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=money(value))
        cell.number_format = MONEY_FORMAT
        if strong:
            cell.font = bold
        return cell

    def day(value: date) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    account = statement.account
    sheet.append([text(gettext("Account statement"), strong=True)])
    sheet.append([text(gettext("Account")), text(f"{account.customer_code} · {account.company_name}")])
    sheet.append([text(gettext("Date")), day(statement.today)])
    sheet.append([text(gettext("Currency")), text(statement.currency)])
    sheet.append([text(gettext("Credit limit")), amount(statement.credit_limit)])
    sheet.append([text(gettext("Credit used")), amount(statement.credit_used)])
    sheet.append([text(gettext("Credit available")), amount(statement.credit_available)])
    sheet.append([])

    headers = [gettext("Invoice"), gettext("Order"), gettext("Date"), gettext("Due date"), gettext("Days overdue"), gettext("Ageing"), gettext("Amount")]
    sheet.append([text(title, strong=True) for title in headers])
    for line in statement.lines:
        sheet.append(
            [
                text(line.number),
                text(line.order_number),
                day(line.issued_on),
                day(line.due_date),
                line.days_overdue,
                text(line.bucket_label),
                amount(line.amount),
            ]
        )
    sheet.append([])

    sheet.append([text(gettext("Ageing"), strong=True), text(gettext("Amount"), strong=True)])
    for bucket in statement.buckets:
        sheet.append([text(bucket.label), amount(bucket.amount)])
    sheet.append([text(gettext("Total open"), strong=True), amount(statement.total_open, strong=True)])
    workbook.save(stream)
