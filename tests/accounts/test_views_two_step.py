"""Two-step sign-in: a contact sets up an authenticator app, signs in with its code, and an account
administrator can require it of every administrator of the account."""

from __future__ import annotations

import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value, yield_hotp_counters_from_time
from django.test import Client
from django.urls import reverse

from accounts.models import ContactEvent
from tests.accounts.factories import PASSWORD

# The refusal once the account's bound of guesses is spent (accounts.signin).
GUESSES_SPENT = "Too many wrong passwords or codes were tried for this user"


def code_for(secret: str, *, shift: int = 0) -> str:
    """The code the app shows now (`shift` periods away: codes the store does not accept now)."""
    counter = next(iter(yield_hotp_counters_from_time())) + shift
    return format_hotp_value(hotp_value(secret, counter))


def wrong_code(secret: str) -> str:
    right = {code_for(secret, shift=s) for s in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in right)


def sign_in(client: Client, login: str, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def confirm_password(client: Client, password: str = PASSWORD) -> None:
    """Changing how one signs in asks for the password again (allauth's re-authentication)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[-2000:]


def with_totp(contact) -> str:
    secret = generate_totp_secret()
    TOTP.activate(contact.user, secret)
    return secret


def test_a_contact_sets_up_an_authenticator_app(client, contact):
    # Given a contact signed in with its password
    sign_in(client, "carlos")
    # When it opens Two-step sign-in and asks to set up an app
    assert "Off: you sign in with your password alone" in client.get(reverse("mfa_index")).content.decode()
    # (it is asked for its password again first)
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'<code id="totp-secret">(\w+)</code>', page).group(1)
    assert "data:image/svg+xml;base64," in page
    # And enters the code its app shows
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    # Then the app is on
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=contact.user, type=Authenticator.Type.TOTP).exists()
    assert "On: after your password" in client.get(reverse("mfa_index")).content.decode()


def test_setting_up_with_a_wrong_code_says_so_on_the_same_page(client, contact):
    sign_in(client, "carlos")
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "12ab"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=contact.user).exists()


def test_signing_in_with_the_app_asks_for_its_code_after_the_password(client, contact):
    secret = with_totp(contact)
    # When the contact enters its password
    response = sign_in(client, "carlos")
    # Then it is asked for the code, and is not signed in yet
    assert response["Location"] == reverse("mfa_authenticate")
    assert "Carlos" not in client.get(reverse("home")).content.decode()
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Code from your authenticator app" in page
    # A wrong code is said so on the same page
    wrong = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    # The right code signs in
    right = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert right.status_code == 302
    assert "Carlos" in client.get(reverse("home")).content.decode()


@pytest.fixture
def within_one_clock_hour():
    # The account's bound counts in clock hours: these tests run well inside one.
    from tests.accounts.test_signin_guessing import next_hour

    with time_machine.travel(next_hour(), tick=False):
        yield


def test_wrong_codes_alone_stop_at_100_an_hour(client, contact, settings, capsys, within_one_clock_hour):
    # Only the account's bound is left on: allauth's per-address and per-name counts would stop the
    # guesser sooner, and this test measures the bound that holds whatever the addresses.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}
    secret = with_totp(contact)
    sign_in(client, "carlos")
    outcomes = []
    for n in range(110):
        page = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)}, REMOTE_ADDR=f"10.1.{n // 200}.{n % 200}")
        text = page.content.decode()
        outcomes.append("refused" if GUESSES_SPENT in text else "checked" if "Incorrect code" in text else "?")
    right = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    with capsys.disabled():
        print(f"\n[per-account bound, codes] 110 wrong codes: {outcomes.count('checked')} checked, {outcomes.count('refused')} refused")
    assert outcomes.count("checked") == 100 and outcomes.count("refused") == 10
    assert GUESSES_SPENT in right.content.decode()


def test_wrong_passwords_and_wrong_codes_share_the_bound(client, contact, settings, within_one_clock_hour):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}
    secret = with_totp(contact)
    # Given 60 wrong passwords
    for n in range(60):
        assert "not correct" in sign_in(client, "carlos", "Wrong-Pass-1", REMOTE_ADDR=f"10.2.0.{n}").content.decode()
    # And the right password, then 40 wrong codes
    sign_in(client, "carlos")
    for n in range(40):
        assert "Incorrect code" in client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)}).content.decode()
    # When the right code comes
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    # Then it is refused unchecked: 100 wrong guesses of either kind were checked
    assert GUESSES_SPENT in response.content.decode()


# --- required for the account's administrators ----------------------------------------------------


def test_an_administrator_requires_the_app_for_the_account_administrators(admin_contact_client, admin_contact):
    page = admin_contact_client.get(reverse("accounts:contact-list")).content.decode()
    assert "Administrators sign in with an authenticator app" in page
    response = admin_contact_client.post(reverse("accounts:totp-requirement"), {"required": "on"}, follow=True)
    assert "From now on, administrators sign in with a code from an authenticator app." in response.content.decode()
    admin_contact.account.refresh_from_db()
    assert admin_contact.account.totp_required_for_admins
    assert ContactEvent.objects.filter(contact=admin_contact, note__contains="authenticator app required").exists()


def test_an_administrator_without_the_app_is_sent_to_set_it_up_before_anything_else(client, admin_contact, contact):
    # Given the account requires the app and the administrator has none
    admin_contact.account.totp_required_for_admins = True
    admin_contact.account.save()
    sign_in(client, "ana")
    # When it opens any page of the store
    for name in ("home", "accounts:contact-list", "accounts:account-detail", "orders:cart"):
        response = client.get(reverse(name))
        # Then it is sent to set up the app
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), name
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Set it up to go on" in page
    secret = re.search(r'<code id="totp-secret">(\w+)</code>', page).group(1)
    client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    # And once it has, the store opens
    assert client.get(reverse("accounts:contact-list")).status_code == 200


def test_the_requirement_leaves_ordinary_contacts_and_other_accounts_alone(contact_client, other_admin_client, admin_contact):
    admin_contact.account.totp_required_for_admins = True
    admin_contact.account.save()
    assert contact_client.get(reverse("home")).status_code == 200
    assert other_admin_client.get(reverse("accounts:contact-list")).status_code == 200


def test_an_ordinary_contact_cannot_change_the_requirement(contact_client, contact):
    response = contact_client.post(reverse("accounts:totp-requirement"), {"required": "on"})
    assert response.status_code == 403
    contact.account.refresh_from_db()
    assert not contact.account.totp_required_for_admins


def test_a_required_administrator_cannot_remove_its_app(client, admin_contact):
    secret = with_totp(admin_contact)
    admin_contact.account.totp_required_for_admins = True
    admin_contact.account.save()
    sign_in(client, "ana")
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    confirm_password(client)
    page = client.get(reverse("mfa_deactivate_totp")).content.decode()
    assert "you cannot remove yours" in page
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=admin_contact.user).exists()


def test_an_ordinary_contact_can_remove_its_app(client, contact):
    secret = with_totp(contact)
    sign_in(client, "carlos")
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    confirm_password(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=contact.user).exists()


@pytest.mark.parametrize("code", ["", "abc", "1" * 200])
def test_a_bad_code_gets_a_message_on_the_same_page(client, contact, code):
    with_totp(contact)
    sign_in(client, "carlos")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_requirement_service_refuses_an_ordinary_contact_and_records_each_change_once(admin_contact, contact):
    from accounts.services import ContactError, account_totp_requirement_set

    with pytest.raises(ContactError, match="Only an administrator of this account"):
        account_totp_requirement_set(actor=contact, required=True)
    account_totp_requirement_set(actor=admin_contact, required=True)
    account_totp_requirement_set(actor=admin_contact, required=True)  # running twice changes nothing more
    assert ContactEvent.objects.filter(note__contains="authenticator app required").count() == 1
    account_totp_requirement_set(actor=admin_contact, required=False)
    admin_contact.account.refresh_from_db()
    assert not admin_contact.account.totp_required_for_admins


def test_an_htmx_request_of_an_administrator_without_the_app_sends_the_whole_page_to_set_up(admin_contact_client, admin_contact):
    admin_contact.account.totp_required_for_admins = True
    admin_contact.account.save()
    response = admin_contact_client.get(reverse("orders:cart"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")
