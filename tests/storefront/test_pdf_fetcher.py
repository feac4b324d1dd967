"""Every PDF of the store (quotes, invoices, eCertificates) loads nothing but the store's static files.

Text typed by resellers reaches the PDF templates; should markup ever get through the escaping, the
renderer must not read server files, reach services on the network or take in data: URLs
(WeasyPrint CVE-2025-68616). The shared fetcher (storefront.pdf) is spied on by `pdf_fetches`.
"""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from licensing import certificates
from orders import invoices
from quotes import pdf as quote_pdf
from quotes.pdf import quote_pdf_html, quote_pdf_render
from storefront.pdf import pdf_static_file, pdf_write
from tests.quotes.factories import make_customer, make_quote

PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()

# What an attacker would type into a field, as the issue lists it.
FILE_IMG = "<img src=file:///etc/passwd>"
REDIS_LINK = "<link rel=stylesheet href=http://127.0.0.1:6379/>"
STYLE_URL = '<p style="background: url(file:///etc/passwd)">x</p>'
DATA_IMG = f'<img src="data:image/png;base64,{PNG_1PX}">'
METADATA_IMPORT = "<style>@import url(http://169.254.169.254/latest/meta-data/);</style>"
PAYLOADS = (FILE_IMG, REDIS_LINK, STYLE_URL, DATA_IMG, METADATA_IMPORT)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_hostile_quote_fields_stay_text_and_fetch_nothing(contact, stocked, pdf_fetches):
    # Given a quote whose notes, line names and customer fields hold markup that fetches
    hostile = " ".join(PAYLOADS)
    customer = make_customer(
        contact.account, company=f"Evil {FILE_IMG}", contact_name=REDIS_LINK, address=STYLE_URL[:255], tax_id="X" * 5, phone="1"
    )
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "100.00", 1)], customer=customer, notes=hostile,
                       profit_kind="percent", profit_value=Decimal("10"))
    quote.lines.update(name=f"ThinkPad {DATA_IMG[:200]}")

    # When its HTML and its PDF are made
    html = quote_pdf_html(quote=quote)
    pdf = quote_pdf_render(quote=quote)

    # Then the autoescape kept every payload as text
    for payload in (FILE_IMG, REDIS_LINK, METADATA_IMPORT):
        assert payload not in html
    assert "&lt;img src=file:///etc/passwd&gt;" in html and "&lt;link rel=stylesheet href=http://127.0.0.1:6379/&gt;" in html
    # the renderer asked for nothing at all, and the PDF shows what was typed
    assert pdf_fetches == []
    assert pdf.startswith(b"%PDF-")
    assert "file:///etc/passwd" in _text(pdf) and "127.0.0.1:6379" in _text(pdf)


def test_markup_that_gets_through_is_refused_by_the_fetcher_and_the_pdf_still_renders(pdf_fetches):
    # Given HTML as if a template had let the payloads through unescaped
    html = f"<html><head>{REDIS_LINK}{METADATA_IMPORT}</head><body><h1>Quote</h1>{''.join(PAYLOADS)}<p>Total 10.00</p></body></html>"

    # When it is rendered by the store's one PDF writer
    pdf = pdf_write(html)

    # Then the fetcher was asked for each URL and refused every one
    asked = {url.split(",")[0] for url, _served in pdf_fetches}
    assert "file:///etc/passwd" in asked
    assert "http://127.0.0.1:6379/" in asked
    assert "http://169.254.169.254/latest/meta-data/" in asked
    assert "data:image/png;base64" in asked
    assert pdf_fetches and not any(served for _url, served in pdf_fetches)
    # and the document is still made, with its text
    assert pdf.startswith(b"%PDF-") and "Total 10.00" in _text(pdf)


def test_the_stores_own_static_files_are_served_from_disk(pdf_fetches):
    pdf = pdf_write('<html><head><link rel="stylesheet" href="/static/css/store.css"></head><body>Hello</body></html>')

    assert [served for _url, served in pdf_fetches] == [True]
    assert pdf_fetches[0][0].endswith("/static/css/store.css")
    assert "Hello" in _text(pdf)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:6379/",
        "https://evil.example/static/css/store.css",
        "http://127.0.0.1:8000/static/../../etc/passwd",
        "http://127.0.0.1:8000/static/%2e%2e/%2e%2e/etc/passwd",
        "http://127.0.0.1:8000/static/css/..%2f..%2fsettings.py",
        "http://127.0.0.1:8000/static//etc/passwd",
        "http://127.0.0.1:8000/static/css\\..\\..\\manage.py",
        "http://user:pw@127.0.0.1:8000/static/css/store.css",
        "http://127.0.0.1:8000/static/css/store.css?x=1",
        "http://127.0.0.1:8000/static/css/missing.css",
        "http://127.0.0.1:8000/admin/",
        f"data:image/png;base64,{PNG_1PX}",
    ],
)
def test_only_a_static_file_of_the_store_maps_to_a_file(settings, url):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert pdf_static_file(url) is None


def test_a_static_url_maps_to_its_file(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    path = pdf_static_file("http://127.0.0.1:8000/static/css/store.css")
    assert path is not None and path.name == "store.css" and path.is_file()


def test_no_module_but_the_shared_writer_calls_weasyprint():
    # Every PDF of the store goes through storefront.pdf; bench/ measures the renderer on its own.
    root = Path(__file__).resolve().parents[2]
    skipped = {".venv", "tests", "bench", "node_modules", "staticfiles", "media"}
    callers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skipped & set(path.relative_to(root).parts) and ("write_pdf(" in path.read_text() or "weasyprint import HTML" in path.read_text())
    )
    assert callers == ["storefront/pdf.py"]
    for module in (quote_pdf, invoices, certificates):
        assert "pdf_write(html)" in Path(module.__file__).read_text()
