"""Price List files: pure builders that write a listing's rows as Excel (XLSX) or CSV.

They take any iterable of rows in the order of catalog.selectors.EXPORT_COLUMNS and a binary stream,
and hold one chunk of rows at a time: the XLSX goes through the store's streaming writer
(catalog.xlsx) straight into its zip, and the CSV goes out in chunks. No request, no task, no query:
the callers bring the rows.

Every text cell goes through `neutralise`, so no file carries a formula (OWASP, "CSV Injection"):
a spreadsheet would run `=HYPERLINK(...)` typed into a product name by anyone upstream.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice, repeat
from operator import itemgetter
from typing import IO, Any

from django.utils.translation import gettext, gettext_lazy as _

from catalog import xlsx
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
TEXT_COLUMNS = tuple(index for index in range(len(EXPORT_COLUMNS)) if index not in (PRICE_COLUMN, AVAILABILITY_COLUMN))
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
PROGRESS_EVERY = 1000
CSV_ROWS_PER_CHUNK = 500
XLSX_ROWS_PER_CHUNK = 500

# What makes a spreadsheet read a cell as a formula, plus tab and carriage return (OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")
# Control characters that XLSX (XML 1.0) cannot hold: dropped before the guard looks at the text.
_XML_ILLEGAL = xlsx.XML_ILLEGAL
# The first characters after which a text may need its apostrophe: the starts above and whitespace,
# which neutralise looks past (str.lstrip's whitespace, all of it below U+3001). A text starting
# with anything else is left as it is, and checking its first character is all the guard costs.
_GUARDED_FIRST = frozenset(_FORMULA_STARTS + _CONTROL_STARTS + tuple(c for c in map(chr, range(0x3001)) if c.isspace()))
_NUMBERS = frozenset((int, float, Decimal))
_PRICES = _NUMBERS | {type(None)}
_INT = frozenset((int,))
_FIRST = itemgetter(slice(0, 1))

Progress = Callable[[int], None]


def neutralise(value: str) -> str:
    """The text with an apostrophe in front when a spreadsheet could take it for a formula."""
    if value[:1] not in _GUARDED_FIRST:
        return value
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


def _progressed(written: int, more: int, on_progress: Progress | None, every: int) -> int:
    """The rows written after `more` rows; reports each multiple of `every` passed on the way."""
    total = written + more
    if on_progress is not None:
        for count in range((written // every + 1) * every, total + 1, every):
            on_progress(count)
    return total


# --- XLSX -----------------------------------------------------------------------------------------

XLSX_COLUMNS = tuple(
    xlsx.Column(
        kind=xlsx.TWO_DECIMALS if column == "price" else xlsx.NUMBER if column == "availability" else xlsx.TEXT,
        width=COLUMN_WIDTHS[column],
    )
    for column in EXPORT_COLUMNS
)


def price_list_write_xlsx(
    rows: Iterable[tuple],
    stream: IO[bytes],
    *,
    currency: str = "",
    on_progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """Write the rows as an XLSX workbook to a binary stream; returns how many rows were written."""
    rows = iter(rows)
    written = 0
    with xlsx.xlsx_sheet(stream, title=gettext("Price List")[:31], columns=XLSX_COLUMNS, freeze_header=True) as sheet:
        sheet.write_header([_xlsx_text(title) for title in price_list_headers(currency=currency)])
        while chunk := list(islice(rows, XLSX_ROWS_PER_CHUNK)):
            sheet.write_columns(_xlsx_columns(chunk))
            written = _progressed(written, len(chunk), on_progress, progress_every)
    return written


def _xlsx_text(value: Any) -> str:
    # Stripped before neutralising, so a control character cannot hide a leading "=".
    return neutralise(_XML_ILLEGAL.sub("", "" if value is None else str(value)))


def _xlsx_columns(rows: list[tuple]) -> list[Sequence]:
    # Checked column by column in C, as for CSV: only a column with a text to guard or strip, or a
    # value of another type, goes cell by cell. The writer escapes the texts and formats the numbers.
    columns: list[Sequence] = list(zip(*rows))
    for index, column in enumerate(columns):
        if index == PRICE_COLUMN:
            if not set(map(type, column)) <= _PRICES:
                columns[index] = [value if value is None or value.__class__ in _NUMBERS else Decimal(value) for value in column]
        elif index == AVAILABILITY_COLUMN:
            if not set(map(type, column)) <= _INT:
                columns[index] = [int(value or 0) for value in column]
        else:
            try:
                plain = _GUARDED_FIRST.isdisjoint(map(_FIRST, column)) and not _XML_ILLEGAL.search("\n".join(column))
            except TypeError:  # None, a number: not text
                plain = False
            if not plain:
                columns[index] = [_xlsx_text(value) for value in column]
    return columns


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
    for chunk, _written in _csv_chunks(
        rows, currency=currency, on_progress=on_progress, progress_every=progress_every, rows_per_chunk=rows_per_chunk
    ):
        yield chunk


def _csv_chunks(
    rows: Iterable[tuple], *, currency: str, on_progress: Progress | None, progress_every: int, rows_per_chunk: int
) -> Iterator[tuple[bytes, int]]:
    # Each chunk is one text, written column by column (see _csv_text) and encoded once.
    header = _csv_line([neutralise(title) for title in price_list_headers(currency=currency)])
    rows = iter(rows)
    written = 0
    size = max(rows_per_chunk - 1, 1)  # the header shares the first chunk
    first = True
    while chunk := list(islice(rows, size)):
        text = _csv_text(chunk)
        written = _progressed(written, len(chunk), on_progress, progress_every)
        yield (codecs.BOM_UTF8 + (header + text).encode("utf-8") if first else text.encode("utf-8")), written
        first, size = False, rows_per_chunk
    if first:
        yield codecs.BOM_UTF8 + header.encode("utf-8"), written


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
    for chunk, written in _csv_chunks(
        rows, currency=currency, on_progress=on_progress, progress_every=progress_every, rows_per_chunk=CSV_ROWS_PER_CHUNK
    ):
        stream.write(chunk)
    return written


def _csv_text(rows: list[tuple]) -> str:
    """The rows as csv.writer would write them (see _csv_field), built column by column.

    csv.writer looks at each character of each cell in turn. Here each column is checked whole, in C,
    and only a column with something to change (a missing price, a text to guard or to quote, a value
    that is not text) goes cell by cell; then each row's cells are joined in one call.
    """
    columns: list[Iterable[str]] = list(zip(*rows))
    for index, column in enumerate(columns):
        if index == PRICE_COLUMN:
            if set(map(type, column)) <= _NUMBERS:
                columns[index] = map(format, column, repeat(".2f"))
            else:
                columns[index] = map(_csv_price, column)
        elif index == AVAILABILITY_COLUMN:
            if set(map(type, column)) <= _INT:
                columns[index] = map(str, column)
            else:
                columns[index] = [str(int(value or 0)) for value in column]
        else:
            try:
                # Slicing fails on None and numbers, joining on any other value that is not text.
                joined = "".join(column) if _GUARDED_FIRST.isdisjoint(map(_FIRST, column)) else None
            except TypeError:
                joined = None
            if joined is None:
                column = list(map(_text, column))
                joined = "".join(column)
            if _csv_special(joined):
                column = map(_csv_field, column)
            columns[index] = column
    return "\r\n".join(map(",".join, zip(*columns))) + "\r\n"


# What csv.writer writes in its default (excel) dialect, QUOTE_MINIMAL: a cell holding a comma, a
# quote or a line break goes in quotes, its quotes doubled, and each line ends with CRLF. A line of
# EXPORT_COLUMNS has commas, so it is never the lone empty cell csv.writer would write as "".


def _csv_special(text: str) -> bool:
    return "," in text or '"' in text or "\r" in text or "\n" in text


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _csv_special(text) else text


def _csv_line(fields: Iterable[str]) -> str:
    return ",".join(map(_csv_field, fields)) + "\r\n"


def _csv_price(value: Any) -> str:
    # An int or float (SQLite's price) formats to the same two decimals as its Decimal.
    return "" if value is None else format(value if value.__class__ in _NUMBERS else Decimal(value), ".2f")
