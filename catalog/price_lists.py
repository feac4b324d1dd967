"""Price List files: pure builders that write a listing's rows as Excel (XLSX) or CSV.

They take any iterable of rows in the order of catalog.selectors.EXPORT_COLUMNS and a binary stream,
and hold one row at a time: openpyxl's write-only workbook spills its sheet to a temporary file, and
the CSV goes out in chunks. No request, no task, no query: the callers bring the rows.

Every text cell goes through `neutralise`, so no file carries a formula (OWASP, "CSV Injection"):
a spreadsheet would run `=HYPERLINK(...)` typed into a product name by anyone upstream.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext, gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from catalog.selectors import EXPORT_COLUMNS

COLUMN_LABELS = {
    "category": _("Category"),
    "subcategory": _("Subcategory"),
    "name": _("Name"),
    "brand": _("Brand"),
    "price": _("Price"),
    "availability": _("Availability"),
    "part number": _("Part number"),
    "SKU": _("SKU"),
    "attributes": _("Attributes"),
}
PRICE_COLUMN = EXPORT_COLUMNS.index("price")
AVAILABILITY_COLUMN = EXPORT_COLUMNS.index("availability")
# Widths in characters, so the file opens readable without resizing columns.
COLUMN_WIDTHS = {
    "category": 22,
    "subcategory": 22,
    "name": 48,
    "brand": 16,
    "price": 14,
    "availability": 12,
    "part number": 20,
    "SKU": 18,
    "attributes": 60,
}
PRICE_FORMAT = "#,##0.00"
PROGRESS_EVERY = 1000
CSV_ROWS_PER_CHUNK = 500

# What makes a spreadsheet read a cell as a formula, plus tab and carriage return (OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")
# Control characters that XLSX (XML 1.0) cannot hold; openpyxl refuses a cell that has one.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Progress = Callable[[int], None]


def neutralise(value: str) -> str:
    """The text with an apostrophe in front when a spreadsheet could take it for a formula."""
    if value.startswith(_CONTROL_STARTS) or value.lstrip().startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def price_list_headers(*, currency: str = "") -> list[str]:
    """The translated column names, in the order of EXPORT_COLUMNS; the price names its currency."""
    headers = [str(COLUMN_LABELS[column]) for column in EXPORT_COLUMNS]
    if currency:
        headers[PRICE_COLUMN] = gettext("Price (%(currency)s)") % {"currency": currency}
    return headers


def _text(value: Any) -> str:
    return neutralise("" if value is None else str(value))


def _counted(rows: Iterable[tuple], on_progress: Progress | None, every: int) -> Iterator[tuple]:
    count = 0
    for row in rows:
        yield row
        count += 1
        if on_progress is not None and count % every == 0:
            on_progress(count)


# --- XLSX -----------------------------------------------------------------------------------------


def price_list_write_xlsx(
    rows: Iterable[tuple],
    stream: IO[bytes],
    *,
    currency: str = "",
    on_progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """Write the rows as an XLSX workbook to a binary stream; returns how many rows were written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Price List")[:31])
    # Column widths and the frozen header must be set before the first row: write-only mode writes
    # the sheet's head when the first row arrives.
    for index, column in enumerate(EXPORT_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[column]
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header = []
    for title in price_list_headers(currency=currency):
        cell = WriteOnlyCell(sheet, value=_xlsx_text(title))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    written = 0
    for row in _counted(rows, on_progress, progress_every):
        sheet.append(_xlsx_row(sheet, row))
        written += 1
    workbook.save(stream)
    return written


def _xlsx_text(value: Any) -> str:
    # Stripped before neutralising, so a control character cannot hide a leading "=".
    return neutralise(_XML_ILLEGAL.sub("", "" if value is None else str(value)))


def _xlsx_row(sheet, row: tuple) -> list:
    cells: list = []
    for index, value in enumerate(row):
        if index == PRICE_COLUMN:
            if value is None:
                cells.append(None)
            else:
                cell = WriteOnlyCell(sheet, value=Decimal(value))
                cell.number_format = PRICE_FORMAT
                cells.append(cell)
        elif index == AVAILABILITY_COLUMN:
            cells.append(int(value or 0))
        else:
            cells.append(_xlsx_text_cell(sheet, _xlsx_text(value)))
    return cells


def _xlsx_text_cell(sheet, text: str) -> str | WriteOnlyCell:
    # openpyxl reads a str starting with "=" as a formula and "#N/A" as an error. Those get a cell
    # typed as text; any other str is text already, and a plain value costs no cell object per row.
    if text.startswith("=") or text in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


# --- CSV ------------------------------------------------------------------------------------------


def price_list_csv_chunks(
    rows: Iterable[tuple],
    *,
    currency: str = "",
    on_progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
    rows_per_chunk: int = CSV_ROWS_PER_CHUNK,
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks, the first one opening with the BOM Excel needs to read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(title) for title in price_list_headers(currency=currency)])
    pending = 1
    first = True
    for row in _counted(rows, on_progress, progress_every):
        writer.writerow(_csv_row(row))
        pending += 1
        if pending >= rows_per_chunk:
            yield _take(buffer, bom=first)
            first, pending = False, 0
    if pending or first:
        yield _take(buffer, bom=first)


def price_list_write_csv(
    rows: Iterable[tuple],
    stream: IO[bytes],
    *,
    currency: str = "",
    on_progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """Write the rows as CSV (UTF-8 with BOM, a header row) to a binary stream; returns the row count."""
    written = 0

    def counted(count: int) -> None:
        nonlocal written
        written = count
        if on_progress is not None and count % progress_every == 0:
            on_progress(count)

    for chunk in price_list_csv_chunks(rows, currency=currency, on_progress=counted, progress_every=1):
        stream.write(chunk)
    return written


def _csv_row(row: tuple) -> list:
    values: list = []
    for index, value in enumerate(row):
        if index == PRICE_COLUMN:
            values.append("" if value is None else f"{Decimal(value):.2f}")
        elif index == AVAILABILITY_COLUMN:
            values.append(int(value or 0))
        else:
            values.append(_text(value))
    return values


def _take(buffer: io.StringIO, *, bom: bool) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate(0)
    return codecs.BOM_UTF8 + data if bom else data
