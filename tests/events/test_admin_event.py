"""The back office: events entered in their country's local time, with their registrations read-only."""

from __future__ import annotations

from datetime import datetime, timezone as dt_timezone

import pytest
from django.test import Client
from django.urls import reverse

from storefront.events.models import Event
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MANAGEMENT = {
    "registrations-TOTAL_FORMS": "0",
    "registrations-INITIAL_FORMS": "0",
    "registrations-MIN_NUM_FORMS": "0",
    "registrations-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def staff_client(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client


def test_an_event_is_entered_in_the_local_time_of_its_country(staff_client):
    response = staff_client.post(
        reverse("admin:events_event_add"),
        {
            "country": "MX", "title": "Launch breakfast", "description": "", "starts_at_0": "2030-03-05", "starts_at_1": "10:00",
            "ends_at_0": "2030-03-05", "ends_at_1": "13:00", "place": "Hotel", "city": "Ciudad de México", "online_url": "",
            "capacity": "60", "published": "on", **MANAGEMENT,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.starts_at == datetime(2030, 3, 5, 16, 0, tzinfo=dt_timezone.utc)
    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'value="10:00:00"' in page


def test_an_event_needs_a_city_or_an_online_url_and_to_end_after_it_starts(staff_client):
    response = staff_client.post(
        reverse("admin:events_event_add"),
        {
            "country": "CO", "title": "Nowhere", "starts_at_0": "2030-03-05", "starts_at_1": "10:00",
            "ends_at_0": "2030-03-05", "ends_at_1": "09:00", "place": "", "city": "", "online_url": "", **MANAGEMENT,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The event must end after it starts." in page and "Give the city of the event, its online URL, or both." in page
    assert not Event.objects.exists()


def test_the_event_list_counts_registrations_and_the_page_lists_them_read_only(staff_client):
    event = EventFactory(title="Roadshow", capacity=30)
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, email="findme@outside.test", company="Findable SA")

    changelist = staff_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "Roadshow" in changelist and '<td class="field-registration_count">4</td>' in changelist

    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "findme@outside.test" in page and 'name="registrations-0-email"' not in page


def test_registrations_are_searchable_and_cannot_be_added_or_edited(staff_client):
    event = EventFactory(title="Roadshow")
    found = RegistrationFactory(event=event, email="findme@outside.test", company="Findable SA")
    RegistrationFactory(event=event, email="other@outside.test", company="Other SA")

    page = staff_client.get(reverse("admin:events_registration_changelist"), {"q": "findable"}).content.decode()

    assert "findme@outside.test" in page and "other@outside.test" not in page
    assert staff_client.get(reverse("admin:events_registration_add")).status_code == 403
    change = staff_client.get(reverse("admin:events_registration_change", args=[found.pk])).content.decode()
    assert 'name="email"' not in change
