"""Change Password and Forgot your password, as the help pages describe them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The help page's own example of a good password.
NEW_PASSWORD = "Computer*12"
WRONG_CREDENTIALS = re.compile(r"and/or password you specified are not correct")


def test_change_password(store, contact, password):
    page = store.start()
    store.sign_in(page, "carlos", password)
    store.my_account(page, "Change Password")
    expect(page.get_by_role("heading", name="Change Password")).to_be_visible()

    def change(current: str, new: str) -> None:
        page.get_by_label(store.label("Current password")).fill(current)
        page.get_by_label(store.label("New password")).fill(new)
        page.get_by_label(store.label("New password (again)")).fill(new)
        page.get_by_role("button", name="Update").click()

    # Each broken rule shows its own message, and the form stays.
    for bad, rule in (
        ("computer*12", "The password must contain at least one capital letter."),
        ("Computer*ab", "The password must contain at least one number."),
        ("Cp*1", "The password must be 8 to 25 characters long."),
        ("Carlos*2024", "The password must not contain the account holder's name (“carlos”)."),
        ("AcmeShop*12", "The password must not contain the company's name (“acme”)."),
    ):
        change(password, bad)
        expect(page.get_by_role("alert").filter(has_text=rule)).to_be_visible()
        expect(page.get_by_role("heading", name="Change Password")).to_be_visible()
        if bad == "computer*12":
            store.shot(page, "password breaks a rule")

    change(password, NEW_PASSWORD)
    store.expect_message(page, "Password successfully changed.")
    store.shot(page, "password changed")
    store.sign_out(page)

    store.sign_in(page, "carlos", password)
    expect(page.get_by_role("alert").filter(has_text=WRONG_CREDENTIALS)).to_be_visible()
    store.fill_sign_in(page, "carlos", NEW_PASSWORD)
    store.expect_signed_in_as(page, "Carlos Bermudez")


def _ask_for_reset(store, page, user_id: str, email: str) -> str:
    """From the sign-in page, "Forgot your password?", the form, "send"; the answer page's text."""
    store.header(page).get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_text("Please enter your User Id and email and click send")).to_be_visible()
    page.get_by_label(store.label("User ID")).fill(user_id)
    page.get_by_label(store.label("Email")).fill(email)
    page.get_by_role("button", name="send", exact=True).click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    return page.get_by_role("main").inner_text()


def test_forgot_password(store, mailbox, contact):
    page = store.start()
    _ask_for_reset(store, page, "carlos", "carlos@acme.test")
    store.shot(page, "check your email")

    mailbox.follow_link(page, "carlos@acme.test", "Set a new password")
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.get_by_label(store.label("New password")).fill("short1A")
    page.get_by_label(store.label("New password (again)")).fill("short1A")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("alert").filter(has_text="The password must be 8 to 25 characters long.")).to_be_visible()
    page.get_by_label(store.label("New password")).fill(NEW_PASSWORD)
    page.get_by_label(store.label("New password (again)")).fill(NEW_PASSWORD)
    store.shot(page, "set a new password")
    page.get_by_role("button", name="Update").click()

    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    store.fill_sign_in(page, "carlos@acme.test", NEW_PASSWORD)
    store.expect_signed_in_as(page, "Carlos Bermudez")
    store.shot(page, "signed in with reset password")


def test_forgot_password_wrong_pair_gets_same_answer_and_no_email(store, mailbox, admin_contact, contact):
    # A user id with another user's email: the same answer page, and no email to anyone.
    page = store.start()
    wrong_answer = _ask_for_reset(store, page, "carlos", "ana@acme.test")
    store.shot(page, "wrong pair answer")
    mailbox.open(page)
    expect(page.get_by_role("article")).to_have_count(0)
    expect(page.get_by_text("No emails yet.")).to_be_visible()

    other = store.start()
    right_answer = _ask_for_reset(store, other, "carlos", "carlos@acme.test")
    assert wrong_answer == right_answer
    mailbox.open(other)
    expect(other.get_by_role("article")).to_have_count(1)
    expect(mailbox.emails(other, "carlos@acme.test", "Set a new password")).to_have_count(1)
