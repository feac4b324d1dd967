"""The country chosen at the top of every page: remembered for visitors, the account's for contacts."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from storefront.country import COOKIE_NAME

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_visitor_sees_the_default_country_selected_at_the_top(client, settings):
    settings.STORE_DEFAULT_COUNTRY = "US"
    page = client.get("/").content.decode()
    assert '<option value="US" selected>' in page
    assert "Change country" in page and "Change language" in page


def test_a_visitor_chooses_a_country_and_it_is_remembered(client):
    response = client.post(reverse("country-set"), {"country": "co", "next": "/catalog/"})

    assert response.status_code == 302 and response["Location"] == "/catalog/"
    assert response.cookies[COOKIE_NAME].value == "CO"
    assert response.cookies[COOKIE_NAME]["httponly"]
    page = client.get("/").content.decode()
    assert '<option value="CO" selected>' in page


def test_an_unknown_country_is_refused_with_a_message_and_changes_nothing(client):
    client.post(reverse("country-set"), {"country": "MX"})

    response = client.post(reverse("country-set"), {"country": "XX"}, follow=True)

    assert "Choose one of the countries in the list." in response.content.decode()
    assert client.cookies[COOKIE_NAME].value == "MX"


def test_the_country_selector_never_redirects_to_another_site(client):
    response = client.post(reverse("country-set"), {"country": "MX", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_contact_always_sees_its_accounts_country(contact_client, contact):
    # Acme buys in Mexico; a cookie saying Colombia does not change that.
    contact_client.cookies[COOKIE_NAME] = "CO"
    page = contact_client.get("/").content.decode()
    assert '<option value="MX" selected>' in page
    assert "Change country" not in page

    response = contact_client.post(reverse("country-set"), {"country": "CO"}, follow=True)
    assert "Your account buys in Mexico" in response.content.decode()


def test_the_country_costs_no_query(client, django_assert_num_queries):
    client.cookies[COOKIE_NAME] = "PE"
    # The health page runs its own "SELECT 1" and nothing else: the country is read from the cookie.
    with django_assert_num_queries(1):
        response = client.get(reverse("healthz"))
    assert response.wsgi_request.country == "PE"
