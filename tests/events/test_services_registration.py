"""Registering for an event: a customer's contact with its own data, anyone else with the form."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from storefront.events import services
from storefront.events.models import Registration
from storefront.events.services import EventError
from storefront.models import OutboundEmail
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_a_contact_registers_with_the_data_of_its_contact_and_account(event, contact):
    registration = services.event_register_contact(event=event, contact=contact)

    assert registration.kind == Registration.Kind.CUSTOMER_CONTACT and registration.contact == contact
    assert (registration.first_name, registration.last_name, registration.email) == ("Carlos", "Bermudez", "carlos@acme.test")
    assert registration.company == "Acme Reseller" and registration.position == "Buyer"
    assert registration.country == "MX" and registration.phone == contact.telephone


def test_a_visitor_registers_with_the_form_data_tidied(event, visitor_data):
    registration = services.event_register_visitor(event=event, **{**visitor_data, "company": "  Outside   Co "})

    assert registration.kind == Registration.Kind.NOT_CUSTOMER and registration.contact is None
    assert registration.company == "Outside Co" and registration.email == "vera@outside.test" and registration.country == "US"


def test_the_confirmation_email_is_stored_and_its_delivery_queued_only_after_commit(event, visitor_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.event_register_visitor(event=event, **visitor_data)
        assert mail.outbox == []

    email = OutboundEmail.objects.get(to="vera@outside.test")
    assert "Notebook launch" in email.subject and "Hello Vera" in email.body_text
    assert "Hotel Camino Real, Ciudad de México" in email.body_text
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_confirmation_email_is_sent_when_the_transaction_commits(event, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register_contact(event=event, contact=contact)

    assert [message.to for message in mail.outbox] == [["carlos@acme.test"]]
    assert "customer's contact" in mail.outbox[0].body


def test_the_email_shows_the_time_in_the_events_country(contact):
    # 16:00 UTC is 10:00 in Mexico City (no daylight saving time since 2022).
    event = EventFactory(country="MX", starts_at="2030-03-05T16:00:00Z", ends_at="2030-03-05T19:00:00Z")
    services.event_register_contact(event=event, contact=contact)
    body = OutboundEmail.objects.get(to="carlos@acme.test").body_text
    assert "March 5, 2030, 10 a.m." in body and "local time in Mexico" in body


def test_a_failed_registration_queues_no_email(event, visitor_data):
    with pytest.raises(EventError):
        services.event_register_visitor(event=event, **{**visitor_data, "email": "not-an-email"})
    assert not OutboundEmail.objects.exists()


def test_the_same_email_twice_whatever_its_case_saves_nothing_and_tells_that_address(event, visitor_data):
    first = services.event_register_visitor(event=event, **visitor_data)

    again = services.event_register_visitor(event=event, **{**visitor_data, "email": "VERA@Outside.TEST", "first_name": "V."})

    # No refusal for the form to show: it answers as if registered, and nothing changes.
    assert again is None
    assert list(Registration.objects.values_list("pk", "first_name")) == [(first.pk, "Vera")]
    notice = OutboundEmail.objects.get(to="VERA@Outside.TEST")
    assert notice.subject == "WebStore: you are already registered for Notebook launch"
    assert "already registered for this event, so nothing was changed" in notice.body_text
    assert "Hotel Camino Real, Ciudad de México" in notice.body_text and "If it was not you" in notice.body_html
    assert OutboundEmail.objects.filter(to="vera@outside.test").count() == 1  # the first confirmation only


def test_the_already_registered_notice_is_queued_only_after_commit(event, visitor_data, django_capture_on_commit_callbacks):
    RegistrationFactory(event=event, email="vera@outside.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.event_register_visitor(event=event, **visitor_data)
        assert mail.outbox == []
    assert len(callbacks) == 1 and OutboundEmail.objects.filter(to="vera@outside.test").count() == 1


def test_the_already_registered_notice_goes_at_most_twice_an_hour_to_one_address(event, visitor_data):
    RegistrationFactory(event=event, email="vera@outside.test")
    with time_machine.travel("2030-01-01T10:00:00Z", tick=False) as traveller:
        event.starts_at, event.ends_at = timezone.now() + timedelta(days=5), timezone.now() + timedelta(days=5, hours=2)
        event.save()
        for _attempt in range(5):
            assert services.event_register_visitor(event=event, **visitor_data) is None
        assert OutboundEmail.objects.filter(to="vera@outside.test").count() == services.ALREADY_REGISTERED_EMAILS_PER_HOUR
        traveller.shift(timedelta(minutes=61))
        services.event_register_visitor(event=event, **visitor_data)
    assert OutboundEmail.objects.filter(to="vera@outside.test").count() == services.ALREADY_REGISTERED_EMAILS_PER_HOUR + 1


def test_a_full_event_answers_the_form_the_same_for_a_registered_and_a_new_email(visitor_data):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, email="vera@outside.test")

    for email in ["vera@outside.test", "new@outside.test"]:
        with pytest.raises(EventError, match="This event is full"):
            services.event_register_visitor(event=event, **{**visitor_data, "email": email})
    assert not OutboundEmail.objects.exists()


def test_a_contact_registering_twice_is_refused(event, contact):
    services.event_register_contact(event=event, contact=contact)

    with pytest.raises(EventError, match="You are already registered"):
        services.event_register_contact(event=event, contact=contact)
    assert Registration.objects.count() == 1


def test_a_contact_takes_over_a_registration_made_with_the_form_under_its_email(event, contact, visitor_data):
    # Given someone registered Carlos's email with the form, under another name and company.
    squatted = services.event_register_visitor(
        event=event, **{**visitor_data, "first_name": "Mallory", "last_name": "Squatter", "company": "Squat Inc", "email": "Carlos@Acme.test"}
    )

    # When Carlos registers as a customer's contact.
    registration = services.event_register_contact(event=event, contact=contact)

    # Then the same registration (its seat) is now his, with his own data, and he gets his confirmation.
    assert registration.pk == squatted.pk and Registration.objects.count() == 1
    registration.refresh_from_db()
    assert registration.contact == contact and registration.kind == Registration.Kind.CUSTOMER_CONTACT
    assert (registration.first_name, registration.last_name, registration.company) == ("Carlos", "Bermudez", "Acme Reseller")
    assert (registration.email, registration.position, registration.country) == ("carlos@acme.test", "Buyer", "MX")
    confirmation = OutboundEmail.objects.filter(to="carlos@acme.test").get()
    assert "Hello Carlos" in confirmation.body_text and "customer's contact" in confirmation.body_text
    assert "Mallory" not in confirmation.body_text


def test_a_contact_takes_over_its_emails_registration_even_when_the_event_is_full(contact, visitor_data):
    event = EventFactory(capacity=1)
    squatted = services.event_register_visitor(event=event, **{**visitor_data, "email": "carlos@acme.test"})

    registration = services.event_register_contact(event=event, contact=contact)

    assert registration.pk == squatted.pk and registration.contact == contact and event.registrations.count() == 1


def test_a_contact_cannot_take_over_its_emails_registration_once_the_event_started(contact, visitor_data):
    event = EventFactory(starts_at="2030-06-01T15:00:00Z", ends_at="2030-06-01T18:00:00Z")
    with time_machine.travel("2030-06-01T14:00:00Z", tick=False):
        services.event_register_visitor(event=event, **{**visitor_data, "email": "carlos@acme.test"})
    with time_machine.travel("2030-06-01T15:00:00Z", tick=False):
        with pytest.raises(EventError, match="closed when it started"):
            services.event_register_contact(event=event, contact=contact)
    assert Registration.objects.get().contact is None


def test_a_contact_does_not_take_over_another_contacts_registration_under_the_same_email(event, contact, admin_contact):
    RegistrationFactory(event=event, kind=Registration.Kind.CUSTOMER_CONTACT, contact=admin_contact, email="carlos@acme.test")

    with pytest.raises(EventError, match="You are already registered"):
        services.event_register_contact(event=event, contact=contact)
    assert Registration.objects.get().contact == admin_contact


def test_the_form_with_a_contacts_email_after_the_contact_registered_changes_nothing(event, contact, visitor_data):
    registration = services.event_register_contact(event=event, contact=contact)

    assert services.event_register_visitor(event=event, **{**visitor_data, "email": "carlos@acme.test"}) is None

    registration.refresh_from_db()
    assert registration.contact == contact and registration.first_name == "Carlos" and Registration.objects.count() == 1
    assert OutboundEmail.objects.filter(to="carlos@acme.test", subject__contains="already registered").count() == 1


def test_the_same_person_may_register_for_two_events(event, contact):
    services.event_register_contact(event=event, contact=contact)
    services.event_register_contact(event=EventFactory(), contact=contact)
    assert Registration.objects.filter(contact=contact).count() == 2


def test_the_database_refuses_a_double_registration_that_slips_past_the_checks(event):
    RegistrationFactory(event=event, email="dup@outside.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="DUP@outside.test")


def test_a_registration_refused_by_the_constraint_gets_the_double_registration_message(event, visitor_data, monkeypatch):
    # As if another request registered the same email between the check and the insert.
    RegistrationFactory(event=event, email="vera@outside.test")
    manager = Registration.objects
    real_filter = manager.filter

    def filter_blind_to_emails(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found.none() if "email__iexact" in kwargs else found

    monkeypatch.setattr(manager, "filter", filter_blind_to_emails)
    assert services.event_register_visitor(event=event, **visitor_data) is None
    assert Registration.objects.count() == 1
    assert OutboundEmail.objects.filter(to="vera@outside.test", subject__contains="already registered").count() == 1


def test_a_takeover_refused_by_the_constraint_gets_the_double_registration_message(event, contact, visitor_data, monkeypatch):
    # As if another request registered Carlos between the check and the update.
    squatted = services.event_register_visitor(event=event, **{**visitor_data, "email": "carlos@acme.test"})
    RegistrationFactory(event=event, email="elsewhere@acme.test", kind=Registration.Kind.CUSTOMER_CONTACT, contact=contact)
    manager = Registration.objects
    real_filter = manager.filter

    def filter_blind_to_contacts(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found.none() if "contact" in kwargs else found

    monkeypatch.setattr(manager, "filter", filter_blind_to_contacts)
    with pytest.raises(EventError, match="You are already registered"):
        services.event_register_contact(event=event, contact=contact)
    squatted.refresh_from_db()
    assert squatted.contact is None and squatted.first_name == "Vera"


def test_a_full_event_refuses_with_a_message(visitor_data):
    event = EventFactory(capacity=2)
    RegistrationFactory.create_batch(2, event=event)

    with pytest.raises(EventError, match="This event is full"):
        services.event_register_visitor(event=event, **visitor_data)
    assert event.registrations.count() == 2


def test_the_last_seat_can_be_taken(visitor_data):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    services.event_register_visitor(event=event, **visitor_data)
    assert event.seats_left == 0 and event.is_full


def test_registration_closes_when_the_event_starts(contact, visitor_data):
    event = EventFactory(starts_at="2030-06-01T15:00:00Z", ends_at="2030-06-01T18:00:00Z")

    with time_machine.travel("2030-06-01T14:59:59Z", tick=False):
        services.event_register_visitor(event=event, **visitor_data)
    with time_machine.travel("2030-06-01T15:00:00Z", tick=False):
        with pytest.raises(EventError, match="closed when it started"):
            services.event_register_contact(event=event, contact=contact)
    assert event.registrations.count() == 1


def test_an_unpublished_event_refuses_registration(contact):
    event = EventFactory(published=False)
    with pytest.raises(EventError, match="not open for registration"):
        services.event_register_contact(event=event, contact=contact)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "   ", "This field is required."),
        ("company", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("phone", "1" * 41, "at most 40 characters"),
        ("country", "XX", "Choose one of the countries in the list."),
        ("first_name", "Ve\x07ra", "Remove the invisible control characters"),
        ("company", "Outside \u202eoC", "Remove the invisible control characters"),
        ("phone", "\x9b305 555", "Remove the invisible control characters"),
    ],
)
def test_bad_visitor_data_is_refused_with_the_field_and_nothing_saved(event, visitor_data, field, value, message):
    with pytest.raises(EventError, match=message) as caught:
        services.event_register_visitor(event=event, **{**visitor_data, field: value})
    assert caught.value.field == field
    assert not Registration.objects.exists() and not OutboundEmail.objects.exists()


def test_the_throttle_allows_ten_visitor_registrations_an_hour_per_address():
    for _attempt in range(services.VISITOR_REGISTRATIONS_PER_HOUR):
        services.registration_throttle_check(ip="203.0.113.7")

    with pytest.raises(EventError, match="Too many registrations"):
        services.registration_throttle_check(ip="203.0.113.7")
    services.registration_throttle_check(ip="198.51.100.2")


def test_the_throttle_window_ends_after_an_hour():
    with time_machine.travel("2030-01-01T10:00:00Z", tick=False) as traveller:
        for _attempt in range(services.VISITOR_REGISTRATIONS_PER_HOUR):
            services.registration_throttle_check(ip="203.0.113.7")
        traveller.shift(timedelta(minutes=61))
        services.registration_throttle_check(ip="203.0.113.7")
