"""The events portal through the client: the list per country, an event's page, both ways to register."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from storefront.country import COOKIE_NAME
from storefront.events import services
from storefront.events.models import Registration
from storefront.models import OutboundEmail
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("events:list")


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _detail(event, choice: str = "") -> str:
    url = reverse("events:detail", args=[event.pk])
    return f"{url}?as={choice}" if choice else url


# --- the list --------------------------------------------------------------------------------------


def test_a_visitor_sees_the_events_of_the_default_country(client, settings):
    settings.STORE_DEFAULT_COUNTRY = "US"
    EventFactory(title="Miami Partner Summit", country="US", city="Miami")
    EventFactory(title="Jornada Bogotá", country="CO", city="Bogotá")

    page = client.get(LIST).content.decode()

    assert "Upcoming events in United States (Miami)" in page
    assert "Miami Partner Summit" in page and "Jornada Bogotá" not in page


def test_a_visitor_sees_the_events_of_the_country_chosen_at_the_top(client):
    EventFactory(title="Miami Partner Summit", country="US", city="Miami")
    EventFactory(title="Jornada Bogotá", country="CO", city="Bogotá")
    client.cookies[COOKIE_NAME] = "CO"

    page = client.get(LIST).content.decode()

    assert "Jornada Bogotá" in page and "Miami Partner Summit" not in page


def test_a_contact_sees_the_events_of_its_accounts_country(contact_client):
    EventFactory(title="Launch in Mexico City", country="MX")
    EventFactory(title="Miami Partner Summit", country="US", city="Miami")

    page = contact_client.get(LIST).content.decode()

    assert "Launch in Mexico City" in page and "Miami Partner Summit" not in page


def test_the_chooser_on_the_page_shows_another_countrys_events(contact_client):
    EventFactory(title="Launch in Mexico City", country="MX")
    EventFactory(title="Jornada Bogotá", country="CO", city="Bogotá")

    page = contact_client.get(LIST, {"country": "CO"}).content.decode()

    assert "Jornada Bogotá" in page and "Launch in Mexico City" not in page
    assert '<option value="CO" selected>' in page.split('id="event-list"')[1]


def test_an_unknown_country_in_the_chooser_falls_back_to_the_requests_country(client):
    EventFactory(title="Miami Partner Summit", country="US", city="Miami")
    response = client.get(LIST, {"country": "XX"})
    assert response.status_code == 200 and "Miami Partner Summit" in response.content.decode()


def test_the_list_is_soonest_first_and_hides_past_and_unpublished_events(client):
    now = timezone.now()
    EventFactory(title="Later event", country="US", starts_at=now + timedelta(days=30))
    EventFactory(title="Sooner event", country="US", starts_at=now + timedelta(days=3))
    EventFactory(title="Past event", country="US", starts_at=now - timedelta(days=3))
    EventFactory(title="Draft event", country="US", published=False)

    page = client.get(LIST).content.decode()

    assert page.index("Sooner event") < page.index("Later event")
    assert "Past event" not in page and "Draft event" not in page


def test_the_list_shows_date_place_online_and_seats_left(client):
    event = EventFactory(
        title="Roadshow", country="US", place="Training Center", city="Doral", capacity=25,
        starts_at="2030-03-05T15:00:00Z", ends_at="2030-03-05T18:00:00Z",
    )
    RegistrationFactory.create_batch(3, event=event)
    EventFactory(title="Webinar", country="US", place="", city="", online_url="https://meet.example.test/w")

    page = client.get(LIST).content.decode()

    # 15:00 UTC is 10:00 in Miami in March.
    assert "March 5, 2030, 10 a.m. – 1 p.m." in page
    assert "Training Center, Doral" in page
    assert "Seats left" in page and ">22<" in page
    assert "Online" in page


def test_the_chooser_answers_htmx_with_the_list_alone(client):
    EventFactory(title="Jornada Bogotá", country="CO", city="Bogotá")
    response = client.get(LIST, {"country": "CO"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Jornada Bogotá" in page and "<html" not in page
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_costs_the_same_queries_whatever_the_number_of_events(client, django_assert_num_queries, size):
    for n in range(size):
        event = EventFactory(country="US", capacity=40)
        RegistrationFactory.create_batch(n % 3, event=event)
    with django_assert_num_queries(1):
        response = client.get(LIST)
    assert response.content.decode().count('class="card event"') == size


@pytest.mark.parametrize("size", [1, 6])
def test_the_list_for_a_contact_costs_the_same_queries_whatever_the_number_of_events(contact_client, django_assert_num_queries, size):
    EventFactory.create_batch(size, country="MX", capacity=10)
    # The signed-in user with its contact, and the events (the session is read from the cache).
    with django_assert_num_queries(2):
        contact_client.get(LIST)


# --- an event's page -------------------------------------------------------------------------------


def test_an_events_page_offers_both_ways_to_register_with_the_stores_name(client, event, settings):
    settings.STORE_NAME = "Compuventas"
    page = client.get(_detail(event)).content.decode()
    assert "Notebook launch" in page
    assert "Compuventas customer's contact" in page
    assert "Not Compuventas customer's contact" in page


def test_an_unpublished_or_unknown_event_is_404(client):
    draft = EventFactory(published=False)
    assert client.get(_detail(draft)).status_code == 404
    assert client.get(reverse("events:detail", args=[999999])).status_code == 404
    assert client.post(reverse("events:register-visitor", args=[draft.pk]), {}).status_code == 404


def test_a_signed_in_contact_sees_its_data_prefilled_and_one_register_button(contact_client, event):
    page = contact_client.get(_detail(event)).content.decode()

    for shown in ["Carlos Bermudez", "Acme Reseller", "Buyer", "carlos@acme.test", "Mexico"]:
        assert shown in page
    assert page.count(">Register</button>") == 1
    assert reverse("events:register-contact", args=[event.pk]) in page


def test_a_contact_registers_with_one_button_and_is_told_so(contact_client, contact, event):
    response = contact_client.post(reverse("events:register-contact", args=[event.pk]), follow=True)

    registration = Registration.objects.get()
    assert registration.contact == contact and registration.kind == Registration.Kind.CUSTOMER_CONTACT
    page = response.content.decode()
    assert "You are registered for Notebook launch. We sent the confirmation to carlos@acme.test." in page
    assert "You are registered for this event" in page and ">Register</button>" not in page
    assert OutboundEmail.objects.filter(to="carlos@acme.test", subject__contains="Notebook launch").count() == 1


def test_a_contact_registering_twice_gets_a_message_and_one_registration(contact_client, event):
    url = reverse("events:register-contact", args=[event.pk])
    contact_client.post(url)

    response = contact_client.post(url, follow=True)

    assert "You are already registered for this event." in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_contact_whose_email_was_registered_with_the_form_registers_and_takes_it_over(contact_client, contact, event, visitor_data):
    # Given a visitor registered Carlos's email under another name.
    services.event_register_visitor(event=event, **{**visitor_data, "first_name": "Mallory", "email": "CARLOS@acme.test"})

    # Carlos is still offered "Register", not told he is registered.
    page = contact_client.get(_detail(event)).content.decode()
    assert page.count(">Register</button>") == 1 and "You are registered for this event" not in page

    response = contact_client.post(reverse("events:register-contact", args=[event.pk]), follow=True)

    page = response.content.decode()
    assert "You are registered for Notebook launch. We sent the confirmation to carlos@acme.test." in page
    assert "You are already registered" not in page
    registration = Registration.objects.get()
    assert registration.contact == contact and registration.first_name == "Carlos" and registration.company == "Acme Reseller"


def test_a_visitor_choosing_the_customers_contact_way_is_sent_to_sign_in_and_back(client, event):
    page = client.get(_detail(event, "customer")).content.decode()
    assert "Sign in to register" in page
    assert f"{reverse('account_login')}?next=%2Fevents%2F{event.pk}%2F%3Fas%3Dcustomer" in page

    response = client.post(reverse("events:register-contact", args=[event.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fevents%2F{event.pk}%2F%3Fas%3Dcustomer"
    assert not Registration.objects.exists()


def test_signing_in_from_the_event_comes_back_to_it(client, contact, event, password):
    login = f"{reverse('account_login')}?next=/events/{event.pk}/%3Fas%3Dcustomer"
    response = client.post(login, {"login": "carlos", "password": password})
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/?as=customer"


def test_the_choice_answers_htmx_with_the_registration_part_alone(client, event):
    response = client.get(_detail(event, "visitor"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="registration"' in page and "<html" not in page and "First name" in page
    assert "HX-Request" in response["Vary"]


def test_a_visitor_registers_with_the_form(client, event, visitor_data):
    response = client.post(reverse("events:register-visitor", args=[event.pk]), visitor_data, follow=True)

    registration = Registration.objects.get()
    assert registration.email == "vera@outside.test" and registration.contact is None
    assert "Vera Visitor is registered for Notebook launch. We sent the confirmation to vera@outside.test." in response.content.decode()
    assert OutboundEmail.objects.filter(to="vera@outside.test").count() == 1


def test_the_form_answers_the_same_whether_or_not_the_email_is_registered(event, contact, visitor_data):
    # Given carlos@acme.test is registered (as a contact) and nobody@outside.test is not.
    services.event_register_contact(event=event, contact=contact)
    url = reverse("events:register-visitor", args=[event.pk])

    answers = []
    for email in ["Carlos@Acme.test", "nobody@outside.test"]:
        response = Client().post(url, {**visitor_data, "email": email}, follow=True)
        page = response.content.decode()
        assert "is already registered" not in page and "You are already registered" not in page
        answers.append((response.status_code, response.redirect_chain, _messages(response)))

    assert answers[0] == (
        200, [(_detail(event), 302)], ["Vera Visitor is registered for Notebook launch. We sent the confirmation to Carlos@Acme.test."]
    )
    assert answers[1] == (
        200, [(_detail(event), 302)], ["Vera Visitor is registered for Notebook launch. We sent the confirmation to nobody@outside.test."]
    )
    # Carlos's registration is untouched and he is told by email; the new address is registered.
    assert Registration.objects.get(email="carlos@acme.test").contact == contact
    assert Registration.objects.filter(email="nobody@outside.test").exists() and Registration.objects.count() == 2
    assert OutboundEmail.objects.filter(to="Carlos@Acme.test", subject__contains="already registered").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Ve\x07ra"),
        ("last_name", "Vis\x1bitor"),
        ("company", "Outside \u202eoC"),
        ("position", "Ow\u2066ner"),
        ("phone", "305\x85555"),
        ("email", "vera\u202e@outside.test"),
    ],
)
def test_control_and_bidi_characters_are_refused_on_their_field_with_what_was_typed_kept(client, event, visitor_data, field, value):
    response = client.post(reverse("events:register-visitor", args=[event.pk]), {**visitor_data, field: value})

    page = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert "Remove the invisible control characters from this field" in " ".join(form.errors[field])
    assert list(form.errors) == [field]
    assert "Remove the invisible control characters from this field" in page
    # What was typed comes back, the refused field as it was and the others too.
    assert form[field].value() == value
    assert all(form[name].value() == visitor_data[name] for name in visitor_data if name != field)
    assert not Registration.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "vera-at-outside"}, "Enter a valid email address."),
        ({"first_name": ""}, "This field is required."),
        ({"country": "XX"}, "Select a valid choice."),
        ({"phone": "5" * 41}, "Ensure this value has at most 40 characters"),
    ],
)
def test_bad_input_shows_the_message_keeps_what_was_typed_and_saves_nothing(client, event, visitor_data, change, message):
    response = client.post(reverse("events:register-visitor", args=[event.pk]), {**visitor_data, **change})

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Visitor"' in page and 'value="Outside Co"' in page and 'value="Owner"' in page
    assert not Registration.objects.exists() and not OutboundEmail.objects.exists()


def test_a_nearly_empty_post_gets_messages_not_an_error(client, event):
    response = client.post(reverse("events:register-visitor", args=[event.pk]), {"first_name": "x" * 5000})
    assert response.status_code == 200 and "This field is required." in response.content.decode()


def test_a_full_event_refuses_both_ways_with_a_message(client, contact_client, visitor_data):
    event = EventFactory(title="Small room", capacity=1)
    RegistrationFactory(event=event)

    page = client.get(_detail(event, "visitor")).content.decode()
    assert "This event is full: no seats are left." in page and "First name" not in page

    response = client.post(reverse("events:register-visitor", args=[event.pk]), visitor_data)
    assert "This event is full: no seats are left." in response.content.decode()
    response = contact_client.post(reverse("events:register-contact", args=[event.pk]), follow=True)
    assert "This event is full: no seats are left." in _messages(response)
    assert event.registrations.count() == 1


def test_registration_is_closed_once_the_event_started(client, contact, visitor_data):
    event = EventFactory(starts_at="2030-06-01T15:00:00Z", ends_at="2030-06-01T18:00:00Z")

    with time_machine.travel("2030-06-01T15:30:00Z", tick=False):
        contact_client = Client()
        contact_client.force_login(contact.user)
        page = client.get(_detail(event)).content.decode()
        assert "Registration for this event closed when it started." in page and "First name" not in page
        response = client.post(reverse("events:register-visitor", args=[event.pk]), visitor_data)
        assert "Registration for this event closed when it started." in response.content.decode()
        response = contact_client.post(reverse("events:register-contact", args=[event.pk]), follow=True)
        assert "Registration for this event closed when it started." in _messages(response)
    assert not Registration.objects.exists()


def test_visitor_registrations_are_throttled_per_address(visitor_data):
    events = [EventFactory() for _ in range(services.VISITOR_REGISTRATIONS_PER_HOUR + 1)]
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n, each in enumerate(events[:-1]):
        response = client.post(reverse("events:register-visitor", args=[each.pk]), {**visitor_data, "email": f"p{n}@outside.test"})
        assert response.status_code == 302

    response = client.post(reverse("events:register-visitor", args=[events[-1].pk]), visitor_data)

    assert response.status_code == 200
    assert "Too many registrations were sent from your network in the last hour." in response.content.decode()
    assert not events[-1].registrations.exists()
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert other.post(reverse("events:register-visitor", args=[events[-1].pk]), visitor_data).status_code == 302
