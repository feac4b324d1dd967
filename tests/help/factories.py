from __future__ import annotations

from datetime import date

import factory

from storefront.help.models import FaqEntry, FaqGroup, Location, NewFeature


class FaqGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    position = factory.Sequence(lambda n: n)


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqEntry

    group = factory.SubFactory(FaqGroupFactory)
    question = factory.Sequence(lambda n: f"Question number {n}?")
    answer = factory.Sequence(lambda n: f"Answer number {n}.")
    position = factory.Sequence(lambda n: n)


class NewFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewFeature

    date = date(2025, 1, 1)
    title = factory.Sequence(lambda n: f"Feature {n}")
    body = "What changed."


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    country = "US"
    name = factory.Sequence(lambda n: f"Office {n}")
    address = "3505 NW 107th Ave"
    city = "Miami"
    phone = "(305) 477.6230"
    email = "info@store.test"
