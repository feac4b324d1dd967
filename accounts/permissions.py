"""Who may see and touch what in the accounts domain, in one place.

`contact_required` lets in a signed-in, active contact; `account_admin_required` also wants the
administrator flag. `get_contact_for_admin` returns a contact of the administrator's own account, and
answers 404 for any other account's contact, so nobody learns it exists.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import Contact
from accounts.selectors import contact_of_account

View = Callable[..., HttpResponse]


def contact_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.contact is None:
            raise PermissionDenied("Only a reseller's contact can open this page.")
        return view(request, *args, **kwargs)

    return wrapper


def account_admin_required(view: View) -> View:
    @wraps(view)
    @contact_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.contact.is_admin:
            raise PermissionDenied("Only an account administrator can manage contacts.")
        return view(request, *args, **kwargs)

    return wrapper


def get_contact_for_admin(request: HttpRequest, pk: int) -> Contact:
    """A contact of the signed-in contact's own account, for its administrator.

    Another account's contact is a 404 for everyone (its existence is not told), checked before the
    403 that a contact without the administrator flag gets for its own account's contacts.
    """
    me = request.contact
    if me is None:
        raise PermissionDenied("Only a reseller's contact can open this page.")
    contact = contact_of_account(account=me.account, pk=pk)
    if contact is None:
        raise Http404("No such contact.")
    if not me.is_admin:
        raise PermissionDenied("Only an account administrator can manage contacts.")
    return contact
