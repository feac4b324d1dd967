"""A small streaming XLSX writer: one sheet, written chunk by chunk straight into the zip.

openpyxl's write-only workbook builds an object and an XML element per cell; at a hundred thousand
rows that is most of the time a Price List takes. This writer builds a whole chunk of rows with one
`str.format` per row over columns already shaped in C where nothing needs changing, and compresses
the sheet as it goes, so memory holds one chunk whatever the row count.

Text goes out as inline strings (`t="inlineStr"`): no shared-strings table to keep in memory, and an
inline string is never read as a formula or an error code. The callers guard formulas for the other
programs that read the same values (see catalog.price_lists.neutralise); this module only makes the
XML well formed: it drops the control characters XML 1.0 cannot hold and escapes the rest.
"""

from __future__ import annotations

import math
import re
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import IO, Any

from openpyxl.utils import get_column_letter

TEXT = "text"
NUMBER = "number"
TWO_DECIMALS = "two decimals"  # a number shown as #,##0.00
# Cell styles, the positions of the cellXfs in STYLES below.
_STYLE_BOLD = 1
_STYLE_TWO_DECIMALS = 2


@dataclass(frozen=True)
class Column:
    """A sheet column: what its cells hold and its width in characters."""

    kind: str = TEXT
    width: float | None = None


# --- cell values ----------------------------------------------------------------------------------

# Control characters that XML 1.0 cannot hold; lxml (and so openpyxl) refuses them.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Those dropped, the markup escaped, and "\r" as a reference, or a reader would turn it into "\n".
_ESCAPES = str.maketrans(
    {
        **dict.fromkeys(map(chr, (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))),
        "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;",
    }
)
_NEEDS_ESCAPE = re.compile(r'[\x00-\x08\x0b-\x1f&<>"]')
_SPACES = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())
_FIRST = itemgetter(slice(0, 1))
_LAST = itemgetter(slice(-1, None))
_NUMBERS = frozenset((int, float, Decimal))
# Marks a text whose leading or trailing space must be kept (Excel trims it otherwise); replaced by
# the attribute once per chunk. A NUL never survives escaping, so the mark cannot be a cell's text.
_PRESERVE_MARK = "<t>\x00"
_PRESERVE = '<t xml:space="preserve">'
# An empty text is an empty cell, as openpyxl writes it: `<is><t></t></is>` would read back as "".
_EMPTY_TEXT = "<is><t></t></is>"


def xml_escape(text: str) -> str:
    """The text escaped for XML, without the control characters XML 1.0 cannot hold."""
    return text.translate(_ESCAPES)


def xml_text(value: Any) -> str:
    """The value as the escaped content of a `<t>` element (with the mark that keeps its spaces)."""
    text = "" if value is None else xml_escape(str(value))
    if text[:1] in _SPACES or text[-1:] in _SPACES:
        return "\x00" + text
    return text


def _text_cells(column: Sequence[Any]) -> Sequence[str]:
    # Checked whole, in C: only a column with something to escape, a space to keep at either end, or a
    # value that is not text goes cell by cell.
    try:
        if (
            _SPACES.isdisjoint(map(_FIRST, column))
            and _SPACES.isdisjoint(map(_LAST, column))
            and not _NEEDS_ESCAPE.search("".join(column))
        ):
            return column
    except TypeError:  # None, a number: not text
        pass
    return [xml_text(value) for value in column]


def _number_cells(column: Sequence[Any], cell: str, first_row: int) -> list[str]:
    # Each cell whole, with its row number: an empty one is left out, as openpyxl leaves it out.
    # "%.16g", as openpyxl writes numbers: a whole Decimal price reads back as an int, as before.
    numbered = zip(range(first_row, first_row + len(column)), column)
    if set(map(type, column)) <= _NUMBERS:
        cells = list(map(cell.__mod__, numbered))
        if "n</v>" not in "".join(cells):  # no nan or inf: either would make the sheet unreadable
            return cells
        numbered = zip(range(first_row, first_row + len(column)), column)
    return [cell % (row, value) if _finite(value) else "" for row, value in numbered]


def _finite(value: Any) -> bool:
    return value is not None and math.isfinite(value)


# --- the package ----------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible</Application></Properties>"
)
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
    "</cp:coreProperties>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<bookViews><workbookView activeTab="0"/></bookViews>'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Calibri 11 as the default font and a bold one for the header; cellXfs 0 (default), 1 (bold) and
