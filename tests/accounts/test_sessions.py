"""Sessions end when they must: a deactivated contact's at its next request, and every other session of
a contact that resets (or changes) its password."""

from __future__ import annotations

import re

import time_machine
from django.test import Client
from django.urls import reverse

from storefront.models import OutboundEmail
from tests.accounts.factories import PASSWORD

NEW_PASSWORD = "Fresh-Start-42"


def signed_in(login: str, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post(reverse("account_login"), {"login": login, "password": password}).status_code == 302
    return client


def is_signed_out(client: Client) -> bool:
    response = client.get(reverse("accounts:account-detail"))
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def reset_password(client: Client, *, user_id: str, email: str, password: str) -> None:
    client.post(reverse("account_reset_password"), {"user_id": user_id, "email": email})
    body = OutboundEmail.objects.filter(to=email).latest("id").body_text
    link = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+/)", body).group(1)
    action = client.get(link, follow=True).redirect_chain[-1][0]
    assert client.post(action, {"password1": password, "password2": password}).status_code == 302


def test_password_reset_ends_every_other_session(contact):
    # Given the contact signed in on two computers
    office, laptop = signed_in("carlos"), signed_in("carlos@acme.test")
    assert not is_signed_out(office) and not is_signed_out(laptop)
    # When someone with its mailbox resets the password from a third
    reset_password(Client(), user_id="carlos", email="carlos@acme.test", password=NEW_PASSWORD)
    # Then both sessions end at their next request, and the new password signs in
    assert is_signed_out(office) and is_signed_out(laptop)
    assert not is_signed_out(signed_in("carlos", NEW_PASSWORD))


def test_password_change_keeps_this_session_and_ends_the_others(contact):
    here, elsewhere = signed_in("carlos"), signed_in("carlos")
    here.post(reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not is_signed_out(here)
    assert is_signed_out(elsewhere)


def test_deactivating_a_contact_ends_each_of_its_sessions_at_the_next_request(admin_contact, contact):
    office, laptop = signed_in("carlos"), signed_in("carlos@acme.test")
    admin = signed_in("ana")
    admin.post(reverse("accounts:contact-deactivate", args=[contact.pk]))
    assert is_signed_out(office) and is_signed_out(laptop)
    # nor does an htmx request get anything
    response = office.get(reverse("orders:cart"), HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and "Carlos" not in response.content.decode()


def test_password_reset_gives_back_the_accounts_bound_of_guesses(client, contact, settings):
    from tests.accounts.test_signin_guessing import GUESSES_SPENT, next_hour

    # Given an attacker who spent the account's 100 wrong passwords of the hour
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}
    with time_machine.travel(next_hour(), tick=False):
        for n in range(100):
            client.post(reverse("account_login"), {"login": "carlos", "password": "Wrong-Pass-1"}, REMOTE_ADDR=f"10.3.0.{n}")
        refused = client.post(reverse("account_login"), {"login": "carlos", "password": PASSWORD})
        assert GUESSES_SPENT in refused.content.decode()
        # When the contact resets its password by email
        reset_password(Client(), user_id="carlos", email="carlos@acme.test", password=NEW_PASSWORD)
        # Then it can sign in again within the hour
        assert not is_signed_out(signed_in("carlos", NEW_PASSWORD))


def test_the_session_hash_is_djangos_for_the_password_and_key_of_the_moment(contact, settings):
    from django.contrib.auth.base_user import AbstractBaseUser

    user = contact.user

    def djangos(secret=None):
        return AbstractBaseUser._get_session_auth_hash(user, secret=secret)

    first = user.get_session_auth_hash()
    assert first == djangos() == user.get_session_auth_hash()

    user.set_password(NEW_PASSWORD)
    assert user.get_session_auth_hash() == djangos() != first

    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-rotated-key-" + "z" * 40, [old_key]
    assert user.get_session_auth_hash() == djangos()
    assert list(user.get_session_auth_fallback_hash()) == [djangos(secret=old_key)]


def test_a_session_signed_with_a_former_key_still_works_after_a_rotation(contact, settings):
    client = signed_in("carlos")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-rotated-key-" + "z" * 40, [settings.SECRET_KEY]

    assert not is_signed_out(client)
    assert not is_signed_out(client)  # the session moved to the new key's hash
