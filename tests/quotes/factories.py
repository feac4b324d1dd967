from __future__ import annotations

from decimal import Decimal

from quotes.models import Customer, Quote, QuoteLine


def make_quote(contact, *, lines=(), current=False, customer=None, **fields) -> Quote:
    """A quote of the contact's account with lines given as (product, cost, quantity)."""
    quote = Quote.objects.create(
        number=f"tmp-{Quote.objects.count()}-{contact.pk}",
        account=contact.account,
        created_by=contact,
        currency=contact.account.currency,
        current_for=contact if current else None,
        customer=customer,
        **fields,
    )
    quote.number = f"Q{quote.pk:08d}"
    quote.save(update_fields=["number"])
    for product, cost, quantity in lines:
        QuoteLine.objects.create(quote=quote, product=product, sku=product.sku, name=product.name, cost=Decimal(cost), quantity=quantity)
    return quote


def make_customer(account, **fields) -> Customer:
    values = {"company": "Globex Retail", "contact_name": "Gina Lopez", "tax_id": "GLX010101AAA", "address": "Av. Reforma 100", "email": "gina@globex.test", "phone": "+52 55 1111 2222"}
    values.update(fields)
    return Customer.objects.create(account=account, **values)
