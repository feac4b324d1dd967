"""The demo's help centre: every seed question in English and Spanish, a location in every country, loaded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.countries import COUNTRIES
from storefront.help.demo import FAQ, LOCATIONS, NEW_FEATURES, help_demo_seed
from storefront.help.models import FaqEntry, FaqGroup, Location, NewFeature

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return FaqGroup.objects.count(), FaqEntry.objects.count(), NewFeature.objects.count(), Location.objects.count()


def test_seeding_the_help_demo_twice_loads_it_once(settings):
    settings.STORE_NAME = "Acme Store"
    help_demo_seed(stdout=StringIO())
    first = _counts()

    out = StringIO()
    help_demo_seed(stdout=out)

    groups = [group for faq in FAQ.values() for group in faq]
    features = [feature for features in NEW_FEATURES.values() for feature in features]
    assert _counts() == first == (len(groups), sum(len(entries) for _name, entries in groups), len(features), len(LOCATIONS))
    assert "0 FAQ entries, 0 new features, 0 locations added" in out.getvalue()


def test_the_demo_speaks_every_language_of_the_store_with_the_same_questions_and_features():
    assert set(FAQ) == set(NEW_FEATURES) == {code for code, _name in settings.LANGUAGES}
    shapes = {language: [len(entries) for _name, entries in faq] for language, faq in FAQ.items()}
    dates = {language: [day for day, _title, _body in features] for language, features in NEW_FEATURES.items()}

    assert shapes["es"] == shapes["en"] and dates["es"] == dates["en"]


def test_the_demo_loads_the_faq_and_new_features_in_english_and_spanish():
    help_demo_seed(stdout=StringIO())

    for language in ("en", "es"):
        assert FaqGroup.objects.filter(language=language).count() == len(FAQ[language])
        assert FaqEntry.objects.filter(group__language=language).count() == sum(len(entries) for _name, entries in FAQ[language])
        assert NewFeature.objects.filter(language=language).count() == len(NEW_FEATURES[language])


def test_the_demo_keeps_what_the_back_office_edited():
    help_demo_seed(stdout=StringIO())
    entry = FaqEntry.objects.get(question="How do I buy products?")
    entry.answer = "Edited by the back office."
    entry.save()

    help_demo_seed(stdout=StringIO())

    assert FaqEntry.objects.get(pk=entry.pk).answer == "Edited by the back office."


def test_the_demo_speaks_in_the_stores_name_and_has_a_location_in_every_country(settings):
    settings.STORE_NAME = "Acme Store"
    settings.STORE_SUPPORT_EMAIL = "support@acme-store.test"

    help_demo_seed(stdout=StringIO())

    text = " ".join(f"{q} {a}" for q, a in FaqEntry.objects.values_list("question", "answer"))
    assert "Intcomex" not in text and "{store}" not in text
    assert FaqEntry.objects.filter(question="How do I become a Acme Store customer?").exists()
    assert FaqEntry.objects.filter(group__language="es", question="¿Cómo me hago cliente de Acme Store?").exists()
    assert set(Location.objects.values_list("country", flat=True)) == set(COUNTRIES)
    miami = Location.objects.get(country="US")
    assert (miami.address, miami.phone, miami.fax, miami.email) == (
        "3505 NW 107th Ave", "(305) 477.6230", "(305) 477.5694", "info@acme-store.test"
    )


def test_the_seeded_faq_answers_a_search_for_a_seed_label(client: Client):
    help_demo_seed(stdout=StringIO())

    page = client.get(reverse("help:faq"), {"q": "distributed keys"}).content.decode()

    assert "Where do I find my distributed keys?" in page and "How do I buy products?" not in page


def test_a_spanish_reader_reads_and_searches_the_seeded_spanish_faq_and_new_features(spanish_client: Client):
    help_demo_seed(stdout=StringIO())

    faq = spanish_client.get(reverse("help:faq")).content.decode()
    found = spanish_client.get(reverse("help:faq"), {"q": "claves distribuidas"}).content.decode()
    features = spanish_client.get(reverse("help:new-features")).content.decode()

    assert "Primeros pasos" in faq and "&quot;Agregar al carrito&quot;" in faq and "Getting started" not in faq
    assert "¿Dónde encuentro mis claves distribuidas?" in found and "¿Cómo compro productos?" not in found
    assert "Un nuevo centro de ayuda" in features and "A new help centre" not in features


def test_the_demo_command_loads_the_help_centre():
    call_command("seed_demo", stdout=StringIO())

    assert FaqEntry.objects.exists() and Location.objects.filter(country="US").exists() and NewFeature.objects.exists()
