"""Reading "Add multiple products": pasted lines, CSV and XLSX files into (line, code, amount) rows."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from orders.imports import MAX_FILE_BYTES, MAX_ROWS, ImportFileError, rows_from_file, rows_from_text


def xlsx(rows: list[list]) -> bytes:
    """A workbook made in memory, one list per row of its first sheet."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- pasted text ------------------------------------------------------------------------------------


def test_pasted_lines_split_on_spaces_tabs_commas_and_semicolons():
    text = "NB-LEN-0001 2\nLAT5440\t3\nMN-DEL-0004,1\nNB-LEN-0002;4\nNB-DEL-0003 ; 5\nNB-LEN-0001,  , 6"
    assert rows_from_text(text) == [
        (1, "NB-LEN-0001", "2"),
        (2, "LAT5440", "3"),
        (3, "MN-DEL-0004", "1"),
        (4, "NB-LEN-0002", "4"),
        (5, "NB-DEL-0003", "5"),
        (6, "NB-LEN-0001", "6"),
    ]


def test_blank_lines_are_skipped_but_keep_the_line_numbers_a_person_sees():
    text = "\n  NB-LEN-0001 2  \n\n\t\nLAT5440 1\r\n"
    assert rows_from_text(text) == [(2, "NB-LEN-0001", "2"), (5, "LAT5440", "1")]


def test_a_line_without_an_amount_keeps_an_empty_amount_for_the_service_to_refuse():
    assert rows_from_text("NB-LEN-0001\nLAT5440 two") == [(1, "NB-LEN-0001", ""), (2, "LAT5440", "two")]


def test_nothing_pasted_is_no_rows():
    assert rows_from_text("") == [] and rows_from_text(" \n \n") == []


def test_more_than_500_pasted_lines_are_refused():
    assert len(rows_from_text("\n".join(f"SKU{n} 1" for n in range(MAX_ROWS)))) == MAX_ROWS
    with pytest.raises(ImportFileError, match="At most 500 lines"):
        rows_from_text("\n".join(f"SKU{n} 1" for n in range(MAX_ROWS + 1)))


# --- CSV --------------------------------------------------------------------------------------------


def test_csv_with_a_bom_a_header_and_semicolons():
    data = "\ufeffSKU;Amount\r\nNB-LEN-0001;2\r\nLAT5440;3\r\n;\r\nMN-DEL-0004;1\r\n".encode()
    assert rows_from_file(upload("order.csv", data)) == [(2, "NB-LEN-0001", "2"), (3, "LAT5440", "3"), (5, "MN-DEL-0004", "1")]


def test_csv_with_commas_and_no_header():
    data = b"NB-LEN-0001,2\nLAT5440,3\n"
    assert rows_from_file(upload("ORDER.CSV", data)) == [(1, "NB-LEN-0001", "2"), (2, "LAT5440", "3")]


def test_csv_saved_by_a_spreadsheet_in_latin_1_is_still_read():
    data = "Código;Cantidad\nNB-LEN-0001;2\n".encode("latin-1")
    assert rows_from_file(upload("pedido.csv", data)) == [(2, "NB-LEN-0001", "2")]


def test_a_csv_row_with_an_empty_amount_keeps_an_empty_amount():
    data = b"SKU;Amount\nNB-LEN-0001;2\nLAT5440;\n"
    assert rows_from_file(upload("order.csv", data)) == [(2, "NB-LEN-0001", "2"), (3, "LAT5440", "")]


def test_a_semicolon_csv_with_a_row_missing_its_amount_is_still_read_in_two_columns():
    # A row without the separator leaves the sniffer unsure; the file is still ";"-separated, and its
    # good lines must not come out as one column ("NB-LEN-0001;2" as an unknown SKU).
    data = b"SKU;Amount\nNB-LEN-0001;2\nLAT5440\n"
    assert rows_from_file(upload("order.csv", data)) == [(2, "NB-LEN-0001", "2"), (3, "LAT5440", "")]


# --- XLSX -------------------------------------------------------------------------------------------


def test_xlsx_amounts_stored_as_floats_read_as_whole_numbers():
    data = xlsx([["SKU", "Amount"], ["NB-LEN-0001", 2.0], ["LAT5440", 3], [None, None], ["MN-DEL-0004", 1.5]])
    assert rows_from_file(upload("order.xlsx", data)) == [
        (2, "NB-LEN-0001", "2"),
        (3, "LAT5440", "3"),
        (5, "MN-DEL-0004", "1.5"),  # left as typed, for the service to refuse
    ]


def test_xlsx_numeric_skus_and_extra_columns():
    data = xlsx([[123456.0, 4, "a note"], ["NB-LEN-0001 ", " 2 ", None]])
    assert rows_from_file(upload("order.xlsx", data)) == [(1, "123456", "4"), (2, "NB-LEN-0001", "2")]


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(ImportFileError, match="cannot be read as an Excel workbook"):
        rows_from_file(upload("order.xlsx", b"NB-LEN-0001;2\n"))


def test_more_than_500_xlsx_lines_are_refused():
    rows = [["SKU", "Amount"]] + [[f"SKU{n}", n + 1] for n in range(MAX_ROWS)]
    assert len(rows_from_file(upload("order.xlsx", xlsx(rows)))) == MAX_ROWS
    with pytest.raises(ImportFileError, match="At most 500 lines"):
        rows_from_file(upload("order.xlsx", xlsx(rows + [["ONE-MORE", 1]])))


def test_xlsx_blank_rows_in_the_middle_do_not_cut_the_lines_after_them():
    # 300 lines, 300 blank rows, then 100 more lines: 400 lines, under the limit, all of them read.
    rows = [[f"A{n}", 1] for n in range(300)] + [[None, None]] * 300 + [[f"B{n}", 1] for n in range(100)]
    found = rows_from_file(upload("order.xlsx", xlsx(rows)))
    assert len(found) == 400
    assert found[-1] == (700, "B99", "1")


# --- refused files ----------------------------------------------------------------------------------


def test_a_file_over_1_mb_is_refused_before_it_is_read():
    big = upload("order.csv", b"NB-LEN-0001;1\n" * (MAX_FILE_BYTES // 14 + 1))
    assert big.size > MAX_FILE_BYTES
    with pytest.raises(ImportFileError, match="larger than 1 MB"):
        rows_from_file(big)


def test_a_file_of_exactly_1_mb_is_read():
    line = b"NB-LEN-0001;1\n"
    data = line * (MAX_FILE_BYTES // len(line))
    data += b" " * (MAX_FILE_BYTES - len(data))
    assert len(data) == MAX_FILE_BYTES
    with pytest.raises(ImportFileError, match="At most 500 lines"):  # read, then refused for its length
        rows_from_file(upload("order.csv", data))


@pytest.mark.parametrize("name", ["order.pdf", "order.xls", "order", "order.csv.exe", "order.docx"])
def test_a_wrong_file_type_is_refused(name):
    with pytest.raises(ImportFileError, match="Upload a CSV or XLSX file"):
        rows_from_file(upload(name, b"NB-LEN-0001;1\n"))
