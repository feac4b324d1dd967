"""The quote PDF at 30, 100 and 300 lines against WeasyPrint alone plus the template."""

from __future__ import annotations

from bench.scenarios.heavy.common import *  # noqa: F403 - the scenarios' shared imports, constants and customers
from bench.scenarios.heavy.common import _result  # noqa: F401


# --- 4. quote PDF ---------------------------------------------------------------------------------


def pdf_quote(contact, lines: int):
    """A quote of the contact with `lines` lines of priced catalogue products and a customer."""
    from catalog.models import Price
    from quotes.models import Customer, Quote, QuoteLine

    number = f"BH-{lines}-{contact.pk}"
    quote = Quote.objects.filter(number=number).first()
    if quote is not None and quote.lines.count() == lines:
        return quote
    Quote.objects.filter(number=number).delete()
    customer, _ = Customer.objects.get_or_create(account=contact.account, company="Globex Retail",
                                                 defaults={"contact_name": "Gina Lopez", "address": "Av. Reforma 100"})
    quote = Quote.objects.create(number=number, account=contact.account, created_by=contact, currency=contact.account.currency,
                                 customer=customer, notes="Delivery in five working days.", profit_value=Decimal("12.50"))
    # At the contact's own prices (its cost), one line per product.
    prices = Price.objects.filter(price_list_id=contact.account.price_list_id).select_related("product").order_by("product_id")[:lines]
    QuoteLine.objects.bulk_create(
        QuoteLine(quote=quote, product=p.product, sku=p.product.sku, name=p.product.name, cost=p.amount, quantity=1 + n % 5)
        for n, p in enumerate(prices)
    )
    return quote


def pdf_scenario(*, tier: str, samples: int) -> list[Result]:
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from quotes.models import Quote, QuoteLine
    from quotes.pdf import quote_pdf_html, quote_pdf_render
    from storefront.pdf import pdf_base_url, pdf_url_fetcher
    from quotes.pricing import quote_priced

    contact = bench_contact()
    results, samples_by_lines = [], {}
    for lines in (30, 100, 300):
        pk = pdf_quote(contact, lines).pk
        # T's data, in memory: the quote, its people and its priced lines, loaded before timing.
        quote = Quote.objects.select_related("account", "customer", "created_by__user").get(pk=pk)
        context = {"STORE_NAME": settings.STORE_NAME, "quote": quote, "account": quote.account, "customer": quote.customer,
                   "made_by": quote.created_by, "quote_date": timezone.localdate(quote.updated_at),
                   "priced": quote_priced(quote=quote, lines=list(QuoteLine.objects.filter(quote=quote).order_by("id")))}

        def target(pk: int = pk) -> None:
            quote_pdf_render(quote=Quote.objects.get(pk=pk))

        def baseline(context: dict = context) -> None:
            html = render_to_string("quotes/pdf/quote.html", context)
            # WeasyPrint itself, with the store's fetcher (the same resources: none) and base URL.
            HTML(string=html, base_url=pdf_base_url(), url_fetcher=pdf_url_fetcher()).write_pdf()

        target_ns, base_ns = interleave(target, baseline, samples=samples, warmup=2)
        samples_by_lines[lines] = target_ns

        # Where the difference lies: the store's own part (the quote, its lines and prices from the
        # database, then the template) against T alone. Both sides then run the same WeasyPrint call on
        # the same HTML, so the rest of the ratio is WeasyPrint's time varying from one call site to the other.
        def html_from_database(pk: int = pk) -> None:
            quote_pdf_html(quote=Quote.objects.get(pk=pk))

        def html_from_memory(context: dict = context) -> None:
            render_to_string("quotes/pdf/quote.html", context)

        own_ns, t_ns = interleave(html_from_database, html_from_memory, samples=samples, warmup=2)
        own_ms = (statistics.median(own_ns) - statistics.median(t_ns)) / 1e6
        results.append(_result(
            f"pdf-{lines}", tier=tier, target_ns=target_ns, base_ns=base_ns, goal=1.1,
            label="T + WeasyPrint alone on the same HTML and fonts",
            notes=(f"quote_pdf_render of a {lines}-line quote (loaded by id) against the template rendered from data in memory"
                   f" plus WeasyPrint's write_pdf on that HTML; the store's own part (its HTML from the database, against T)"
                   f" adds {own_ms:.1f} ms, {100 * own_ms / (statistics.median(base_ns) / 1e6):.1f} % of the baseline")))
    results.append(_result(
        "pdf-300-vs-30", tier=tier, target_ns=samples_by_lines[300], base_ns=samples_by_lines[30], goal=8.0,
        label="pdf-30 (the store's own 30-line PDF)", paired=False,
        notes="quote_pdf_render at 300 lines over the same at 30 lines: the median of one over the median of the other (timed minutes apart, so not paired)"))
    return results
