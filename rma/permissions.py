"""Who may file and follow RMA requests: a contact with the RMA permission, for its own account."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.permissions import contact_required
from rma.models import RmaRequest
from rma.selectors import rma_for_page

View = Callable[..., HttpResponse]


def rma_required(view: View) -> View:
    """A contact with the RMA permission."""

    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.contact.can_rma:
            raise PermissionDenied("This user cannot file RMA requests.")
        return view(request, *args, **kwargs)

    return wrapper


def get_rma_for_contact(request: HttpRequest, number: str) -> RmaRequest:
    """A request of the contact's own account; 404 for any other account's, 403 without the permission."""
    contact = request.contact
    if contact is None:
        raise PermissionDenied("Only a reseller's contact can open this page.")
    rma = rma_for_page(contact=contact, number=number)
    if rma is None:
        raise Http404("No such RMA request.")
    if not contact.can_rma:
        raise PermissionDenied("This user cannot file RMA requests.")
    return rma
