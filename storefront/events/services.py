"""Every write of the events domain: a customer's contact or anyone else registers for an event.

A registration is made in one transaction that locks its event's row, so the seat count and the
double-registration check see every earlier registration; the unique constraints refuse whatever
still slips through. Each refusal raises EventError with the reason and, where it applies, the field.

The form of a person who is not a customer's contact never tells whether an email is registered: it
answers the same confirmation either way, and the owner of an address already registered gets an email
saying so instead of a second registration. A signed-in contact whose email was registered with that
form takes that registration over, so nobody can keep a contact out by registering its email first.
"""

from __future__ import annotations

from django.conf import settings
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
from storefront.throttle import throttle_key, throttle_take
from storefront.validators import NoControlCharactersValidator, has_forbidden_characters

# Registrations from one address (IP) of people who are not signed in, per hour.
VISITOR_REGISTRATIONS_PER_HOUR = 10
# "Already registered" emails to one address for one event, per hour: the form cannot be used to flood it.
ALREADY_REGISTERED_EMAILS_PER_HOUR = 2


class EventError(DomainError):
    """A registration refused, with the reason and, where it applies, the form field."""


def registration_throttle_check(*, ip: str) -> None:
    """Count one visitor registration from that address; refuse past the hourly limit."""
    if not throttle_take(throttle_key("events:register:ip", ip), VISITOR_REGISTRATIONS_PER_HOUR):
        raise EventError(_("Too many registrations were sent from your network in the last hour. Try again later."))


def _check_open(event: Event, *, seat_needed: bool = True) -> None:
    if not event.published:
        raise EventError(_("This event is not open for registration."))
    if timezone.now() >= event.starts_at:
        raise EventError(_("Registration for this event closed when it started."))
    if seat_needed and event.capacity is not None and event.registrations.count() >= event.capacity:
        raise EventError(_("This event is full: no seats are left."))


def _lock_event(event: Event) -> Event:
    # The event's row is the lock: the seat count and the duplicate checks see every earlier registration.
    return Event.objects.select_for_update().get(pk=event.pk)


def _email_context(event: Event, registration: Registration | None = None) -> dict:
    return {"registration": registration, "event": event, "site_url": getattr(settings, "SITE_URL", "")}


def _queue_confirmation(event: Event, registration: Registration) -> None:
    email_queue(to=registration.email, template="event-registered", context=_email_context(event, registration))


def _queue_already_registered(event: Event, email: str) -> None:
    # Past the limit the notice is skipped without a word: the form answers the same either way.
    if throttle_take(throttle_key(f"events:already:{event.pk}", email), ALREADY_REGISTERED_EMAILS_PER_HOUR):
        email_queue(to=email, template="event-already-registered", context=_email_context(event))


@transaction.atomic
def _register_contact(*, event: Event, contact: Contact, data: dict[str, str]) -> Registration:
    locked = _lock_event(event)
    already = EventError(_("You are already registered for this event."))
    if Registration.objects.filter(event=locked, contact=contact).exists():
        raise already
    held = Registration.objects.select_for_update().filter(event=locked, email__iexact=data["email"]).first()
    if held is not None and held.contact_id is not None:
        # Another contact's registration under this email (two users sharing an address): not to take.
        raise already
    # Taking over a form's registration keeps its seat; a new one needs a free seat.
    _check_open(locked, seat_needed=held is None)
    try:
        # A savepoint: on PostgreSQL the transaction stays usable after a constraint refuses the row.
        with transaction.atomic():
            if held is None:
                registration = Registration.objects.create(
                    event=locked, kind=Registration.Kind.CUSTOMER_CONTACT, contact=contact, **data
                )
            else:
                # Registered with the form under the contact's email (by the contact or by anyone): the
                # contact takes it over, with its own data, and gets the confirmation as a contact.
                for name, value in data.items():
                    setattr(held, name, value)
                held.kind = Registration.Kind.CUSTOMER_CONTACT
                held.contact = contact
                held.save(update_fields=["kind", "contact", *data])
                registration = held
    except IntegrityError:
        raise already from None
    _queue_confirmation(locked, registration)
    return registration


def event_register_contact(*, event: Event, contact: Contact) -> Registration:
    """"{store} customer's contact": the signed-in contact registers with its own data (or takes over its email's)."""
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
    return _register_contact(event=event, contact=contact, data=data)


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
) -> Registration | None:
    """"Not {store} customer's contact": anyone registers with the data of the form.

    The registration, or None when the email was already registered: then nothing is saved and that
    address is told by email. The caller answers the same confirmation in both cases.
    """
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
        if has_forbidden_characters(data[name]):
            raise EventError(str(NoControlCharactersValidator.message), field=name)
    try:
        validate_email(data["email"])
    except ValidationError:
        raise EventError(_("Enter a valid email address."), field="email") from None
    if country not in COUNTRIES:
        raise EventError(_("Choose one of the countries in the list."), field="country")
    data["country"] = country
    return _register_visitor(event=event, data=data)


@transaction.atomic
def _register_visitor(*, event: Event, data: dict[str, str]) -> Registration | None:
    locked = _lock_event(event)
    # Open and seats first, for everyone alike: a full event must not answer differently for a registered email.
    _check_open(locked)
    if Registration.objects.filter(event=locked, email__iexact=data["email"]).exists():
        _queue_already_registered(locked, data["email"])
        return None
    try:
        # A savepoint: on PostgreSQL the transaction stays usable after a constraint refuses the row.
        with transaction.atomic():
            registration = Registration.objects.create(
                event=locked, kind=Registration.Kind.NOT_CUSTOMER, contact=None, **data
            )
    except IntegrityError:
        # Registered by another request between the check and the insert: the same answer as above.
        _queue_already_registered(locked, data["email"])
        return None
    _queue_confirmation(locked, registration)
    return registration
