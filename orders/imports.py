"""Reading "Add multiple products": pasted lines, or a CSV or XLSX file, into (line, code, amount) rows."""

from __future__ import annotations

import csv
import io
import re

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_ROWS = 500
MAX_FILE_BYTES = 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024
HEADER_WORDS = ("sku", "part", "code", "amount", "quantity", "qty", "cantidad", "código", "codigo")


class ImportFileError(Exception):
    pass


def rows_from_text(text: str) -> list[tuple[int, str, str]]:
    """One product per line: a SKU or part number, then an amount (separated by space, tab, comma or semicolon)."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        # The code, then everything after it as the amount: "SKU 1,000" or "SKU 3 4" must be refused
        # as amounts, not read as 1 or 3.
        parts = re.split(r"[\s,;]+", line, maxsplit=1)
        rows.append((number, parts[0], parts[1].strip() if len(parts) > 1 else ""))
    return _limited(rows)


def rows_from_file(upload: UploadedFile) -> list[tuple[int, str, str]]:
    """The first two columns of a CSV or XLSX file; a header row without an amount is skipped."""
    if upload.size > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB."))
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    elif name.endswith(".txt"):
        rows = rows_from_text(_decoded(data))
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    if rows and _is_header(rows[0]):
        rows = rows[1:]
    return _limited(rows)


def _is_header(row: tuple[int, str, str]) -> bool:
    """A first row such as "SKU, Amount": words where a code and a number would be."""
    _number, code, amount = row
    return not amount.isdigit() and any(word in f"{code} {amount}".lower() for word in HEADER_WORDS)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _limited(rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(max)d lines at a time.") % {"max": MAX_ROWS})
    return rows


def _csv_rows(data: bytes) -> list[tuple[int, str, str]]:
    text = _decoded(data)
    # The separator that the first lines use most (Excel writes ";" in comma-decimal locales); the
    # csv sniffer gives up on a file where one row lacks its amount.
    head = text[:4096]
    delimiter = max(",;\t", key=head.count) if any(sep in head for sep in ",;\t") else ","
    rows = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            rows.append((number, cells[0], cells[1] if len(cells) > 1 else ""))
    except csv.Error as exc:  # an unterminated quote, a field past the csv module's limit
        raise ImportFileError(_("This file cannot be read as CSV: check its quotes and separators.")) from exc
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, str, str]]:
    import zipfile

    from openpyxl import load_workbook

    # A workbook is a zip: a small file can inflate to gigabytes, so its unpacked size is checked first.
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("This file cannot be read as an Excel workbook.")) from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_("This workbook is too large: keep it to the SKU and amount columns."))
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:  # any unreadable workbook is the user's file, not our fault: say so
        raise ImportFileError(_("This file cannot be read as an Excel workbook.")) from exc
    rows = []
    for number, record in enumerate(sheet.iter_rows(values_only=True, max_col=2), start=1):
        cells = ["" if cell is None else (str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)).strip() for cell in record]
        if not any(cells):
            continue
        rows.append((number, cells[0], cells[1] if len(cells) > 1 else ""))
        if len(rows) > MAX_ROWS + 1:  # enough to refuse the file; blank rows do not count
            break
    return rows
