"""Who may see and touch what in volume licensing, in one place.

A contact with the licensing permission orders and follows its own account's licensing orders; a
contact with the downloads permission opens My Downloads; either may download an eCertificate. Another
account's order is a 404. The console is for staff: the sales executive of the order's account (or a
superuser); another executive's order is a 404.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.permissions import contact_required
from licensing.models import LicenceOrder
from licensing.selectors import console_order_for, vl_order_for_page

View = Callable[..., HttpResponse]


def licensing_required(view: View) -> View:
    """A contact with the volume licensing permission."""

    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.contact.can_license:
            raise PermissionDenied("This user cannot order volume licensing.")
        return view(request, *args, **kwargs)

    return wrapper


def downloads_required(view: View) -> View:
    """A contact with the downloads permission (My Downloads)."""

    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.contact.can_download:
            raise PermissionDenied("This user cannot open My Downloads.")
        return view(request, *args, **kwargs)

    return wrapper


def get_vl_order_for_contact(request: HttpRequest, number: str, *, certificate: bool = False) -> LicenceOrder:
    """A licensing order of the contact's own account; 404 for any other account's, 403 without the
    permission (licensing, or for an eCertificate licensing or downloads)."""
    contact = request.contact
    if contact is None:
        raise PermissionDenied("Only a reseller's contact can open this page.")
    order = vl_order_for_page(account_id=contact.account_id, number=number)
    if order is None:
        raise Http404("No such licensing order.")
    allowed = contact.can_license or (certificate and contact.can_download)
    if not allowed:
        raise PermissionDenied("This user cannot see volume licensing orders.")
    return order


def sales_console_required(view: View) -> View:
    """Distributor staff: a sales executive (staff) or a superuser."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("Only the distributor's sales executives can open the console.")
        return view(request, *args, **kwargs)

    return wrapper


def get_vl_order_for_executive(request: HttpRequest, number: str) -> LicenceOrder:
    """A licensing order of one of the executive's own accounts; 404 for another executive's."""
    order = console_order_for(user=request.user, number=number)
    if order is None:
        raise Http404("No such licensing order.")
    return order
