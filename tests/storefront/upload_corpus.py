"""The upload corpus: about forty files, good and bad, built here byte by byte, for every upload of the store.

Each entry says what its content is (`kind`: pdf, jpg, png, doc, docx, or None for something no upload
takes) and why a bad one must be refused (`reason`: "type", "size" or "empty"). Sizes at and over the
limit are built per upload, since each upload has its own limit.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from tests.accounts.test_registration_documents import WORD_97, compound_file, docm, docx, jar, zip_of

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00")) + chunk(b"IEND", b"")


PNG = _png()
DOC = compound_file(WORD_97)
DOCX = docx()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>fetch('/orders/').then(r=>r.text()).then(alert)</script></body></html>"


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
    Sample("pdf-javascript", "form.pdf", _fixed(PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>")), None, "type"),
    Sample("pdf-launch", "form.pdf", _fixed(PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>")), None, "type"),
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
