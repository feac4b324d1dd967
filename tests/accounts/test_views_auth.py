"""Sign in, sign out, change password and forgot password."""

from __future__ import annotations

import re

from django.urls import reverse

from storefront.models import OutboundEmail


def test_sign_in_with_user_id(client, contact, password):
    response = client.post(reverse("account_login"), {"login": "carlos", "password": password})
    assert response.status_code == 302
    assert "Carlos" in client.get(reverse("home")).content.decode()


def test_sign_in_with_email_in_any_case(client, contact, password):
    response = client.post(reverse("account_login"), {"login": "CARLOS@acme.test", "password": password})
    assert response.status_code == 302


def test_wrong_password_says_so_and_keeps_the_login(client, contact):
    response = client.post(reverse("account_login"), {"login": "carlos", "password": "Wrong-Pass-1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "not correct" in page and 'value="carlos"' in page


def test_failed_sign_ins_are_rate_limited(client, contact):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "carlos", "password": "Wrong-Pass-1"})
    response = client.post(reverse("account_login"), {"login": "carlos", "password": "Wrong-Pass-1"})
    assert "Too many failed login attempts" in response.content.decode()


def test_header_shows_the_account_menu_to_a_contact(contact_client):
    page = contact_client.get(reverse("home")).content.decode()
    assert "MY ACCOUNT" in page and "Account Information" in page and "Change Password" in page


def test_change_password_with_update(contact_client, contact, password, client):
    response = contact_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": "Fresh-Start-42", "password2": "Fresh-Start-42"},
    )
    assert response.status_code == 302
    assert client.login(username="carlos", password="Fresh-Start-42")


def test_change_password_applies_the_rules(contact_client, password):
    response = contact_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": "Carlos-Start-42", "password2": "Carlos-Start-42"},
    )
    assert "must not contain the account holder&#x27;s name" in response.content.decode()


def test_change_password_needs_the_current_one(contact_client):
    response = contact_client.post(
        reverse("account_change_password"),
        {"oldpassword": "Not-It-123", "password1": "Fresh-Start-42", "password2": "Fresh-Start-42"},
    )
    assert "current password" in response.content.decode().lower()


def test_forgot_password_sends_a_link_for_a_matching_pair_only(client, contact, other_contact):
    ok = client.post(reverse("account_reset_password"), {"user_id": "carlos", "email": "carlos@acme.test"})
    mismatch = client.post(reverse("account_reset_password"), {"user_id": "carlos", "email": "omar@orbit.test"})
    unknown = client.post(reverse("account_reset_password"), {"user_id": "nobody", "email": "nobody@x.test"})

    assert ok.status_code == mismatch.status_code == unknown.status_code == 302
    assert ok["Location"] == mismatch["Location"] == unknown["Location"]
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["carlos@acme.test"]


def test_reset_link_sets_a_new_password_once_and_never_emails_one(client, contact, password):
    client.post(reverse("account_reset_password"), {"user_id": "carlos", "email": "carlos@acme.test"})
    body = OutboundEmail.objects.get().body_text
    assert password not in body
    link = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+/)", body).group(1)

    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(action, {"password1": "Fresh-Start-42", "password2": "Fresh-Start-42"})
    assert done.status_code == 302
    assert client.login(username="carlos", password="Fresh-Start-42")
    client.logout()
    again = client.get(link, follow=True)
    assert "This link is not valid" in again.content.decode()
