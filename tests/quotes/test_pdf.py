"""The quote's PDF, read back as text: the reseller's selling prices and totals, never its cost."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from quotes.pdf import quote_pdf_html, quote_pdf_render
from tests.quotes.factories import make_customer, make_quote

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_shows_seller_customer_selling_prices_and_totals_but_not_the_cost(contact, stocked):
    # Given a quote at 12.5 % on the notebook and an exact 499.99 on the monitor
    customer = make_customer(contact.account, company="Globex Retail", contact_name="Gina Lopez")
    quote = make_quote(
        contact,
        lines=[(stocked["thinkpad"], "14100.00", 2), (stocked["monitor"], "3500.00", 3)],
        customer=customer,
        profit_kind="percent",
        profit_value=Decimal("12.5"),
        valid_until=date(2026, 12, 31),
        notes="Delivery in five working days.",
    )
    monitor = quote.lines.get(sku="MN-DEL-0004")
    monitor.profit_kind, monitor.profit_value = "amount", Decimal("499.99")
    monitor.save()

    # When the PDF is made
    text = _text(quote_pdf_render(quote=quote))

    # Then it reads as the reseller's quote to its customer
    assert "Acme Reseller" in text and "Globex Retail" in text and "Gina Lopez" in text
    assert quote.number in text and "2026-12-31" in text and "Delivery in five working days." in text
    # at the selling prices (cost plus profit), with the line totals and the total
    assert "15,862.50" in text and "31,725.00" in text  # 14,100.00 + 12.5 %, × 2
    assert "3,999.99" in text and "11,999.97" in text  # 3,500.00 + 499.99, × 3
    assert "43,724.97 MXN" in text
    # and never the distributor's cost or the margin
    for secret in ("14,100.00", "14100", "3,500.00", "3500.00", "12.5", "499.99", "1,762.50"):
        assert secret not in text, secret


def test_the_page_and_the_pdf_round_the_same_way(contact, stocked):
    quote = make_quote(contact, lines=[(stocked["monitor"], "10.01", 3)], profit_kind="percent", profit_value=Decimal("33.33"))
    html = quote_pdf_html(quote=quote)
    assert "13.35" in html and "40.05" in html


def test_a_long_sku_wraps_inside_its_column_and_a_usual_one_stays_on_one_line(contact, stocked):
    # The lines table has fixed column widths (fast for long quotes): a 40-character SKU must wrap in
    # its column rather than run over the description.
    type(stocked["monitor"]).objects.filter(pk=stocked["monitor"].pk).update(sku="MN-DEL-0004-EXTRA-LONG-SKU-FOR-A-BUNDLE1")
    stocked["monitor"].refresh_from_db()
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1), (stocked["monitor"], "3500.00", 1)])
    page = PdfReader(io.BytesIO(quote_pdf_render(quote=quote))).pages[0]
    pieces: list[tuple[float, str]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: pieces.append((tm[4], text)) if text.strip() else None)
    usual = [x for x, text in pieces if "NB-LEN-0001" in text]
    assert usual, "the usual SKU is on one line"
    description_x = min(x for x, text in pieces if "ThinkPad" in text)
    long_parts = [(x, text) for x, text in pieces if text.strip() and text.strip() in "MN-DEL-0004-EXTRA-LONG-SKU-FOR-A-BUNDLE1"]
    assert len(long_parts) >= 2, long_parts  # wrapped over several lines
    assert all(x < description_x for x, _text in long_parts)  # each starting in the SKU column
