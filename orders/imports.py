"""Reading "Add multiple products": pasted lines, or a CSV or XLSX file, into (line, code, amount) rows."""

from __future__ import annotations

import csv
import io
import re

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_ROWS = 500
MAX_FILE_BYTES = 1024 * 1024


class ImportFileError(Exception):
    pass


def rows_from_text(text: str) -> list[tuple[int, str, str]]:
    """One product per line: a SKU or part number, then an amount (separated by space, tab, comma or semicolon)."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[\s,;]+", line) if p]
        rows.append((number, parts[0], parts[1] if len(parts) > 1 else ""))
    return _limited(rows)


def rows_from_file(upload: UploadedFile) -> list[tuple[int, str, str]]:
    """The first two columns of a CSV or XLSX file; a header row without an amount is skipped."""
    if upload.size > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB."))
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    if rows and not rows[0][2].strip().isdigit() and not any(ch.isdigit() for ch in rows[0][2]):
        rows = rows[1:]  # a header such as "SKU, Amount"
    return _limited(rows)


def _limited(rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(max)d lines at a time.") % {"max": MAX_ROWS})
    return rows


def _csv_rows(data: bytes) -> list[tuple[int, str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # The separator that the first lines use most (Excel writes ";" in comma-decimal locales); the
    # csv sniffer gives up on a file where one row lacks its amount.
    head = text[:4096]
    delimiter = max(",;\t", key=head.count) if any(sep in head for sep in ",;\t") else ","
    rows = []
    for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        rows.append((number, cells[0], cells[1] if len(cells) > 1 else ""))
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, str, str]]:
    from openpyxl import load_workbook

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
