"""Update your contacts: the administrator changes a contact's email and clicks "Validate Email"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_EMAIL = "carlos@acme.test"
NEW_EMAIL = "carlos.new@acme.test"
WRONG_CREDENTIALS = re.compile(r"and/or password you specified are not correct")


def test_email_change_holds_only_once_validated(store, mailbox, admin_contact, contact, password):
    admin = store.start()
    store.sign_in(admin, "ana@acme.test", password)
    store.my_account(admin, "contact list")

    # Edit the contact, change its email, Validate Email.
    store.contact_row(admin, "carlos").get_by_role("link", name="Edit").click()
    expect(admin.get_by_role("heading", name="Edit contact Carlos Bermudez")).to_be_visible()
    email_field = admin.get_by_label(store.label("Email"))
    expect(email_field).to_have_value(OLD_EMAIL)
    email_field.fill(NEW_EMAIL)
    store.shot(admin, "admin changes the email")
    admin.get_by_role("button", name="Validate Email").click()

    # The page says the old email holds until the contact follows the link sent to the new one.
    store.expect_message(admin, "The changes have been registered correctly.")
    expect(admin.get_by_text(f"The email {NEW_EMAIL} is awaiting validation")).to_be_visible()
    expect(admin.get_by_text(f"its email stays {OLD_EMAIL}")).to_be_visible()
    expect(admin.get_by_label(store.label("Email"))).to_have_value(NEW_EMAIL)
    store.shot(admin, "edit page awaiting validation")

    admin.get_by_role("link", name="contact list").first.click()
    row = store.contact_row(admin, "carlos")
    expect(row).to_contain_text(OLD_EMAIL)
    expect(row).to_contain_text(f"{NEW_EMAIL}, awaiting validation")
    store.shot(admin, "list awaiting validation")

    # Until the contact validates, it still signs in with the old email, not with the new one.
    carlos = store.start()
    store.sign_in(carlos, NEW_EMAIL, password)
    expect(carlos.get_by_role("alert").filter(has_text=WRONG_CREDENTIALS)).to_be_visible()
    store.fill_sign_in(carlos, OLD_EMAIL, password)
    store.expect_signed_in_as(carlos, "Carlos Bermudez")
    store.sign_out(carlos)

    # The link in the email sent to the new address, then "Validate Email".
    mailbox.follow_link(carlos, NEW_EMAIL, "validate your new email")
    expect(carlos.get_by_role("heading", name="Validate Email")).to_be_visible()
    expect(carlos.get_by_text(f"confirm that {NEW_EMAIL} is your new email")).to_be_visible()
    store.shot(carlos, "contact validates new email")
    carlos.get_by_role("button", name="Validate Email").click()
    store.expect_message(carlos, f"Your email is now {NEW_EMAIL}.")

    # Now the new email signs in, and the old one no longer does.
    store.sign_in(carlos, NEW_EMAIL, password)
    store.expect_signed_in_as(carlos, "Carlos Bermudez")
    store.shot(carlos, "signed in with new email")
    store.sign_out(carlos)
    store.sign_in(carlos, OLD_EMAIL, password)
    expect(carlos.get_by_role("alert").filter(has_text=WRONG_CREDENTIALS)).to_be_visible()
    store.expect_signed_out(carlos)
    store.shot(carlos, "old email refused")

    # The administrator's list shows the new email, no longer awaiting anything.
    admin.reload()
    row = store.contact_row(admin, "carlos")
    expect(row).to_contain_text(NEW_EMAIL)
    expect(row).not_to_contain_text("awaiting validation")
    expect(row).not_to_contain_text(OLD_EMAIL)


def test_validate_email_says_where_the_link_went(store, admin_contact, contact, password):
    """Right after "Validate Email", the message names the address the link was sent to."""
    admin = store.start()
    store.sign_in(admin, "ana", password)
    store.my_account(admin, "contact list")
    store.contact_row(admin, "carlos").get_by_role("link", name="Edit").click()
    admin.get_by_label(store.label("Email")).fill(NEW_EMAIL)
    admin.get_by_role("button", name="Validate Email").click()
    store.shot(admin, "after validate email")
    store.expect_message(admin, "The changes have been registered correctly.")
    store.expect_message(admin, f"We sent a link to {NEW_EMAIL}: the new email holds once the contact validates it.")


def test_edit_contact_page_header_shows_the_administrator(store, admin_contact, contact, password):
    """Editing another contact, the header still names who is signed in and keeps the admin's menu."""
    admin = store.start()
    store.sign_in(admin, "ana", password)
    store.my_account(admin, "contact list")
    store.contact_row(admin, "carlos").get_by_role("link", name="Edit").click()
    expect(admin.get_by_role("heading", name="Edit contact Carlos Bermudez")).to_be_visible()
    store.shot(admin, "edit contact header")
    header = store.header(admin)
    expect(header).to_contain_text("Ana Alvarez")
    expect(header).not_to_contain_text("Carlos Bermudez")
    header.get_by_text("MY ACCOUNT", exact=True).click()
    expect(header.get_by_role("link", name="contact list", exact=True)).to_be_visible()
