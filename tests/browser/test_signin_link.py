"""A contact whose sign-in is paused (someone spent its wrong passwords of the hour) gets in with the
sign-in link the sign-in page offers, by the labels a person sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.test_signin_link import spend_the_bound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAUSED = re.compile(r"Too many wrong passwords or codes were tried for this user in the last hour")


def test_a_paused_sign_in_and_the_emailed_link(store, mailbox, contact, password):
    spend_the_bound(contact.user)
    page = store.start()
    store.sign_in(page, "carlos", password)
    expect(page.get_by_role("alert").filter(has_text=PAUSED)).to_be_visible()
    store.shot(page, "sign-in paused")

    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    phone = store.new_page()
    mailbox.follow_link(phone, "carlos@acme.test", "your sign-in link")
    expect(phone.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(phone.get_by_text("Enter the password of the user carlos.")).to_be_visible()
    phone.get_by_label(store.label("Password")).fill("Wrong-Pass-1")
    phone.get_by_role("button", name="Sign in", exact=True).click()
    expect(phone.get_by_role("alert").filter(has_text="This link allows 4 more tries")).to_be_visible()
    phone.get_by_label(store.label("Password")).fill(password)
    store.shot(phone, "the sign-in link's page")
    phone.get_by_role("button", name="Sign in", exact=True).click()
    store.expect_signed_in_as(phone, "Carlos Bermudez")
