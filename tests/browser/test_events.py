"""Events: a signed-in contact registers as the store's customer's contact, a visitor with the form;
each gets its confirmation email."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from storefront.events.models import Registration
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def events(db) -> dict:
    soon = timezone.now() + timedelta(days=12)
    return {
        "mexico": EventFactory(
            country="MX", title="Notebook launch breakfast", place="Hotel Camino Real", city="Ciudad de México",
            capacity=60, starts_at=soon, ends_at=soon + timedelta(hours=3),
        ),
        "colombia": EventFactory(
            country="CO", title="Jornada de servidores", place="Centro Ágora", city="Bogotá",
            capacity=None, starts_at=soon, ends_at=soon + timedelta(hours=8),
        ),
    }


def test_a_contact_signs_in_from_an_event_and_registers_as_a_customers_contact(store, mailbox, contact, events, password):
    page = store.new_page()
    page.goto(f"{store.base_url}/events/")
    expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible()

    # The visitor's country is the default one; the chooser on the page shows Mexico's events.
    page.get_by_label("Events in").select_option(label="Mexico")
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_role("heading", name="Upcoming events in Mexico")).to_be_visible()
    expect(page.get_by_role("link", name="Jornada de servidores")).to_have_count(0)
    expect(page.get_by_text("Seats left")).to_be_visible()
    store.shot(page, "events in mexico")
    page.get_by_role("link", name="Notebook launch breakfast").click()

    # "WebStore customer's contact": sign in first, then back to the event with the contact's data.
    expect(page.get_by_role("heading", name="Notebook launch breakfast")).to_be_visible()
    page.get_by_role("link", name="WebStore customer's contact", exact=True).click()
    page.get_by_role("link", name="Sign in to register").click()
    store.fill_sign_in(page, "carlos", password)
    expect(page.get_by_role("heading", name="Notebook launch breakfast")).to_be_visible()
    registration = page.locator("#registration")
    for shown in ["Carlos Bermudez", "Acme Reseller", "carlos@acme.test"]:
        expect(registration).to_contain_text(shown)
    store.shot(page, "customer's contact prefilled")
    registration.get_by_role("button", name="Register").click()

    store.expect_message(page, "You are registered for Notebook launch breakfast. We sent the confirmation to carlos@acme.test.")
    expect(page.get_by_role("button", name="Register")).to_have_count(0)
    store.shot(page, "registered")
    mail = mailbox.latest(page, "carlos@acme.test", "you are registered for Notebook launch breakfast")
    expect(mail).to_contain_text("Hotel Camino Real, Ciudad de México")
    expect(mail).to_contain_text("customer's contact")
    assert Registration.objects.get().kind == Registration.Kind.CUSTOMER_CONTACT


def test_a_visitor_registers_with_the_form_and_a_typo_keeps_what_was_typed(store, mailbox, events):
    page = store.new_page()
    page.goto(f"{store.base_url}/events/")
    page.get_by_label("Events in").select_option(label="Colombia")
    page.get_by_role("button", name="Show events").click()
    page.get_by_role("link", name="Jornada de servidores").click()

    page.get_by_role("link", name="Not WebStore customer's contact").click()
    form = store.section(page, "Register")
    form.get_by_label(store.label("First name")).fill("Valeria")
    form.get_by_label(store.label("Last name")).fill("Vargas")
    form.get_by_label(store.label("Company")).fill("Soluciones VV")
    form.get_by_label(store.label("Position")).fill("Gerente")
    form.get_by_label(store.label("Email")).fill("valeria-at-vv.test")
    form.get_by_label(store.label("Phone")).fill("+57 300 555 0101")
    form.get_by_label(store.label("Country")).select_option(label="Colombia")
    form.get_by_role("button", name="Register").click()

    # The mistyped email is refused on the same form; the rest is kept.
    form = store.section(page, "Register")
    expect(form.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(form.get_by_label(store.label("Company"))).to_have_value("Soluciones VV")
    store.shot(page, "bad email kept")
    form.get_by_label(store.label("Email")).fill("valeria@vv.test")
    form.get_by_role("button", name="Register").click()

    store.expect_message(page, re.compile(r"Valeria Vargas is registered for Jornada de servidores"))
    store.shot(page, "visitor registered")
    mail = mailbox.latest(page, "valeria@vv.test", "you are registered for Jornada de servidores")
    expect(mail).to_contain_text("Centro Ágora, Bogotá")
    registration = Registration.objects.get()
    assert registration.kind == Registration.Kind.NOT_CUSTOMER and registration.company == "Soluciones VV"
