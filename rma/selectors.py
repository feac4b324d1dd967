"""Reads of the RMA domain, scoped to the contact's account."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import Contact
from orders.models import Order, OrderLine
from rma.models import RmaAttachment, RmaEvent, RmaRequest, ServiceCentre


def service_centres_for_contact(*, contact: Contact) -> QuerySet[ServiceCentre]:
    """The service centres of the account's country."""
    return ServiceCentre.objects.filter(country=contact.account.country).order_by("position", "id")


def rma_list_for_account(*, contact: Contact) -> QuerySet[RmaRequest]:
    """The account's requests, newest first, with their order: one query per page."""
    return (
        RmaRequest.objects.filter(account_id=contact.account_id)
        .select_related("order")
        .only(
            "number", "sku", "product_name", "serial_number", "quantity", "state", "created_at", "updated_at",
            "closed_at", "order__number",
        )
        .order_by("-created_at", "-id")
    )


def rma_for_page(*, contact: Contact, number: str) -> RmaRequest | None:
    """One request of the contact's account, with its history and attachments."""
    return (
        RmaRequest.objects.filter(account_id=contact.account_id, number=number)
        .select_related("order", "service_centre", "created_by__user")
        .prefetch_related(
            Prefetch("events", queryset=RmaEvent.objects.select_related("actor").order_by("at", "id")),
            Prefetch("attachments", queryset=RmaAttachment.objects.order_by("id")),
        )
        .first()
    )


def order_for_claim(*, contact: Contact, number: str) -> Order | None:
    """An order of the contact's account by its number, with its lines and their products."""
    return (
        Order.objects.filter(account_id=contact.account_id, number=number.strip().upper())
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id")))
        .first()
    )
