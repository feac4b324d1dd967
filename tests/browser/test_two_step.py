"""Two-step sign-in, as an account administrator meets it: turning it on for the account's
administrators, being sent to set up the app, and signing in with its code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.test_views_two_step import code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_turns_on_two_step_sign_in_and_sets_up_its_app(store, admin_contact, contact, password):
    page = store.start()
    store.sign_in(page, "ana", password)
    store.expect_signed_in_as(page, "Ana Alvarez")

    # contact list: "Two-step sign-in", tick, Save
    store.my_account(page, "contact list")
    card = store.section(page, "Two-step sign-in")
    card.get_by_label("Administrators sign in with an authenticator app").check()
    store.shot(page, "two-step setting")
    card.get_by_role("button", name="Save").click()
    store.expect_message(page, "From now on, administrators sign in with a code from an authenticator app.")

    # Any other page sends the administrator to set up its app, after its password again
    page.goto(store.base_url + "/catalog/")
    store.expect_message(page, "Set it up to go on")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label(store.label("Password")).fill(password)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    store.shot(page, "set up the app")
    secret = page.locator("#totp-secret").inner_text().strip()

    # A wrong code is said so on the same page
    page.get_by_label(store.label("Code from your authenticator app")).fill("123")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("alert").filter(has_text="Incorrect code")).to_be_visible()
    page.get_by_label(store.label("Code from your authenticator app")).fill(code_for(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("On: after your password, you enter a code from your authenticator app.")).to_be_visible()

    # Signing in now takes the password, then the app's code
    store.sign_out(page)
    store.sign_in(page, "ana", password)
    expect(page.get_by_role("heading", name="Sign in: second step")).to_be_visible()
    store.shot(page, "second step")
    page.get_by_label(store.label("Code from your authenticator app")).fill(code_for(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    store.expect_signed_in_as(page, "Ana Alvarez")
