"""The quote as a PDF for the reseller's customer: WeasyPrint from templates/quotes/pdf/quote.html.

The reseller's company is the seller; each line shows the selling price only, never the cost or the
margin.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from quotes.models import Quote, QuoteLine
from quotes.pricing import quote_priced


def quote_pdf_html(*, quote: Quote) -> str:
    """The HTML the PDF is made from."""
    priced = quote_priced(quote=quote, lines=QuoteLine.objects.filter(quote=quote).order_by("id"))
    return render_to_string(
        "quotes/pdf/quote.html",
        {
            "STORE_NAME": settings.STORE_NAME,
            "quote": quote,
            "priced": priced,
            "account": quote.account,
            "customer": quote.customer,
            "made_by": quote.created_by,
            "quote_date": timezone.localdate(quote.updated_at),
        },
    )


def quote_pdf_render(*, quote: Quote) -> bytes:
    """The quote as PDF bytes, nothing fetched."""
    html = quote_pdf_html(quote=quote)
    # Imported here: WeasyPrint takes most of a second to load, which only PDF makers should pay.
    from storefront.pdf import pdf_write

    return pdf_write(html)
