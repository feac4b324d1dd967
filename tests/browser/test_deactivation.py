"""Deactivate contact: the confirmation, the message, and the contact locked out at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deactivated_contact_is_signed_out_and_cannot_sign_in(store, admin_contact, contact, password):
    # The contact is working in its own browser.
    carlos = store.start()
    store.sign_in(carlos, "carlos", password)
    store.my_account(carlos, "Contact information")
    expect(carlos.get_by_role("heading", name="Contact information")).to_be_visible()
    store.expect_signed_in_as(carlos, "Carlos Bermudez")

    # The administrator deactivates it from the contact list.
    admin = store.start()
    store.sign_in(admin, "ana", password)
    store.my_account(admin, "contact list")
    expect(store.contact_row(admin, "ana").get_by_role("link", name="Deactivate")).to_have_count(0)
    store.contact_row(admin, "carlos").get_by_role("link", name="Deactivate").click()
    # The confirmation opens as a dialog over the list (htmx), without leaving the page.
    dialog = admin.get_by_role("alertdialog", name="Deactivate contact")
    expect(dialog.get_by_text("Are you sure you want to deactivate Carlos Bermudez (carlos@acme.test)?")).to_be_visible()
    assert admin.url.endswith("/account/contacts/")
    store.shot(admin, "are you sure")
    admin.get_by_role("button", name="Accept").click()

    store.expect_message(admin, "The changes have been registered correctly.")
    row = store.contact_row(admin, "carlos")
    expect(row.get_by_text("Inactive", exact=True)).to_be_visible()
    expect(row.get_by_role("link")).to_have_count(0)
    store.shot(admin, "contact inactive")

    # The contact's open session ends: its next page load asks it to sign in.
    carlos.reload()
    expect(carlos.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    store.expect_signed_out(carlos)
    store.shot(carlos, "session ended")

    # And it cannot sign in again, with its user id or its email.
    for login in ("carlos", "carlos@acme.test"):
        store.sign_in(carlos, login, password)
        expect(carlos.get_by_role("alert").filter(has_text="This user is not active.")).to_be_visible()
        store.expect_signed_out(carlos)
    store.shot(carlos, "inactive user refused")
