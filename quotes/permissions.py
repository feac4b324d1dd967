"""Who may use the quotes: a contact with the quotes permission who sees prices, on its account's quotes."""

from __future__ import annotations

from functools import wraps
from typing import Callable
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.permissions import contact_required
from quotes.models import Customer, Quote
from quotes.selectors import quote_for_contact, quote_for_token

View = Callable[..., HttpResponse]


def _check(request: HttpRequest) -> None:
    contact = request.contact
    if contact is None or not (contact.can_quote and contact.can_see_prices):
        raise PermissionDenied("This user cannot make quotes.")


def quotes_required(view: View) -> View:
    """A contact with the quotes permission."""

    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _check(request)
        return view(request, *args, **kwargs)

    return wrapper


def quote_to_cart_required(view: View) -> View:
    """"Move to cart": a contact with the quotes permission that may also place orders."""

    @wraps(view)
    @quotes_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.contact.can_order:
            raise PermissionDenied("This user cannot place orders.")
        return view(request, *args, **kwargs)

    return wrapper


def get_quote_for_contact(request: HttpRequest, number: str) -> Quote:
    """A quote of the contact's own account; 404 for any other account's, 403 without the permission."""
    _check(request)
    quote = quote_for_contact(contact=request.contact, number=number)
    if quote is None:
        raise Http404("No such quote.")
    return quote


def get_quote_for_token(request: HttpRequest, token: UUID) -> Quote:
    """The quote of a PDF build, if of the contact's own account; else 404."""
    _check(request)
    quote = quote_for_token(contact=request.contact, token=token)
    if quote is None:
        raise Http404("No such quote.")
    return quote


def get_customer_for_contact(request: HttpRequest, pk: int) -> Customer:
    """A customer of the contact's own account; 404 for any other account's."""
    _check(request)
    customer = Customer.objects.filter(account_id=request.contact.account_id, pk=pk).first()
    if customer is None:
        raise Http404("No such customer.")
    return customer
