"""The PDF check of uploads (storefront.uploads.pdf): what it refuses is what a viewer would act on, what it
keeps includes the PDFs real tools write, and a hostile file costs it bounded time and memory.

The corpus (tests/storefront/upload_corpus.py) tries every file through the upload pages; these tests
look at the check itself: that a viewer (pypdf) reads the refused files' actions, so each bypass is real;
that the store's own PDFs and pypdf's pass; and the bounds.
"""

from __future__ import annotations

import io
import time
import zlib

import pytest
from pypdf import PdfReader, PdfWriter

from storefront.uploads import pdf as pdf_module
from storefront.uploads.pdf import MAX_INFLATED_BYTES, MAX_OBJECTS, MAX_OPEN_ACTIONS, PdfVerdict, pdf_inspect
from tests.storefront.upload_builders import PAGE, PAGES, catalog, pdf, pdf_with_object_stream, stream
from tests.storefront.upload_corpus import CORPUS

SAMPLES = {sample.id: sample.build(1024 * 1024) for sample in CORPUS}


@pytest.mark.parametrize(
    ("sample", "action"),
    [
        ("pdf-javascript-hex-escaped", "/JavaScript"),
        ("pdf-launch-hex-escaped", "/Launch"),
        ("pdf-javascript-in-object-stream", "/JavaScript"),
        ("pdf-launch-hex-escaped-in-object-stream", "/Launch"),
        ("pdf-javascript-in-object-stream-deflated-twice", "/JavaScript"),
        ("pdf-javascript-in-object-stream-typed-by-reference", "/JavaScript"),
        ("pdf-javascript-hidden-in-a-string", "/JavaScript"),
        ("pdf-javascript-hidden-in-stream-data", "/JavaScript"),
        ("pdf-object-stream-ascii-hex", "/JavaScript"),
        ("pdf-open-action-indirect-uri", "/URI"),
    ],
)
def test_a_viewer_runs_the_action_of_each_bypass_and_the_check_refuses_it(sample, action):
    # The file is what it claims: a viewer opening it finds the action on opening...
    reader = PdfReader(io.BytesIO(SAMPLES[sample]))
    assert reader.trailer["/Root"]["/OpenAction"].get_object()["/S"] == action
    # ...which the check refuses.
    finding = pdf_inspect(SAMPLES[sample])
    assert finding is not None


def test_each_refusal_says_what_it_found():
    assert pdf_inspect(SAMPLES["pdf-javascript-hex-escaped"]).detail == "/JavaScript"
    assert pdf_inspect(SAMPLES["pdf-launch-hex-escaped-in-object-stream"]).detail == "/Launch"
    assert pdf_inspect(SAMPLES["pdf-page-additional-actions"]).detail == "/AA"
    assert pdf_inspect(SAMPLES["pdf-file-attachment-annotation"]).detail in {"/FileAttachment", "/EF"}
    assert pdf_inspect(SAMPLES["pdf-open-action-uri"]).detail == "/OpenAction with an action"
    assert pdf_inspect(SAMPLES["pdf-object-stream-ascii-hex"]).detail == "an object stream filtered by /ASCIIHexDecode"
    assert pdf_inspect(SAMPLES["pdf-object-stream-zip-bomb"]).detail == f"object streams larger than {MAX_INFLATED_BYTES // 2**20} MB inflated"


def test_the_store_own_pdfs_and_pypdf_ones_pass():
    from storefront.pdf import pdf_write

    page = "<h1>Invoice</h1><p><a href='https://www.example.com/'>Site</a> <a href='#t'>top</a></p>" + "<p id=t>Line</p>" * 200
    weasyprint = pdf_write(page)
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    assert b"ObjStm" in weasyprint  # WeasyPrint packs its objects in an object stream
    assert pdf_inspect(weasyprint) is None
    # Protected with an owner password only (no object stream to hide in): its dictionaries are readable.
    assert pdf_inspect(encrypted.getvalue()) is None


def test_a_name_inside_a_string_or_a_comment_is_text():
    document = pdf({1: catalog(b"/Lang(en /JavaScript /Launch) % /JS /AA\n"), 2: PAGES, 3: PAGE})
    assert pdf_inspect(document) is None


def test_a_string_with_nested_and_escaped_parentheses_ends_where_a_viewer_ends_it():
    # (a (b) c \) d) is one string; the /JS after it is a name.
    document = pdf({1: catalog(b"/T(a (b) c \\) d)/JS(x)"), 2: PAGES, 3: PAGE})
    assert pdf_inspect(document).detail == "/JS"


