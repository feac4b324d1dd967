"""Reading the audit trail, already scoped."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Contact
from storefront.audit.models import SecurityEvent


def security_events_for_account(*, contact: Contact) -> QuerySet[SecurityEvent]:
    """The security events of the contact's own account, newest first, for its administrators' page.

    `by_contact` tells the account's own people from the distributor's staff, whose user ids and
    addresses the page does not show.
    """
    own = Contact.objects.filter(user_id=OuterRef("actor_id"), account_id=contact.account_id)
    return (
        SecurityEvent.objects.filter(account_id=contact.account_id)
        .annotate(by_contact=Exists(own))
        .only("kind", "actor_name", "at", "ip_address", "account_id", "actor_id")
        .order_by("-at", "-id")
    )
