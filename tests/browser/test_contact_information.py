"""Contact information: a contact updates its own data; blocked company data stays read-only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKED_NOTE = "Blocked: only your sales executive can change it."


def test_contact_updates_its_information(store, contact, password):
    page = store.start()
    store.sign_in(page, "carlos", password)
    store.my_account(page, "Contact information")
    expect(page.get_by_role("heading", name="Contact information")).to_be_visible()

    details = store.section(page, "Your details")
    expect(details.get_by_label(store.label("Telephone"))).to_have_value("+52 55 0000 0000")
    details.get_by_label(store.label("Telephone")).fill("+52 33 4444 5555")
    details.get_by_label(store.label("Position")).fill("Purchasing lead")
    details.get_by_role("button", name="save", exact=True).click()

    store.expect_message(page, "The changes have been registered correctly.")
    details = store.section(page, "Your details")
    expect(details.get_by_label(store.label("Telephone"))).to_have_value("+52 33 4444 5555")
    expect(details.get_by_label(store.label("Position"))).to_have_value("Purchasing lead")

    # The company's data is the administrator's; its blocked fields say so and cannot be typed in.
    company = store.section(page, "Company details")
    company_name = company.get_by_label(store.label("Company name"))
    expect(company_name).to_have_value("Acme Reseller")
    expect(company_name).to_be_disabled()
    expect(company.get_by_label(store.label("City"))).to_be_disabled()
    expect(company.get_by_text(BLOCKED_NOTE).first).to_be_visible()
    expect(company.get_by_role("button", name="save")).to_have_count(0)
    store.shot(page, "contact information saved")


def test_administrator_sees_blocked_company_fields_read_only(store, admin_contact, password):
    page = store.start()
    store.sign_in(page, "ana", password)
    store.my_account(page, "Contact information")

    company = store.section(page, "Company details")
    company_name = company.get_by_label(store.label("Company name"))
    expect(company_name).to_be_disabled()
    expect(company_name).to_have_value("Acme Reseller")
    expect(company.get_by_label(store.label("Tax id"))).to_be_disabled()
    expect(company.get_by_text(BLOCKED_NOTE)).to_have_count(2)

    # The fields that are not blocked are the administrator's to change.
    city = company.get_by_label(store.label("City"))
    expect(city).to_be_editable()
    city.fill("Guadalajara")
    company.get_by_role("button", name="save", exact=True).click()
    store.expect_message(page, "The changes have been registered correctly.")
    company = store.section(page, "Company details")
    expect(company.get_by_label(store.label("City"))).to_have_value("Guadalajara")
    expect(company.get_by_label(store.label("Company name"))).to_have_value("Acme Reseller")
    store.shot(page, "administrator company details")
