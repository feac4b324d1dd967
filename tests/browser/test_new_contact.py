"""Create new contacts: from the administrator's NEW CONTACT to the contact's first sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_EMAIL = "nina@acme.test"
NEW_PASSWORD = "Harbor*Lights73"


def test_new_contact_confirms_activates_and_signs_in(store, mailbox, admin_contact, password):
    # The account administrator signs in with its user id and opens MY ACCOUNT → contact list.
    admin = store.start()
    store.sign_in(admin, "ana", password)
    store.expect_signed_in_as(admin, "Ana Alvarez")
    store.my_account(admin, "contact list")
    expect(admin.get_by_role("heading", name="contact list")).to_be_visible()

    # NEW CONTACT: the form, filled in as the help page says, then SAVE.
    admin.get_by_role("link", name="NEW CONTACT").click()
    expect(admin.get_by_role("heading", name="NEW CONTACT")).to_be_visible()
    admin.get_by_label(store.label("First name")).fill("Nina")
    admin.get_by_label(store.label("Last name")).fill("Navarro")
    admin.get_by_label(store.label("Email")).fill(NEW_EMAIL)
    admin.get_by_label(store.label("Position")).fill("Purchasing manager")
    admin.get_by_label(store.label("Telephone")).fill("+52 55 1234 5678")
    expect(admin.get_by_label("See prices and stock", exact=True)).to_be_checked()
    admin.get_by_label("Place orders", exact=True).check()
    admin.get_by_label("Quotes", exact=True).check()
    expect(admin.get_by_label("Account administrator", exact=True)).not_to_be_checked()
    store.shot(admin, "admin fills new contact")
    admin.get_by_role("button", name="SAVE", exact=True).click()

    store.expect_message(admin, f"The contact Nina Navarro was saved. We sent an email to {NEW_EMAIL} to confirm.")
    expect(admin.get_by_role("heading", name="contact list")).to_be_visible()
    row = store.contact_row(admin, NEW_EMAIL)
    expect(row).to_contain_text("Nina Navarro")
    expect(row).to_contain_text("Purchasing manager")
    expect(row).to_contain_text("see prices and stock, place orders, quotes")
    expect(row.get_by_text("Awaiting confirmation", exact=True)).to_be_visible()
    store.shot(admin, "contact awaiting confirmation")
    store.sign_out(admin)

    # The new contact reads its first email and clicks "confirm".
    nina = store.new_page()
    mailbox.follow_link(nina, NEW_EMAIL, "confirm your new user")
    expect(nina.get_by_role("heading", name="Confirm your user")).to_be_visible()
    store.shot(nina, "contact confirm page")
    nina.get_by_role("button", name="confirm", exact=True).click()
    expect(nina.get_by_text("IMPORTANT! There is still one step left to finish.")).to_be_visible()
    store.shot(nina, "one step left")

    # Second email: ACTIVATE USER, then its email to receive a code.
    mailbox.follow_link(nina, NEW_EMAIL, "activate your user")
    expect(nina.get_by_role("heading", name="Almost done!")).to_be_visible()
    nina.get_by_label(store.label("Email")).fill(NEW_EMAIL)
    nina.get_by_role("button", name="Send code").click()
    store.expect_message(nina, "We sent a code to your email.")
    expect(nina.get_by_role("heading", name="Enter your code")).to_be_visible()

    # The code is read in another tab, as a person keeps the mail open beside the store.
    mail_tab = nina.context.new_page()
    code = mailbox.code(mail_tab, NEW_EMAIL)
    store.shot(mail_tab, "outbox with the code")
    mail_tab.close()

    # A wrong code first: the message says so and how many tries are left.
    wrong = "000000" if code != "000000" else "111111"
    nina.get_by_label(store.label("Code")).fill(wrong)
    nina.get_by_role("button", name="VALIDATE CODE").click()
    expect(nina.get_by_role("alert").filter(has_text="The code is not correct. 4 tries left.")).to_be_visible()
    expect(nina.get_by_role("heading", name="Enter your code")).to_be_visible()
    store.shot(nina, "wrong code")

    nina.get_by_label(store.label("Code")).fill(code)
    nina.get_by_role("button", name="VALIDATE CODE").click()
    expect(nina.get_by_role("heading", name="We reached the finish line!")).to_be_visible()

    # A password that breaks a rule (no capital letter): the rule's message, the form still there.
    nina.get_by_label(store.label("New password")).fill(NEW_PASSWORD.lower())
    nina.get_by_label(store.label("New password (again)")).fill(NEW_PASSWORD.lower())
    nina.get_by_role("button", name="Set password").click()
    expect(nina.get_by_role("alert").filter(has_text="The password must contain at least one capital letter.")).to_be_visible()
    expect(nina.get_by_role("heading", name="We reached the finish line!")).to_be_visible()
    expect(nina.get_by_label(store.label("New password"))).to_be_editable()
    expect(nina.get_by_label(store.label("New password (again)"))).to_be_editable()
    store.shot(nina, "password breaks a rule")

    nina.get_by_label(store.label("New password")).fill(NEW_PASSWORD)
    nina.get_by_label(store.label("New password (again)")).fill(NEW_PASSWORD)
    nina.get_by_role("button", name="Set password").click()
    store.expect_message(nina, "Your user is active.")

    # The first sign-in, with the email and the new password: the header shows who it is.
    store.fill_sign_in(nina, NEW_EMAIL, NEW_PASSWORD)
    store.expect_signed_in_as(nina, "Nina Navarro")
    expect(nina.get_by_role("heading", name="Welcome, Nina")).to_be_visible()
    store.shot(nina, "new contact signed in")

    # Back in the administrator's browser, the contact is now active.
    store.sign_in(admin, "ana@acme.test", password)
    store.my_account(admin, "contact list")
    expect(store.contact_row(admin, NEW_EMAIL).get_by_text("Active", exact=True)).to_be_visible()
    store.shot(admin, "contact active in list")


def test_new_contact_page_keeps_the_administrators_header(store, admin_contact, password):
    """On the NEW CONTACT form the header still shows MY ACCOUNT and who is signed in."""
    admin = store.start()
    store.sign_in(admin, "ana", password)
    store.my_account(admin, "contact list")
    admin.get_by_role("link", name="NEW CONTACT").click()
    expect(admin.get_by_role("heading", name="NEW CONTACT")).to_be_visible()
    store.shot(admin, "new contact header")
    store.expect_signed_in_as(admin, "Ana Alvarez")
    header = store.header(admin)
    header.get_by_text("MY ACCOUNT", exact=True).click()
    expect(header.get_by_role("link", name="contact list", exact=True)).to_be_visible()


def test_new_contact_permissions_are_a_labelled_group(store, admin_contact, password):
    """The permission checkboxes form one group named "Permissions" (a fieldset and its legend)."""
    admin = store.start()
    store.sign_in(admin, "ana", password)
    store.my_account(admin, "contact list")
    admin.get_by_role("link", name="NEW CONTACT").click()
    permissions = admin.get_by_role("group", name="Permissions")
    expect(permissions).to_be_visible()
    expect(permissions.get_by_role("checkbox")).to_have_count(7)
    expect(permissions.get_by_role("checkbox", name="See prices and stock", exact=True)).to_be_checked()
    expect(permissions.get_by_role("checkbox", name="Place orders", exact=True)).not_to_be_checked()
