"""Reads of the quotes domain, scoped to the contact's account."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import Contact
from quotes.models import Customer, Quote, QuoteEvent, QuoteLine
from quotes.pricing import PricedQuote, quote_priced


def quote_for_contact(*, contact: Contact, number: str) -> Quote | None:
    """One quote of the contact's account with its lines, customer and maker: two queries."""
    return (
        Quote.objects.filter(account_id=contact.account_id, number=number)
        .select_related("customer", "created_by__user")
        .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.order_by("id")))
        .first()
    )


def quote_for_token(*, contact: Contact, token) -> Quote | None:
    """The quote whose PDF build has that token, if it is of the contact's account."""
    return Quote.objects.filter(account_id=contact.account_id, pdf_token=token).first()


def quote_history(*, quote: Quote) -> list[QuoteEvent]:
    """The quote's events, oldest first, with who made each: one query."""
    return list(QuoteEvent.objects.filter(quote=quote).select_related("actor").order_by("at", "id"))


def current_quote_number(*, contact: Contact) -> str | None:
    return Quote.objects.filter(current_for=contact).values_list("number", flat=True).first()


def quote_priced_for_page(*, quote: Quote) -> PricedQuote:
    """The quote at the reseller's selling prices, from its prefetched lines (no query)."""
    return quote_priced(quote=quote, lines=quote.lines.all())


def quote_list_for_account(*, contact: Contact) -> QuerySet[Quote]:
    """The account's quotes (every contact's), newest first, with their lines for the totals."""
    return (
        Quote.objects.filter(account_id=contact.account_id)
        .select_related("customer", "created_by__user")
        .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.order_by("id")))
        .order_by("-created_at", "-id")
    )


def customers_for_account(*, contact: Contact) -> list[Customer]:
    """The account's own customers, by company: one query."""
    return list(Customer.objects.filter(account_id=contact.account_id).order_by("company", "id"))
