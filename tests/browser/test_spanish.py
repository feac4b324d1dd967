"""The store in Spanish: chosen at the top of any page, remembered, and every page speaks it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _header(page):
    """The page's header: the catalog link and its navigation (whose name is in Spanish too)."""
    return page.locator("header.site-header")


def test_a_visitor_chooses_spanish_and_colombia_and_the_pages_follow(store):
    page = store.start()
    top = page.locator(".top-bar")

    # At the top of every page: the country and the language.
    top.get_by_label("Language").select_option(label="Spanish")
    top.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()

    header = _header(page)
    expect(header.get_by_role("link", name="Catálogo")).to_be_visible()
    expect(header.get_by_role("link", name="Iniciar sesión")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    store.shot(page, "home in spanish")

    # The country too: Colombia, remembered from page to page.
    top.get_by_label("País").select_option(label="Colombia")
    top.get_by_role("button", name="Cambiar país").click()
    page.wait_for_load_state()
    expect(top.get_by_label("País")).to_have_value("CO")

    # Becoming a customer in Colombia asks, in Spanish, for Colombia's documents.
    header.get_by_role("link", name="Hágase cliente").click()
    expect(page.get_by_role("heading", name="Hágase cliente de WebStore")).to_be_visible()
    expect(page.get_by_text("Certificado de la Cámara de Comercio").first).to_be_visible()
    expect(page.get_by_text("Formulario del Registro Único Tributario (RUT)").first).to_be_visible()
    store.shot(page, "become a customer in spanish")

    # The help section speaks Spanish as well, and the choice holds after a new visit.
    header.get_by_role("link", name="ayuda").click()
    expect(page.get_by_role("link", name="Haga clic para iniciar el chat")).to_be_visible()
    expect(page.get_by_text("Preguntas o inquietudes").first).to_be_visible()
    store.start(page)
    expect(_header(page).get_by_role("link", name="Catálogo")).to_be_visible()
    expect(page.locator(".top-bar").get_by_label("País")).to_have_value("CO")


def test_a_contact_reads_its_account_pages_in_spanish(store, contact, password):
    page = store.start()
    page.locator(".top-bar").get_by_label("Language").select_option(label="Spanish")
    page.locator(".top-bar").get_by_role("button", name="Change language").click()
    page.wait_for_load_state()

    _header(page).get_by_role("link", name="Iniciar sesión").click()
    page.get_by_label("Usuario o correo electrónico").fill("carlos")
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()
    page.wait_for_load_state()

    header = _header(page)
    header.get_by_text("MI CUENTA", exact=True).click()
    header.get_by_role("link", name="Información de la cuenta", exact=True).click()
    expect(page.get_by_role("heading", name="Información de la cuenta")).to_be_visible()
    # The contact's country is its account's: shown, not changeable.
    expect(page.locator(".top-bar").get_by_label("País")).to_be_disabled()
    store.shot(page, "account information in spanish")