def test_a_colour_profile_is_inflated_but_not_read_as_objects():
    # ICC profiles carry /N (their number of components), as object streams do; their data is binary.
    profile = zlib.compress(b"\x00\x00\x0c\x48lcms\x02\x10\x00\x00mntrRGB XYZ /JS /AA " + bytes(range(256)))
    document = pdf({1: catalog(), 2: PAGES, 3: PAGE, 4: b"<</N 3/Filter/FlateDecode/Length %d>>\nstream\n" % len(profile) + profile + b"\nendstream"})
    assert pdf_inspect(document) is None


def test_an_open_action_to_an_object_defined_twice_must_be_harmless_in_both():
    # An incremental update may redefine an object; a viewer takes the one its cross-reference says.
    harmless = pdf({1: catalog(b"/OpenAction 4 0 R"), 2: PAGES, 3: PAGE, 4: b"[3 0 R/Fit]"})
    redefined = harmless.replace(b"%%EOF\n", b"%%EOF\n4 0 obj\n<</S/Named/N/Print>>\nendobj\n")
    assert pdf_inspect(harmless) is None
    assert pdf_inspect(redefined).verdict is PdfVerdict.ACTIVE


def test_object_streams_share_one_bound_of_inflated_bytes():
    # Each object stream alone is under the bound; together they are over it.
    part = b"1 0 " + b" " * (MAX_INFLATED_BYTES // 3)
    first = pdf_with_object_stream({3: PAGE}, {1: catalog(), 2: PAGES}, encode=lambda content: zlib.compress(part, 9))
    several = first.replace(b"startxref", b"".join(b"%d 0 obj\n" % n + first[first.index(b"90 0 obj") + 9 : first.index(b"endobj", first.index(b"90 0 obj"))] + b"endobj\n" for n in (80, 81, 82, 83)) + b"startxref")
    assert pdf_inspect(first) is None
    assert pdf_inspect(several).verdict is PdfVerdict.UNCHECKED


@pytest.mark.parametrize(
    ("hostile", "verdict"),
    [
        # Values nested inside each other, an object header at every level: each header starts a value
        # that runs to the end of the file. Past a few readings of the file, it is refused.
        (b"%PDF-1.7\n" + b"".join(b"%d 0 obj [ " % n for n in range(1, 60000)) + b"]" * 60000, PdfVerdict.UNCHECKED),
        # A string that never closes, with an object header after every opening parenthesis.
        (b"%PDF-1.7\n" + b"1 0 obj ( 2 0 obj << /A ( " * 40000, PdfVerdict.UNCHECKED),
        # Comments and spaces a backtracking pattern would split in every possible way: read once.
        (b"%PDF-1.7\n1 " + b"% % % % % % % % % % % % % % % % % % % % % % % % % % % % % % % \n" * 20000 + b"x", None),
        # Dictionaries nested deeper than any document, never closed: counted, not recursed into.
        (b"%PDF-1.7\n1 0 obj " + b"<</A " * 100000, None),
    ],
    ids=["nested-headers", "open-strings", "comment-runs", "deep-dictionaries"],
)
def test_a_hostile_file_is_checked_in_bounded_time(hostile, verdict):
    started = time.perf_counter()
    finding = pdf_inspect(hostile)
    # Generous: the point is that none of them takes minutes (or forever), on a busy machine too.
    assert time.perf_counter() - started < 10
    assert (finding and finding.verdict) is verdict


def test_the_short_name_of_flatedecode_is_read_too():
    # Viewers accept /Fl, the inline-image abbreviation, on any stream.
    document = pdf_with_object_stream({3: PAGE}, {1: catalog(b"/OpenAction<</S/JavaScript/JS(x)>>"), 2: PAGES}, filters=b"/Filter/Fl")
    assert pdf_inspect(document).detail == "/JavaScript"


# The reading is bounded by what the file's size allows: each of these is refused as one that cannot be
# checked (or accepted) after a bounded amount of work, however its pieces are multiplied.


def test_many_open_actions_are_refused_as_unchecked_without_judging_each():
    # Every /OpenAction points to an object defined as many times: judged pair by pair, quadratic.
    n = 400
    holder = b"<</Type/Catalog/Pages 2 0 R" + b"/OpenAction 5 0 R" * n + b">>"
    document = pdf({1: holder, 2: PAGES, 3: PAGE}, tail=b"5 0 obj<</S/GoTo/D[0]>>endobj\n" * n)
    finding = pdf_inspect(document)
    assert finding.verdict is PdfVerdict.UNCHECKED
    assert finding.detail == f"more than {MAX_OPEN_ACTIONS} /OpenAction entries"


def test_an_object_defined_many_times_is_judged_once_per_number():
    # A few /OpenAction entries to one object defined many times: each definition read once, harmless.
    document = pdf({1: catalog(b"/OpenAction 5 0 R" * MAX_OPEN_ACTIONS), 2: PAGES, 3: PAGE}, tail=b"5 0 obj<</S/GoTo/D[3 0 R/Fit]>>endobj\n" * 200)
    assert pdf_inspect(document) is None


def test_reading_what_an_open_action_points_to_counts_against_the_reading_allowed():
    # Each definition of object 5 opens a string that never closes: parsing it reads to the end of the
    # file, once per definition.
    document = pdf({1: catalog(b"/OpenAction 5 0 R"), 2: PAGES, 3: PAGE}, tail=b"5 0 obj (" * 3000)
    finding = pdf_inspect(document)
    assert finding.verdict is PdfVerdict.UNCHECKED
    assert finding.detail == "more reading than its size allows"


def test_an_object_stream_declaring_millions_of_objects_is_refused_as_unchecked():
    # 16 MB inflated of "1 1 ": four million (number, offset) pairs in a 16 KB file.
    content = zlib.compress(b"1 1 " * (MAX_INFLATED_BYTES // 4 - 16), 9)
    objstm = b"<</Type/ObjStm/N 4000000/First 0/Filter/FlateDecode/Length %d>>\nstream\n" % len(content) + content + b"\nendstream"
    finding = pdf_inspect(pdf({1: catalog(), 2: PAGES, 3: PAGE, 4: objstm}))
    assert finding.verdict is PdfVerdict.UNCHECKED
    assert finding.detail == f"more than {MAX_OBJECTS} objects"
    # Without its count, the header is read only as far as the objects the file may define.
    objstm = objstm.replace(b"/N 4000000", b"")
    assert pdf_inspect(pdf({1: catalog(), 2: PAGES, 3: PAGE, 4: objstm})).detail == f"more than {MAX_OBJECTS} objects"


def test_an_object_stream_of_as_many_objects_as_allowed_still_passes():
    packed = {n: b"%d" % n for n in range(100, 100 + 20000)}
    packed[1], packed[2] = catalog(), PAGES
    assert pdf_inspect(pdf_with_object_stream({3: PAGE}, packed)) is None


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(b"%PDF-1.4\n" + b"9" * 5000 + b" 0 obj<<>>endobj\n" + pdf({1: catalog(), 2: PAGES, 3: PAGE})[9:], id="object-number"),
        pytest.param(pdf({1: catalog(b"/OpenAction " + b"9" * 5000 + b" 0 R"), 2: PAGES, 3: PAGE}), id="open-action-reference"),
        pytest.param(pdf_with_object_stream({3: PAGE}, {1: catalog(), 2: PAGES, int("9" * 50): b"1"}), id="object-stream-header"),
        pytest.param(pdf({1: catalog(), 2: PAGES, 3: PAGE, 4: stream(b"/N 1/Length " + b"9" * 5000, b"1 0 ")}), id="stream-length"),
    ],
)
def test_a_number_longer_than_any_pdf_needs_is_refused_as_unchecked(document):
    assert pdf_inspect(document).verdict is PdfVerdict.UNCHECKED


def test_leading_zeros_do_not_make_a_number_too_long():
    # A viewer reads 0000000000000000004 as 4: the object is read, its action found.
    document = pdf({1: catalog(), 2: PAGES, 3: PAGE}, tail=b"0" * 5000 + b"4 0 obj<</S/JavaScript/JS(x)>>endobj\n")
    assert pdf_inspect(document).detail == "/JavaScript"


def test_a_reading_that_fails_in_any_other_way_is_refused_as_unchecked(monkeypatch):
    def fail(scan, data):
        raise RecursionError

    monkeypatch.setattr(pdf_module, "_scan_file", fail)
    finding = pdf_inspect(pdf({1: catalog(), 2: PAGES, 3: PAGE}))
    assert finding.verdict is PdfVerdict.UNCHECKED


def test_a_value_an_open_action_points_to_is_parsed_no_further_than_the_reading_allowed():
    # One array of a million integers: parsed item by item, it would take the budget many times over.
    document = pdf({1: catalog(b"/OpenAction 5 0 R"), 2: PAGES, 3: PAGE, 5: b"[3 0 R/Fit" + b" 1" * 1_000_000 + b"]"})
    assert pdf_inspect(document).detail == "more reading than its size allows"
    # Cut short by the bound, `5 0 R` is not mistaken for the integer 5.
    scan = pdf_module._Scan(0)
    scan.work_left = pdf_module.WORK_PER_PARSED_BYTE * len(b" 5 0")
    with pytest.raises(pdf_module._Refused):
        scan.parse(pdf_module._Region(b"/OpenAction 5 0 R>>", len(b"/OpenAction")))