# 2 (built-in number format 4, "#,##0.00"). The two fills are the ones Excel expects first.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetViews>{view}</sheetViews>"
    '<sheetFormatPr defaultRowHeight="15"/>'
    "{cols}<sheetData>"
)
SHEET_VIEW = '<sheetView tabSelected="1" workbookViewId="0"/>'
# The header row stays in view: the pane below it scrolls.
SHEET_VIEW_FROZEN_HEADER = (
    '<sheetView tabSelected="1" workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    "</sheetView>"
)
SHEET_TAIL = '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'


def _archive_member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    member.compress_type = zipfile.ZIP_DEFLATED
    return member


class SheetWriter:
    """Writes rows to the open sheet part: a header row of bold text, then chunks of rows."""

    def __init__(self, part: IO[bytes], columns: Sequence[Column]) -> None:
        self._part = part
        self._columns = tuple(columns)
        self._next_row = 1
        # One str.format per row: a text cell takes its escaped text; a number column brings each
        # cell whole (formatted with its row and value in _number_cells), or nothing when empty.
        row, header, self._number_cells = [], [], []
        for index, column in enumerate(self._columns, 1):
            letter = get_column_letter(index)
            header.append(f'<c r="{letter}1" s="{_STYLE_BOLD}" t="inlineStr"><is><t>{{{index - 1}}}</t></is></c>')
            if column.kind == TEXT:
                row.append(f'<c r="{letter}{{0}}" t="inlineStr"><is><t>{{{index}}}</t></is></c>')
                self._number_cells.append("")
            else:
                row.append(f"{{{index}}}")
                style = f' s="{_STYLE_TWO_DECIMALS}"' if column.kind == TWO_DECIMALS else ""
                self._number_cells.append(f'<c r="{letter}%d"{style}><v>%.16g</v></c>')
        self._row = '<row r="{0}">' + "".join(row) + "</row>"
        self._header = '<row r="1">' + "".join(header) + "</row>"

    def write_header(self, titles: Sequence[Any]) -> None:
        """The first row: the titles, bold. Call it before any other row, or not at all."""
        if self._next_row != 1:
            raise ValueError("the header must be the sheet's first row")
        self._write(self._header.format(*map(xml_text, titles)))
        self._next_row = 2

    def write_columns(self, columns: Sequence[Sequence[Any]]) -> int:
        """Write one chunk of rows given column by column (all of one length); returns the row count.

        A text column holds str (or None for an empty cell), a number column int, float or Decimal
        (or None).
        """
        count = len(columns[0]) if columns else 0
        if not count:
            return 0
        cells = [
            _text_cells(values) if column.kind == TEXT else _number_cells(values, number_cell, self._next_row)
            for column, number_cell, values in zip(self._columns, self._number_cells, columns)
        ]
        numbers = map(str, range(self._next_row, self._next_row + count))
        self._write("".join(map(self._row.format, numbers, *cells)))
        self._next_row += count
        return count

    def _write(self, xml: str) -> None:
        # Empty texts and spaces to keep are rare: one pass each over the chunk, in C.
        xml = xml.replace(_EMPTY_TEXT, "").replace(_PRESERVE_MARK, _PRESERVE)
        self._part.write(xml.encode("utf-8"))


@contextmanager
def xlsx_sheet(
    stream: IO[bytes], *, title: str, columns: Sequence[Column], freeze_header: bool = False
) -> Iterator[SheetWriter]:
    """A one-sheet XLSX workbook written to a binary stream; rows go straight into the zip."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{column.width:g}" customWidth="1"/>'
        for index, column in enumerate(columns, 1)
        if column.width is not None
    )
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("docProps/app.xml", APP),
            ("docProps/core.xml", CORE.format(now=now)),
            ("xl/workbook.xml", WORKBOOK.format(title=xml_escape(title))),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ):
            archive.writestr(_archive_member(name), xml)
        with archive.open(_archive_member("xl/worksheets/sheet1.xml"), "w") as part:
            part.write(
                SHEET_HEAD.format(
                    view=SHEET_VIEW_FROZEN_HEADER if freeze_header else SHEET_VIEW,
                    cols=f"<cols>{cols}</cols>" if cols else "",
                ).encode("utf-8")
            )
            yield SheetWriter(part, columns)
            part.write(SHEET_TAIL.encode("utf-8"))
