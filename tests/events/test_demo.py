"""The demo data: upcoming events in several countries relative to today, one past, made once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from storefront.events.demo import events_demo_seed
from storefront.events.models import Event
from storefront.events.selectors import event_list_upcoming

pytestmark = pytest.mark.django_db


def test_demo_events_are_made_once_upcoming_in_several_countries_and_one_past():
    events_demo_seed(stdout=StringIO())
    first = sorted(Event.objects.values_list("pk", "starts_at"))

    events_demo_seed(stdout=StringIO())

    assert sorted(Event.objects.values_list("pk", "starts_at")) == first
    now = timezone.now()
    assert {"MX", "CO", "US"} <= set(Event.objects.filter(starts_at__gt=now, published=True).values_list("country", flat=True))
    assert Event.objects.filter(ends_at__lt=now).count() == 1
    assert event_list_upcoming(country="US").count() == 2


def test_seed_demo_includes_the_events():
    call_command("seed_demo", stdout=StringIO())
    assert event_list_upcoming(country="CO").exists()
