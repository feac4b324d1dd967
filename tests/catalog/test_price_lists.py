"""The Price List builders: columns, values, the BOM, formula neutralisation, and flat memory."""

from __future__ import annotations

import csv
import io
import random
import sys
import tempfile
import tracemalloc
import zipfile
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from catalog.price_lists import (
    neutralise,
    price_list_csv_chunks,
    price_list_headers,
    price_list_write_csv,
    price_list_write_xlsx,
)
from catalog.selectors import EXPORT_COLUMNS

HEADERS = ["Category", "Subcategory", "Name", "Brand", "Price", "Availability", "Part number", "SKU", "Attributes"]
ROWS = [
    ("Computers", "Notebooks", "ThinkPad E14", "Lenovo", Decimal("14100.00"), 12, "21K0001", "NB-LEN-0001", "RAM: 16 GB"),
    ("Computers", "Monitors", "Dell 24 Monitor", "Dell", Decimal("3500.50"), 0, "P2425H", "MN-DEL-0004", ""),
    ("Software", "", "Office “Home”, ñandú", "Microsoft", None, 0, "T5D-03", "SW-0001", "Licence: 1 PC"),
]
HOSTILE = ["=cmd()", "+1", "-2", "@x", " =SUM(A1)", "\t=1", "\r=1", "#N/A"]


def _xlsx(rows, **kwargs) -> list[list]:
    stream = io.BytesIO()
    price_list_write_xlsx(rows, stream, **kwargs)
    stream.seek(0)
    return [list(row) for row in load_workbook(stream, read_only=True).active.iter_rows(values_only=True)]


def _csv(rows, **kwargs) -> tuple[bytes, list[list[str]]]:
    stream = io.BytesIO()
    price_list_write_csv(rows, stream, **kwargs)
    data = stream.getvalue()
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# --- columns and values ----------------------------------------------------------------------------


def test_headers_follow_the_export_columns_and_are_translated():
    assert len(price_list_headers()) == len(EXPORT_COLUMNS)
    assert price_list_headers() == HEADERS
    assert price_list_headers(currency="MXN")[4] == "Price (MXN)"
    with translation.override("es"):
        assert len(price_list_headers()) == len(EXPORT_COLUMNS)


def test_xlsx_has_a_bold_header_and_one_row_per_product():
    stream = io.BytesIO()
    assert price_list_write_xlsx(iter(ROWS), stream, currency="MXN") == 3
    stream.seek(0)
    sheet = load_workbook(stream).active
    assert [cell.value for cell in sheet[1]] == HEADERS[:4] + ["Price (MXN)"] + HEADERS[5:]
    assert all(cell.font.bold for cell in sheet[1])
    assert [cell.value for cell in sheet[2]] == ["Computers", "Notebooks", "ThinkPad E14", "Lenovo", 14100, 12, "21K0001", "NB-LEN-0001", "RAM: 16 GB"]
    assert sheet["C4"].value == "Office “Home”, ñandú"
    assert sheet.max_row == 4


def test_xlsx_price_is_a_two_decimal_number_and_availability_an_integer():
    stream = io.BytesIO()
    price_list_write_xlsx(ROWS, stream)
    stream.seek(0)
    sheet = load_workbook(stream).active
    price, availability = sheet["E3"], sheet["F3"]
    assert price.data_type == "n" and price.value == pytest.approx(3500.5) and price.number_format == "#,##0.00"
    assert availability.data_type == "n" and availability.value == 0 and isinstance(availability.value, int)
    assert sheet["E4"].value is None  # no price in the account's lists: an empty cell, not 0
    assert all(sheet.cell(row=2, column=c).data_type == "s" for c in (1, 2, 3, 4, 7, 8, 9))


def test_csv_opens_with_the_bom_and_has_the_same_rows():
    data, rows = _csv(ROWS, currency="MXN")
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert rows[0] == HEADERS[:4] + ["Price (MXN)"] + HEADERS[5:]
    assert rows[1] == ["Computers", "Notebooks", "ThinkPad E14", "Lenovo", "14100.00", "12", "21K0001", "NB-LEN-0001", "RAM: 16 GB"]
    assert rows[2][4] == "3500.50"
    assert rows[3][2] == "Office “Home”, ñandú" and rows[3][4] == ""
    assert len(rows) == 4


def test_csv_comes_in_chunks_with_one_bom():
    rows = [("C", "S", f"P{i}", "B", Decimal("1.00"), i, "M", f"S{i}", "") for i in range(1200)]
    chunks = list(price_list_csv_chunks(rows, rows_per_chunk=500))
    assert len(chunks) == 3
    assert chunks[0].startswith(b"\xef\xbb\xbf") and not any(c.startswith(b"\xef\xbb\xbf") for c in chunks[1:])
    assert len(list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))) == 1201


