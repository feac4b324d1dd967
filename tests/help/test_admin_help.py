"""The back office edits the FAQ, new features and locations; reads questions without changing them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from storefront.help.models import FaqEntry, FaqGroup, Inquiry
from tests.help.factories import FaqEntryFactory, FaqGroupFactory, LocationFactory, NewFeatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client


@pytest.fixture
def inquiry(contact) -> Inquiry:
    return Inquiry.objects.create(
        contact=contact, country="MX", first_name="Lucia", last_name="Lopez", email="lucia@lopez.test", phone="+52 55 1234",
        comment="Do you ship to Monterrey?",
    )


@pytest.mark.parametrize("model", ["faqgroup", "newfeature", "location", "inquiry"])
def test_every_help_list_and_add_page_of_the_back_office_opens(staff_client: Client, model, inquiry):
    FaqEntryFactory()
    NewFeatureFactory()
    LocationFactory()

    assert staff_client.get(reverse(f"admin:help_{model}_changelist")).status_code == 200
    add = staff_client.get(reverse(f"admin:help_{model}_add")).status_code
    assert add == (403 if model == "inquiry" else 200)


def test_a_group_is_edited_with_its_entries_inline(staff_client: Client):
    entry = FaqEntryFactory(question="Old question?")
    group = entry.group
    prefix = "entries"
    data = {
        "language": "en", "name": group.name, "position": 1,
        f"{prefix}-TOTAL_FORMS": 2, f"{prefix}-INITIAL_FORMS": 1, f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000,
        f"{prefix}-0-id": entry.pk, f"{prefix}-0-group": group.pk, f"{prefix}-0-question": "New question?",
        f"{prefix}-0-answer": "Line one.\nLine two.", f"{prefix}-0-position": 1, f"{prefix}-0-published": "on",
        f"{prefix}-1-group": group.pk, f"{prefix}-1-question": "Added question?", f"{prefix}-1-answer": "Yes.", f"{prefix}-1-position": 2,
    }

    response = staff_client.post(reverse("admin:help_faqgroup_change", args=[group.pk]), data)

    assert response.status_code == 302
    assert list(FaqEntry.objects.filter(group=group).values_list("question", "published")) == [("New question?", True), ("Added question?", False)]
    assert FaqGroup.objects.get().entries.count() == 2


@pytest.mark.parametrize(("model", "english", "spanish"), [
    ("faqgroup", "Orders and quotes", "Pedidos y cotizaciones"),
    ("newfeature", "Quotes for your customers", "Cotizaciones para sus clientes"),
])
def test_the_back_office_shows_and_filters_the_faq_and_new_features_by_language(staff_client: Client, model, english, spanish):
    if model == "faqgroup":
        FaqGroupFactory(name=english)
        FaqGroupFactory(name=spanish, language="es")
    else:
        NewFeatureFactory(title=english)
        NewFeatureFactory(title=spanish, language="es")
    url = reverse(f"admin:help_{model}_changelist")

    everything = staff_client.get(url).content.decode()
    only_spanish = staff_client.get(url, {"language__exact": "es"}).content.decode()

    assert english in everything and spanish in everything and "column-language" in everything
    assert spanish in only_spanish and english not in only_spanish


def test_a_group_is_written_in_a_language_and_may_share_its_name_with_another_languages(staff_client: Client):
    FaqGroupFactory(name="RMA", language="en")
    data = {"language": "es", "name": "RMA", "position": 1,
            "entries-TOTAL_FORMS": 0, "entries-INITIAL_FORMS": 0, "entries-MIN_NUM_FORMS": 0, "entries-MAX_NUM_FORMS": 1000}

    first = staff_client.post(reverse("admin:help_faqgroup_add"), data)
    again = staff_client.post(reverse("admin:help_faqgroup_add"), data)

    assert first.status_code == 302 and again.status_code == 200
    assert sorted(FaqGroup.objects.filter(name="RMA").values_list("language", flat=True)) == ["en", "es"]


def test_a_question_is_found_by_its_sender_and_read_but_not_changed(staff_client: Client, inquiry):
    listing = staff_client.get(reverse("admin:help_inquiry_changelist"), {"q": "lopez.test"}).content.decode()
    missing = staff_client.get(reverse("admin:help_inquiry_changelist"), {"q": "nobody.test"}).content.decode()
    page = staff_client.get(reverse("admin:help_inquiry_change", args=[inquiry.pk]))

    assert "lucia@lopez.test" in listing and "lucia@lopez.test" not in missing
    assert page.status_code == 200 and "Do you ship to Monterrey?" in page.content.decode()
    staff_client.post(reverse("admin:help_inquiry_change", args=[inquiry.pk]), {"comment": "Changed"})
    assert Inquiry.objects.get().comment == "Do you ship to Monterrey?"
