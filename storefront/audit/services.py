"""Writing the audit trail: `security_event_record`, one INSERT in the caller's transaction.

The services that change what the trail follows call it beside their own writes, so the event is
committed with the change or not at all. They do not take the request: the address comes from the request
being served (AuditRequestMiddleware keeps it for the thread), read the way sign-in throttling reads it
(storefront.throttle.client_ip, so TRUSTED_PROXY_COUNT applies). Work outside a request (a Celery task, a
management command) records no address.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from typing import Any

from django.db.models import Subquery
from django.http import HttpRequest

from accounts.models import Account, Contact, User
from storefront.audit.models import SecurityEvent
from storefront.throttle import client_ip

Kind = SecurityEvent.Kind

# The request being served, set by storefront.audit.middleware.AuditRequestMiddleware.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def request_address(request: HttpRequest | None) -> str | None:
    """The client's address of that request as the throttles read it, or None when there is none to trust."""
    if request is None:
        return None
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # "unknown": no address the proxy settings trust
        return None


def _account_of(user: User | None) -> Any:
    """The account of the user's contact: the loaded one, else a subquery inside the INSERT itself."""
    if user is None or user.pk is None:
        return None
    if "contact" in user._state.fields_cache:
        contact = user._state.fields_cache["contact"]
        return contact.account_id if contact is not None else None
    return Subquery(Contact.objects.filter(user_id=user.pk).values("account_id")[:1])


def security_event_record(
    *,
    kind: str,
    actor: User | Contact | None = None,
    account: Account | int | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> SecurityEvent:
    """Append one event to the trail (one INSERT); the account defaults to the actor's contact's."""
    user = actor.user if isinstance(actor, Contact) else actor
    if account is None and isinstance(actor, Contact):
        account = actor.account_id
    if isinstance(account, Account):
        account = account.pk
    if account is None:
        account = _account_of(user)
    event = SecurityEvent(
        kind=kind,
        actor_id=user.pk if user is not None else None,
        actor_name=user.get_username() if user is not None else "",
        account_id=account,
        ip_address=request_address(request if request is not None else current_request.get()),
        detail=detail or {},
    )
    event.save()
    if hasattr(account, "resolve_expression"):
        # The INSERT computed the account: leave the field deferred, so it is read if ever needed.
        event.__dict__.pop("account_id", None)
    return event