def test_an_empty_listing_still_has_its_header():
    assert _xlsx([]) == [HEADERS]
    assert _csv([])[1] == [HEADERS]


def test_progress_is_reported_every_so_many_rows():
    rows = [("C", "S", f"P{i}", "B", Decimal("1.00"), i, "M", f"S{i}", "") for i in range(25)]
    for write in (price_list_write_xlsx, price_list_write_csv):
        seen: list[int] = []
        assert write(rows, io.BytesIO(), on_progress=seen.append, progress_every=10) == 25
        assert seen == [10, 20]


# --- no file carries a formula ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd()", "'=cmd()"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("  =1+1", "'  =1+1"),
        ("\t=1", "'\t=1"),
        ("\rabc", "'\rabc"),
        ("\tplain", "'\tplain"),
        ("ThinkPad", "ThinkPad"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_what_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected


def test_xlsx_cells_that_look_like_formulas_are_text():
    rows = [(v, v, v, v, Decimal("1.00"), 1, v, v, v) for v in HOSTILE]
    stream = io.BytesIO()
    price_list_write_xlsx(rows, stream)
    stream.seek(0)
    sheet = load_workbook(stream).active
    for index, value in enumerate(HOSTILE, 2):
        for column in (1, 2, 3, 4, 7, 8, 9):
            cell = sheet.cell(row=index, column=column)
            assert cell.data_type == "s", (value, cell.data_type)
            # Written through lxml, a carriage return is escaped and reads back as itself.
            assert cell.value == neutralise(value)
    assert sheet["A2"].value == "'=cmd()" and sheet["A3"].value == "'+1" and sheet["A4"].value == "'-2" and sheet["A5"].value == "'@x"
    # And no formula anywhere in the sheet's XML.
    stream.seek(0)
    xml = zipfile.ZipFile(stream).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_drops_control_characters_it_cannot_hold_before_neutralising():
    rows = [("\x01=cmd()", "ok\x0bok", "n", "b", None, 0, "m", "s", "")]
    assert _xlsx(rows)[1][:2] == ["'=cmd()", "okok"]


def test_csv_cells_that_look_like_formulas_are_neutralised():
    rows = [(v, v, v, v, Decimal("1.00"), 1, v, v, v) for v in HOSTILE]
    _data, written = _csv(rows)
    for row, value in zip(written[1:], HOSTILE):
        assert row[0] == neutralise(value) and row[8] == neutralise(value)
    assert [row[0] for row in written[1:5]] == ["'=cmd()", "'+1", "'-2", "'@x"]


# --- memory stays flat in the number of rows -------------------------------------------------------


def _generated(count: int) -> Iterator[tuple]:
    for i in range(count):
        yield ("Computers", "Notebooks", f"Notebook model {i} 14 inch", "Lenovo", Decimal("12345.67"), i % 40, f"MPN-{i:07d}", f"SKU{i:08d}", "RAM: 16 GB; Storage: 512 GB")


def _peak(write, count: int) -> int:
    with tempfile.TemporaryFile() as stream:
        tracemalloc.start()
        try:
            write(_generated(count), stream)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("write", [price_list_write_xlsx, price_list_write_csv], ids=["xlsx", "csv"])
def test_memory_does_not_grow_with_the_number_of_rows(write):
    # Five times the rows, not five times the memory (tracing slows openpyxl: sizes kept modest).
    small, large = _peak(write, 4_000), _peak(write, 20_000)
    assert large <= small * 1.5, f"peak {large:,} bytes for 20k rows against {small:,} for 4k"


# --- the fast paths write what the careful ones would ----------------------------------------------


def test_every_character_neutralise_looks_past_is_in_the_guarded_first_characters():
    from catalog.price_lists import _GUARDED_FIRST

    whitespace = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert whitespace <= _GUARDED_FIRST
    assert neutralise("\u3000=1") == "'\u3000=1" and neutralise("\xa0+1") == "'\xa0+1"


def test_rows_from_sqlite_with_float_prices_and_odd_cells_write_like_decimal_rows():
    # SQLite gives a price as an int or a float; a text cell may be missing or not text.
    given = [
        ("C", None, "=x", "B", 3500.5, 2, 12, "S1", "a"),
        ("C", "S", "N", None, 14100, None, "M", "S2", ""),
        ("C", "S", "N", "B", 1234.57, True, "M", "S3", "x"),
    ]
    as_decimals = [(*row[:4], Decimal(str(row[4])), *row[5:]) for row in given]
    assert _csv(given)[0] == _csv(as_decimals)[0]
    assert _csv(given)[1][1:] == [
        ["C", "", "'=x", "B", "3500.50", "2", "12", "S1", "a"],
        ["C", "S", "N", "", "14100.00", "0", "M", "S2", ""],
        ["C", "S", "N", "B", "1234.57", "1", "M", "S3", "x"],
    ]
    assert _xlsx(given) == _xlsx(as_decimals)


def test_xlsx_rows_each_keep_their_own_price_and_format():
    rows = [("C", "S", f"N{i}", "B", Decimal(i) + Decimal("0.25"), i, "M", f"S{i}", "") for i in range(50)]
    stream = io.BytesIO()
    price_list_write_xlsx(rows, stream)
    stream.seek(0)
    sheet = load_workbook(stream).active
    assert [sheet.cell(row=i + 2, column=5).value for i in range(50)] == [i + 0.25 for i in range(50)]
    assert all(sheet.cell(row=i + 2, column=5).number_format == "#,##0.00" for i in range(50))
    assert all(sheet.cell(row=i + 2, column=6).number_format == "General" for i in range(50))


def test_csv_is_written_byte_for_byte_as_csv_writer_would_write_it():
    # The store builds the CSV text itself, column by column: it must quote, double quotes and end
    # lines exactly as csv.writer's default dialect, for whatever a text holds.
    texts = ["a,b", 'say "hi"', '"', '""', ",", "line\nbreak", "cr\rcr", "crlf\r\n", "", " ", "tab\tin", "semi;colon",
             "Office “Home”, ñandú", "=1,2", '-"q"', "\u2028sep", "😀"]
    rng = random.Random(7)
    texts += ["".join(rng.choice(',"\r\n\t =+-@a;\'\x0b\xa0\u3000ñ😀') for _ in range(rng.randint(0, 8))) for _ in range(300)]
    prices = [Decimal("1.50"), None, 2.5, 14100, "12.5"]
    rows = [(t, "S", t, None, prices[i % 5], i if i % 3 else None, t, f"S{i}", t) for i, t in enumerate(texts)]
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(price_list_headers(currency="MXN"))
    for i, t in enumerate(texts):
        price = ["1.50", "", "2.50", "14100.00", "12.50"][i % 5]
        writer.writerow([neutralise(t), "S", neutralise(t), "", price, i if i % 3 else 0, neutralise(t), f"S{i}", neutralise(t)])
    for rows_per_chunk in (1, 7, 500):
        data = b"".join(price_list_csv_chunks(rows, currency="MXN", rows_per_chunk=rows_per_chunk))
        assert data == b"\xef\xbb\xbf" + expected.getvalue().encode("utf-8")


def test_attributes_text_joins_names_and_values_whatever_the_values():
    from catalog.selectors import _attributes_texts, attributes_text

    raws = ('{"RAM": "16 GB", "Screen": "6.6\\""}', '{"Cores": 8, "Touch": true, "Ports": null}', None, "{}", "null")
    assert _attributes_texts(raws) == ['RAM: 16 GB; Screen: 6.6"', "Cores: 8; Touch: True; Ports: None", "", "", ""]
    assert _attributes_texts(raws[:1] + raws[3:4]) == ['RAM: 16 GB; Screen: 6.6"', ""]
    assert attributes_text({"RAM": "8 GB"}) == "RAM: 8 GB"


# --- the store's XLSX writer ----------------------------------------------------------------------


def _sheet(rows, *, read_only: bool = False, **kwargs):
    stream = io.BytesIO()
    price_list_write_xlsx(rows, stream, **kwargs)
    stream.seek(0)
    return load_workbook(stream, read_only=read_only).active


def test_xlsx_text_with_markup_characters_reads_back_as_written():
    texts = ['<b>Tom & Jerry</b>', 'a "quoted" \'name\'', "&amp; stays &amp;", "{0} %s %d", "€ ñ 日本 😀", "line\nbreak", "cr\r\nlf"]
    rows = [(t, "S", t, "B", Decimal("1.00"), 1, "M", f"S{i}", t) for i, t in enumerate(texts)]
    sheet = _sheet(rows)
    assert [sheet.cell(row=i, column=3).value for i in range(2, len(texts) + 2)] == texts
    assert [sheet.cell(row=i, column=9).data_type for i in range(2, len(texts) + 2)] == ["s"] * len(texts)


def test_xlsx_keeps_spaces_at_either_end_of_a_text():
    rows = [("C", " lead", "trail ", "\u3000wide", Decimal("1.00"), 1, "both  ", "S", " ")]
    stream = io.BytesIO()
    price_list_write_xlsx(rows, stream)
    assert _xlsx(rows)[1][1:4] == [" lead", "trail ", "\u3000wide"] and _xlsx(rows)[1][6:] == ["both  ", "S", " "]
    xml = zipfile.ZipFile(stream).read("xl/worksheets/sheet1.xml").decode()
    # Excel trims the text of a <t> without the attribute.
    assert '<t xml:space="preserve">trail </t>' in xml and '<t xml:space="preserve"> </t>' in xml and "\x00" not in xml


def test_xlsx_drops_control_characters_anywhere_and_keeps_tabs_and_line_breaks():
    rows = [("a\x00b\x1fc", "x\ty", "p\nq", "\x0c", None, 0, "m\x08", "s", "\x1b[31mred")]
    assert _xlsx(rows)[1] == ["abc", "x\ty", "p\nq", None, None, 0, "m", "s", "[31mred"]


def test_xlsx_error_codes_and_formulas_stay_text_in_both_readers():
    texts = ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "=1+1", "=HYPERLINK(\"http://x\")", "+1", "TRUE", "1.5", "007"]
    rows = [(t, t, t, t, None, 0, t, t, t) for t in texts]
    for read_only in (False, True):
        sheet = _sheet(rows, read_only=read_only)
        values = [row[0].value for row in sheet.iter_rows(min_row=2)]
        assert values == [neutralise(t) for t in texts]
        assert all(row[0].data_type == "s" and row[8].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_xlsx_numbers_read_back_as_openpyxl_wrote_them():
    prices = [Decimal("14100.00"), Decimal("3500.50"), Decimal("-0.25"), 12, 2.5, None, Decimal("NaN"), Decimal("1234567890.12")]
    rows = [("C", "S", f"N{i}", "B", price, i, "M", f"S{i}", "") for i, price in enumerate(prices)]
    written = [row[4] for row in _xlsx(rows)[1:]]
    assert written == [14100, 3500.5, -0.25, 12, 2.5, None, None, 1234567890.12]
    assert isinstance(written[0], int) and isinstance(written[1], float)
    sheet = _sheet(rows)
    assert [sheet.cell(row=i, column=6).value for i in range(2, len(prices) + 2)] == list(range(len(prices)))


def test_xlsx_has_the_column_widths_and_keeps_the_header_in_view():
    sheet = _sheet(ROWS)
    assert sheet.freeze_panes == "A2"
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"] == [22, 22, 48, 16, 14, 12, 20, 18, 60]
    assert sheet.title == "Price List"


def test_xlsx_reads_the_same_with_both_openpyxl_readers():
    rows = ROWS + [(v, v, v, v, Decimal("1.00"), 1, v, v, v) for v in HOSTILE]
    stream = io.BytesIO()
    price_list_write_xlsx(rows, stream, currency="MXN")
    stream.seek(0)
    full = [[cell.value for cell in row] for row in load_workbook(stream).active.iter_rows()]
    assert full == _xlsx(rows, currency="MXN")


def test_xlsx_parts_are_well_formed_xml_and_all_declared():
    from xml.etree import ElementTree

    stream = io.BytesIO()
    price_list_write_xlsx(ROWS + [("<&>", '"', "\r", " x ", None, 0, "", "", "")], stream)
    archive = zipfile.ZipFile(stream)
    assert archive.testzip() is None
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    for name in archive.namelist():
        ElementTree.fromstring(archive.read(name))
    types = archive.read("[Content_Types].xml").decode()
    assert all(f'PartName="/{name}"' in types for name in archive.namelist() if not name.endswith(".rels") and name != "[Content_Types].xml")


def test_xlsx_sheet_writer_wants_the_header_first():
    from catalog import xlsx

    with xlsx.xlsx_sheet(io.BytesIO(), title="T", columns=[xlsx.Column()]) as sheet:
        assert sheet.write_columns([["a", "b"]]) == 2
        with pytest.raises(ValueError):
            sheet.write_header(["Title"])


def test_xlsx_memory_stays_flat_at_ten_times_the_rows():
    # The chunk in hand and the compressor's window, whatever the row count.
    small, large = _peak(price_list_write_xlsx, 5_000), _peak(price_list_write_xlsx, 50_000)
    assert large <= small * 1.2, f"peak {large:,} bytes for 50k rows against {small:,} for 5k"
