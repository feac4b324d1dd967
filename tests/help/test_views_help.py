"""The help section, "New features" and "Locations and service centres" pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from rma.models import ServiceCentre
from storefront.country import COOKIE_NAME
from tests.help.factories import FaqEntryFactory, FaqGroupFactory, LocationFactory, NewFeatureFactory

pytestmark = pytest.mark.django_db


def test_every_page_shows_the_help_button_in_the_header(client: Client):
    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("help:home")}"' in page


def test_the_help_section_offers_every_way_to_get_help(client: Client, settings):
    settings.STORE_SUPPORT_PHONE = "+1 305 406 4001"
    settings.STORE_SUPPORT_EMAIL = "help-desk@store.test"
    settings.STORE_NAME = "Acme Store"
    orders = FaqGroupFactory(name="Orders and quotes")
    FaqEntryFactory(group=orders)
    FaqEntryFactory(group=FaqGroupFactory(name="Only drafts"), published=False)

    response = client.get(reverse("help:home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "+1 305 406 4001" in page and "help-desk@store.test" in page
    assert f'{reverse("help:faq")}#faq-group-{orders.pk}' in page and "Only drafts" not in page
    for url in (
        reverse("chat:start"), reverse("help:faq"), reverse("help:questions"), reverse("account_reset_password"),
        reverse("accounts:become-customer"), reverse("accounts:request-access"), reverse("help:new-features"),
        reverse("help:locations"), reverse("events:list"),
    ):
        assert f'href="{url}' in page, url
    for label in (
        "Click to start chat", "Questions or Concerns", "Forgot your password", "Become a Acme Store Customer", "Request Access",
        "Already a customer but still do not have access to the WebStore?", "New features", "Events",
    ):
        assert label in page, label


def test_the_help_section_offers_a_signed_in_contact_no_password_reset_sign_up_or_access_request(contact_client: Client, settings):
    settings.STORE_NAME = "Acme Store"
    page = contact_client.get(reverse("help:home")).content.decode()

    for url in (reverse("account_reset_password"), reverse("accounts:request-access")):
        assert f'href="{url}"' not in page
    assert "Become a Acme Store Customer" not in page
    assert f'href="{reverse("help:questions")}"' in page and f'href="{reverse("chat:start")}"' in page


def test_the_help_section_lists_the_faq_groups_of_the_readers_language(client: Client, spanish_client: Client):
    english = FaqGroupFactory(name="Orders and quotes")
    FaqEntryFactory.create_batch(2, group=english)
    spanish = FaqGroupFactory(language="es", name="Pedidos y cotizaciones")
    FaqEntryFactory(group=spanish)
    FaqEntryFactory(group=FaqGroupFactory(language="es", name="Solo borradores"), published=False)

    in_spanish = spanish_client.get(reverse("help:home")).content.decode()
    in_english = client.get(reverse("help:home")).content.decode()

    assert f"#faq-group-{spanish.pk}\">Pedidos y cotizaciones</a> (1)" in in_spanish
    assert "Orders and quotes" not in in_spanish and "Solo borradores" not in in_spanish
    assert f"#faq-group-{english.pk}\">Orders and quotes</a> (2)" in in_english and "Pedidos y cotizaciones" not in in_english


def test_the_help_section_lists_the_english_faq_groups_while_there_are_none_in_spanish(spanish_client: Client):
    FaqEntryFactory(group=FaqGroupFactory(name="Orders and quotes"))

    page = spanish_client.get(reverse("help:home")).content.decode()

    assert "Orders and quotes" in page


@pytest.mark.parametrize(("reader", "written_in"), [("en", "en"), ("es", "es"), ("es", "en")])
def test_the_help_section_costs_the_same_queries_with_more_faq_groups(
    client: Client, django_assert_num_queries, settings, reader, written_in
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    FaqEntryFactory(group=FaqGroupFactory(language=written_in))
    with django_assert_num_queries(1):
        client.get(reverse("help:home"))
    for _ in range(10):
        FaqEntryFactory(group=FaqGroupFactory(language=written_in))
    with django_assert_num_queries(1):
        client.get(reverse("help:home"))


def test_new_features_lists_the_published_ones_newest_first(client: Client):
    NewFeatureFactory(date=date(2025, 1, 5), title="Older feature")
    NewFeatureFactory(date=date(2025, 6, 1), title="Newest feature")
    NewFeatureFactory(date=date(2025, 3, 1), title="Draft feature", published=False)

    page = client.get(reverse("help:new-features")).content.decode()

    assert page.index("Newest feature") < page.index("Older feature")
    assert "Draft feature" not in page


def test_a_spanish_reader_reads_the_spanish_new_features(client: Client, spanish_client: Client):
    NewFeatureFactory(date=date(2025, 6, 1), title="Quotes for your customers")
    NewFeatureFactory(language="es", date=date(2025, 6, 1), title="Cotizaciones para sus clientes")
    NewFeatureFactory(language="es", date=date(2025, 1, 5), title="Lista de precios en Excel")
    NewFeatureFactory(language="es", date=date(2025, 3, 1), title="Novedad en borrador", published=False)

    in_spanish = spanish_client.get(reverse("help:new-features")).content.decode()
    in_english = client.get(reverse("help:new-features")).content.decode()

    assert in_spanish.index("Cotizaciones para sus clientes") < in_spanish.index("Lista de precios en Excel")
    assert "Quotes for your customers" not in in_spanish and "Novedad en borrador" not in in_spanish
    assert "Quotes for your customers" in in_english and "Cotizaciones para sus clientes" not in in_english


def test_a_spanish_reader_reads_the_english_new_features_while_there_are_none_in_spanish(spanish_client: Client):
    NewFeatureFactory(title="Quotes for your customers")
    NewFeatureFactory(language="es", title="Novedad en borrador", published=False)

    page = spanish_client.get(reverse("help:new-features")).content.decode()

    assert "Quotes for your customers" in page and "Novedad en borrador" not in page


@pytest.mark.parametrize(("reader", "written_in"), [("en", "en"), ("es", "es"), ("es", "en")])
def test_new_features_cost_the_same_queries_at_two_sizes(
    client: Client, django_assert_num_queries, settings, reader, written_in
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    NewFeatureFactory.create_batch(2, language=written_in)
    with django_assert_num_queries(2):
        small = client.get(reverse("help:new-features"))
    NewFeatureFactory.create_batch(15, language=written_in)
    with django_assert_num_queries(2):
        large = client.get(reverse("help:new-features"))

    assert small.content.decode().count('class="card new-feature"') == 2
    assert large.content.decode().count('class="card new-feature"') == 17


def test_new_features_pages_a_long_list(client: Client):
    for day in range(1, 26):
        NewFeatureFactory(date=date(2025, 1, day), title=f"Feature of day {day:02d}")

    first = client.get(reverse("help:new-features")).content.decode()
    second = client.get(reverse("help:new-features"), {"page": 2}).content.decode()

    assert "Feature of day 25" in first and "Feature of day 05" not in first
    assert "Feature of day 05" in second and "Feature of day 25" not in second


def test_locations_show_the_visitors_country_by_default(client: Client):
    LocationFactory(country="US", name="Miami", fax="(305) 477.5694")
    LocationFactory(country="MX", name="Ciudad de México")
    ServiceCentre.objects.create(
        country="US", name="Service Center Miami", address="3505 NW 107th Ave", city="Miami", phone="(305) 477.6230",
        email="info@store.test", hours="Mon–Fri",
    )
    client.cookies[COOKIE_NAME] = "US"

    page = client.get(reverse("help:locations")).content.decode()

    assert "3505 NW 107th Ave" in page and "(305) 477.5694" in page and "Service Center Miami" in page
    assert "Ciudad de México" not in page


def test_locations_of_another_country_are_chosen_on_the_page(client: Client):
    LocationFactory(country="US", name="Miami")
    LocationFactory(country="MX", name="Ciudad de México")
    ServiceCentre.objects.create(
        country="MX", name="Service Centre Monterrey", address="Av. Constitución 400", city="Monterrey", phone="+52 81",
        email="rma@store.test", hours="Mon–Fri",
    )

    page = client.get(reverse("help:locations"), {"country": "MX"}).content.decode()

    assert "Ciudad de México" in page and "Service Centre Monterrey" in page
    assert ">Miami<" not in page
    assert '<option value="MX" selected>' in page


def test_locations_of_a_contact_default_to_its_accounts_country(contact_client: Client, contact):
    LocationFactory(country="US", name="Miami")
    LocationFactory(country=contact.account.country, name="Account country office")

    page = contact_client.get(reverse("help:locations")).content.decode()

    assert "Account country office" in page and ">Miami<" not in page


def test_locations_of_an_unknown_country_fall_back_with_a_message(client: Client):
    LocationFactory(country="US", name="Miami")

    response = client.get(reverse("help:locations"), {"country": "ZZ"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the countries in the list." in page and ">Miami<" in page


def test_locations_without_offices_or_centres_say_so(client: Client):
    page = client.get(reverse("help:locations"), {"country": "JM"}).content.decode()

    assert "We have no office in Jamaica listed yet" in page
    assert "No service centre in Jamaica yet" in page


def test_locations_cost_the_same_queries_with_more_offices(client: Client, django_assert_num_queries):
    LocationFactory(country="US")
    with django_assert_num_queries(2):
        client.get(reverse("help:locations"), {"country": "US"})
    for _ in range(8):
        LocationFactory(country="US")
    with django_assert_num_queries(2):
        client.get(reverse("help:locations"), {"country": "US"})
