"""Registering for an event: a customer's contact with its own data, anyone else with the form."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

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
    services.event_register_visitor(event=event, **visitor_data)
    with pytest.raises(EventError):
        services.event_register_visitor(event=event, **visitor_data)
    assert OutboundEmail.objects.filter(to="vera@outside.test").count() == 1


def test_the_same_email_twice_is_refused_whatever_its_case(event, visitor_data):
    services.event_register_visitor(event=event, **visitor_data)

    with pytest.raises(EventError, match="already registered") as caught:
        services.event_register_visitor(event=event, **{**visitor_data, "email": "VERA@Outside.TEST", "first_name": "V."})

    assert caught.value.field == "email"
    assert Registration.objects.count() == 1


def test_a_contact_registering_twice_is_refused(event, contact):
    services.event_register_contact(event=event, contact=contact)

    with pytest.raises(EventError, match="You are already registered"):
        services.event_register_contact(event=event, contact=contact)
    assert Registration.objects.count() == 1


def test_a_contact_is_refused_after_registering_with_the_form_under_its_email(event, contact, visitor_data):
    services.event_register_visitor(event=event, **{**visitor_data, "email": "Carlos@Acme.test"})

    with pytest.raises(EventError, match="You are already registered"):
        services.event_register_contact(event=event, contact=contact)
    assert Registration.objects.count() == 1


def test_the_form_with_a_contacts_email_is_refused_after_the_contact_registered(event, contact, visitor_data):
    services.event_register_contact(event=event, contact=contact)

    with pytest.raises(EventError, match="carlos@acme.test is already registered"):
        services.event_register_visitor(event=event, **{**visitor_data, "email": "carlos@acme.test"})


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
    with pytest.raises(EventError, match="already registered"):
        services.event_register_visitor(event=event, **visitor_data)


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
