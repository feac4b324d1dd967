from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from storefront.events.models import Event, Registration


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    country = "MX"
    title = factory.Sequence(lambda n: f"Partner event {n}")
    description = "Products and prices for resellers."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    place = "Hotel Camino Real"
    city = "Ciudad de México"
    published = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    kind = Registration.Kind.NOT_CUSTOMER
    first_name = "Vera"
    last_name = "Visitor"
    company = "Outside Co"
    position = "Owner"
    email = factory.Sequence(lambda n: f"guest{n}@outside.test")
    phone = "+1 305 555 0100"
    country = "US"
