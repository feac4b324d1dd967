"""Reads of the events domain: what a visitor or a contact may see is what is published."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import Contact
from storefront.events.models import Event, Registration


def _published() -> QuerySet[Event]:
    return Event.objects.filter(published=True).annotate(taken=Count("registrations"))


def event_list_upcoming(*, country: str) -> QuerySet[Event]:
    """The country's published events that have not ended, soonest first, with their seats taken: one query."""
    return _published().filter(country=country, ends_at__gt=timezone.now()).order_by("starts_at", "id")


def event_for_page(*, pk: int) -> Event | None:
    """One published event, with its seats taken."""
    return _published().filter(pk=pk).first()


def registration_for_contact(*, event: Event, contact: Contact) -> Registration | None:
    """The contact's registration for the event: its own, or another contact's under its email.

    One made with the form under its email is not shown as its own: "Register" takes it over.
    """
    return (
        Registration.objects.filter(event=event, contact=contact).first()
        or Registration.objects.filter(event=event, email__iexact=contact.user.email, contact__isnull=False).first()
    )
