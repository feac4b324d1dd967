"""Every write of the events domain: a customer's contact or anyone else registers for an event.

A registration is made in one transaction that locks its event's row, so the seat count and the
double-registration check see every earlier registration; the unique constraints refuse whatever
still slips through. Each refusal raises EventError with the reason and, where it applies, the field.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.countries import COUNTRIES
from accounts.models import Contact
from storefront.emails import email_queue
from storefront.errors import DomainError
from storefront.events.models import Event, Registration

# Registrations from one address (IP) of people who are not signed in, per hour.
VISITOR_REGISTRATIONS_PER_HOUR = 10
THROTTLE_WINDOW_SECONDS = 3600


class EventError(DomainError):
    """A registration refused, with the reason and, where it applies, the form field."""


def registration_throttle_check(*, ip: str) -> None:
    """Count one visitor registration from that address; refuse past the hourly limit."""
    key = f"events:register:{ip}"
    # add() starts the window only once; incr() is atomic on every cache backend the store uses.
    cache.add(key, 0, timeout=THROTTLE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr(): a new window
        cache.add(key, 1, timeout=THROTTLE_WINDOW_SECONDS)
        count = 1
    if count > VISITOR_REGISTRATIONS_PER_HOUR:
        raise EventError(_("Too many registrations were sent from your network in the last hour. Try again later."))


def _check_open(event: Event) -> None:
    if not event.published:
        raise EventError(_("This event is not open for registration."))
    if timezone.now() >= event.starts_at:
        raise EventError(_("Registration for this event closed when it started."))
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise EventError(_("This event is full: no seats are left."))


@transaction.atomic
def _register(*, event: Event, kind: str, contact: Contact | None, data: dict[str, str]) -> Registration:
    # The event's row is the lock: the seat count and the duplicate checks below see every earlier registration.
    locked = Event.objects.select_for_update().get(pk=event.pk)
    email = data["email"]
    duplicate_message = (
        _("You are already registered for this event.")
        if contact is not None
        else _("%(email)s is already registered for this event.") % {"email": email}
    )
    duplicate_field = None if contact is not None else "email"
    if contact is not None and Registration.objects.filter(event=locked, contact=contact).exists():
        raise EventError(duplicate_message, field=duplicate_field)
    if Registration.objects.filter(event=locked, email__iexact=email).exists():
        raise EventError(duplicate_message, field=duplicate_field)
    _check_open(locked)
    try:
        # A savepoint: on PostgreSQL the transaction stays usable after a constraint refuses the row.
        with transaction.atomic():
            registration = Registration.objects.create(event=locked, kind=kind, contact=contact, **data)
    except IntegrityError:
        raise EventError(duplicate_message, field=duplicate_field) from None
    email_queue(
        to=registration.email,
        template="event-registered",
        context={"registration": registration, "event": locked, "site_url": getattr(settings, "SITE_URL", "")},
    )
    return registration


def event_register_contact(*, event: Event, contact: Contact) -> Registration:
    """"{store} customer's contact": the signed-in contact registers with its own data."""
    user = contact.user
    data = {
        "first_name": (user.first_name or user.username)[:100],
        "last_name": (user.last_name or "")[:100],
        "company": contact.account.company_name[:200],
        "position": (contact.position or "")[:100],
        "email": user.email,
        "phone": (contact.telephone or contact.account.phone or "")[:40],
        "country": contact.account.country,
    }
    return _register(event=event, kind=Registration.Kind.CUSTOMER_CONTACT, contact=contact, data=data)


REQUIRED_VISITOR_FIELDS = {
    "first_name": 100,
    "last_name": 100,
    "company": 200,
    "position": 100,
    "email": 254,
    "phone": 40,
}


def event_register_visitor(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    company: str,
    position: str,
    email: str,
    phone: str,
    country: str,
) -> Registration:
    """"Not {store} customer's contact": anyone registers with the data of the form."""
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "company": company,
        "position": position,
        "email": email,
        "phone": phone,
    }
    data = {name: " ".join((value or "").split()) for name, value in data.items()}
    for name, limit in REQUIRED_VISITOR_FIELDS.items():
        if not data[name]:
            raise EventError(_("This field is required."), field=name)
        if len(data[name]) > limit:
            raise EventError(_("Write at most %(limit)d characters.") % {"limit": limit}, field=name)
    try:
        validate_email(data["email"])
    except ValidationError:
        raise EventError(_("Enter a valid email address."), field="email") from None
    if country not in COUNTRIES:
        raise EventError(_("Choose one of the countries in the list."), field="country")
    data["country"] = country
    return _register(event=event, kind=Registration.Kind.NOT_CUSTOMER, contact=None, data=data)
