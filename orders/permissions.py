"""Who may use the cart, place orders and see the account's transactions."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.permissions import contact_required
from orders.models import Invoice, Order
from orders.selectors import invoice_for_contact, order_for_page

View = Callable[..., HttpResponse]


def cart_required(view: View) -> View:
    """A contact that sees prices and may order or quote."""

    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        contact = request.contact
        if not (contact.can_see_prices and (contact.can_order or contact.can_quote)):
            raise PermissionDenied("This user cannot buy.")
        return view(request, *args, **kwargs)

    return wrapper


def order_required(view: View) -> View:
    """A contact that may place orders (Generate Order, Finish order)."""

    @wraps(view)
    @cart_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.contact.can_order:
            raise PermissionDenied("This user cannot place orders.")
        return view(request, *args, **kwargs)

    return wrapper


def transactions_required(view: View) -> View:
    """A contact that may see the account's orders: one that orders, or sees invoices and transactions."""

    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        contact = request.contact
        if not (contact.can_order or contact.can_invoice or contact.is_admin):
            raise PermissionDenied("This user cannot see the account's transactions.")
        return view(request, *args, **kwargs)

    return wrapper


def order_cancel_required(view: View) -> View:
    """A contact that sees the account's orders and may place them: only such a contact cancels one.

    The service refuses the others too; checking here answers them 403 like every other missing
    permission, before the order is looked up.
    """

    @wraps(view)
    @transactions_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.contact.can_order:
            raise PermissionDenied("This user cannot cancel orders.")
        return view(request, *args, **kwargs)

    return wrapper


def invoices_required(view: View) -> View:
    """A contact that may see the account's invoices and statement: "invoices" permission or administrator."""

    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        contact = request.contact
        if not (contact.can_invoice or contact.is_admin):
            raise PermissionDenied("This user cannot see the account's invoices.")
        return view(request, *args, **kwargs)

    return wrapper


def get_order_for_contact(request: HttpRequest, number: str) -> Order:
    """An order of the contact's own account; 404 for any other account's."""
    order = order_for_page(contact=request.contact, number=number)
    if order is None:
        raise Http404("No such order.")
    return order


def get_invoice_for_contact(request: HttpRequest, number: str) -> Invoice:
    """An invoice of the contact's own account; 404 for any other account's."""
    invoice = invoice_for_contact(contact=request.contact, number=number)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice
