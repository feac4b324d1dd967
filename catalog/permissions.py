"""Who may see and touch what in the catalog, in one place.

The Price List needs a signed-in contact who may see prices (`price_list_required`), and each file
belongs to the contact who asked for it: `get_export_for_contact` answers 404 for anyone else's, a
colleague's of the same account included, so nobody learns it exists.
"""

from __future__ import annotations

from functools import wraps
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.permissions import View, contact_required
from catalog.exports import price_list_export_for_contact
from catalog.models import PriceListExport
from catalog.selectors import Pricing


def price_list_required(view: View) -> View:
    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if Pricing.for_contact(request.contact) is None:
            raise PermissionDenied("Only a contact who may see prices can download a Price List.")
        return view(request, *args, **kwargs)

    return wrapper


def get_export_for_contact(request: HttpRequest, token: UUID) -> PriceListExport:
    """One of the signed-in contact's own Price List files; 404 for anyone else's."""
    export = price_list_export_for_contact(contact=request.contact, token=token)
    if export is None:
        raise Http404("No such file.")
    return export
