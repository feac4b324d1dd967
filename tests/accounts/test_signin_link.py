"""The way back in while an account's sign-in is paused: anyone who knows a user id can spend its bound
of guesses, so the sign-in page offers its holder a one-time sign-in link by email; the link asks for
the password (and the authenticator app's code) with tries of its own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import SignInLink
from accounts.signin import GuessesSpent, signin_guess_take, signin_records_purge
from storefront.audit.models import SecurityEvent
from storefront.models import OutboundEmail
from tests.accounts.factories import PASSWORD
from tests.accounts.test_signin_guessing import GUESSES_SPENT, WRONG, _address, _page, _sign_in, next_hour
from tests.accounts.test_views_two_step import code_for, with_totp, wrong_code

NOT_CORRECT = "The password is not correct"
GONE = "This sign-in link cannot be used"


@pytest.fixture(autouse=True)
def _at_the_start_of_an_hour():
    # The bound counts in clock hours: each test runs well inside one.
    with time_machine.travel(next_hour() + timedelta(minutes=1), tick=False) as clock:
        yield clock


@pytest.fixture
def only_the_account_bound(settings):
    """allauth's per-address and per-name limits off, so a test can spend an account's bound from one address."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}


def spend_the_bound(user) -> None:
    """The attacker's 100 wrong guesses of the hour, as the sign-in page counts them."""
    request = RequestFactory().post("/")
    for _ in range(100):
        signin_guess_take(request=request, user=user)
    with pytest.raises(GuessesSpent):
        signin_guess_take(request=request, user=user)


def ask_for_link(client: Client, login: str, address: str = "198.51.100.7"):
    return client.post(reverse("accounts:signin-link-request"), {"login": login}, REMOTE_ADDR=address)


def emailed_link(to: str = "carlos@acme.test") -> str:
    """The path of the newest sign-in link emailed to `to`."""
    email = OutboundEmail.objects.filter(to=to, subject__contains="sign-in link").latest("id")
    return re.search(r"https?://[^/\s]+(/account/sign-in-link/key/\S+/)", email.body_text).group(1)


def follow(client: Client, link: str, password: str = PASSWORD):
    """Open the emailed link, then send the password on the page it leads to."""
    opened = client.get(link)
    if opened.status_code != 302:
        return opened
    assert opened["Location"] == reverse("accounts:signin-link-password")
    return client.post(opened["Location"], {"password": password})


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_at_the_bound_the_right_password_is_refused_and_the_emailed_link_lets_the_owner_in(client, contact, only_the_account_bound):
    # Given an attacker who spent Carlos's 100 guesses of the hour from many addresses
    for n in range(100):
        assert _sign_in(client, "carlos", WRONG, address=_address(n)) == "checked"
    # When Carlos comes with his right password, it is refused, and the page offers a sign-in link
    owner = Client()
    page = owner.post(reverse("account_login"), {"login": "carlos", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
    assert page.status_code == 200 and GUESSES_SPENT in page.content.decode()
    assert "Email me a sign-in link" in page.content.decode()
    assert signed_in_as(owner) is None
    # And he asks for it
    asked = ask_for_link(owner, "carlos", address="203.0.113.5")
    assert asked.status_code == 302 and asked["Location"] == reverse("accounts:signin-link-sent")
    assert "Check your email" in owner.get(asked["Location"]).content.decode()
    # Then the link reaches his mailbox only, through the outbox
    email = OutboundEmail.objects.get(subject__contains="sign-in link")
    assert email.to == "carlos@acme.test" and "carlos" in email.body_text
    # And opened (on his phone, say) it asks for his password, and signs him in
    phone = Client()
    link = emailed_link()
    password_page = phone.get(phone.get(link)["Location"]).content.decode()
    assert "Enter the password of the user carlos" in password_page
    signed = phone.post(reverse("accounts:signin-link-password"), {"password": PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == reverse("home")
    assert signed_in_as(phone) == str(contact.user.pk)
    # While the account's bound still holds for everyone else
    assert _sign_in(client, "carlos", PASSWORD, address=_address(200)) == "refused"
    kinds = list(SecurityEvent.objects.filter(actor=contact.user).values_list("kind", flat=True))
    assert SecurityEvent.Kind.SIGN_IN_LINK_SENT in kinds and SecurityEvent.Kind.SIGN_IN in kinds


def test_the_link_works_once(contact):
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    link = emailed_link()
    owner = Client()
    assert follow(owner, link).status_code == 302
    # A second use, from anywhere, is refused
    again = follow(Client(), link)
    assert again.status_code == 400 and GONE in again.content.decode()
    link_row = SignInLink.objects.get()
    assert link_row.used_at is not None


def test_an_expired_link_is_refused(contact, _at_the_start_of_an_hour):
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    link = emailed_link()
    _at_the_start_of_an_hour.shift(timedelta(minutes=15, seconds=1))
    visitor = Client()
    response = follow(visitor, link)
    assert response.status_code == 400 and GONE in response.content.decode()
    assert signed_in_as(visitor) is None


def test_a_link_opened_before_it_expired_is_refused_once_it_has(contact, _at_the_start_of_an_hour):
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    owner = Client()
    assert owner.get(emailed_link()).status_code == 302
    _at_the_start_of_an_hour.shift(timedelta(minutes=16))
    response = owner.post(reverse("accounts:signin-link-password"), {"password": PASSWORD})
    assert response.status_code == 400 and signed_in_as(owner) is None


def test_a_link_is_refused_for_any_other_user(contact, admin_contact):
    # Given a link for Carlos, and Ana (of the same account) whose sign-in is paused too
    spend_the_bound(contact.user)
    spend_the_bound(admin_contact.user)
    ask_for_link(Client(), "carlos")
    link = emailed_link()
    uidb36 = re.search(r"/key/([0-9a-z]+)-", link).group(1)
    # When its user part names Ana, it is refused (the key is bound to Carlos)
    from django.utils.http import int_to_base36

    forged = link.replace(f"/key/{uidb36}-", f"/key/{int_to_base36(admin_contact.user.pk)}-")
    visitor = Client()
    assert follow(visitor, forged, password=PASSWORD).status_code == 400
    assert signed_in_as(visitor) is None
    # And Ana asking for her own link does not make Carlos's work for her
    ask_for_link(Client(), "ana")
    assert follow(visitor, forged, password=PASSWORD).status_code == 400
    # Nor does a tampered secret
    assert follow(Client(), link[:-4] + "xyz/").status_code == 400
    # While Carlos's own link still works, for Carlos only
    carlos = Client()
    assert follow(carlos, link).status_code == 302 and signed_in_as(carlos) == str(contact.user.pk)


def test_a_link_sent_before_the_password_changed_is_refused(contact):
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    link = emailed_link()
    # The password changes (a reset, or the administrator's): the link was bound to the old one
    contact.user.set_password("Another-Pass-77")
    contact.user.save(update_fields=["password"])
    visitor = Client()
    assert follow(visitor, link, password="Another-Pass-77").status_code == 400
    assert signed_in_as(visitor) is None


def test_the_links_page_allows_five_passwords(contact):
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    owner = Client()
    owner.get(emailed_link())
    password_page = reverse("accounts:signin-link-password")
    answers = [owner.post(password_page, {"password": f"{WRONG}{n}"}) for n in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 400]
    assert "This link allows 4 more tries" in answers[0].content.decode()
    assert "This link allows one more try" in answers[3].content.decode()
    assert "allows no more tries" in answers[4].content.decode()
    # The right password comes too late
    assert owner.post(password_page, {"password": PASSWORD}).status_code == 400
    assert signed_in_as(owner) is None
    assert SignInLink.objects.get().tries == 5


def test_a_wrong_password_on_the_links_page_keeps_the_page_and_says_so(contact):
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    owner = Client()
    owner.get(emailed_link())
    response = owner.post(reverse("accounts:signin-link-password"), {"password": WRONG})
    assert response.status_code == 200 and NOT_CORRECT in response.content.decode()
    # An empty password is a form error, and spends no try
    response = owner.post(reverse("accounts:signin-link-password"), {"password": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert SignInLink.objects.get().tries == 1
    assert owner.post(reverse("accounts:signin-link-password"), {"password": PASSWORD}).status_code == 302


def test_a_mail_scanner_opening_the_link_uses_nothing_up(contact):
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    link = emailed_link()
    for _ in range(3):
        assert Client().get(link).status_code == 302
    owner = Client()
    assert follow(owner, link).status_code == 302 and signed_in_as(owner) == str(contact.user.pk)


def test_the_password_page_without_a_link_is_refused(db):
    response = Client().get(reverse("accounts:signin-link-password"))
    assert response.status_code == 400 and GONE in response.content.decode()


def test_while_a_link_is_live_asking_again_sends_nothing_and_the_first_still_works(contact, _at_the_start_of_an_hour):
    """Someone spending the holder's bound and asking for links over and over cannot keep the holder
    out: every link goes to the holder's mailbox, one at a time, and once it expires the holder may ask."""
    spend_the_bound(contact.user)
    for n in range(5):
        assert ask_for_link(Client(), "CARLOS@acme.test", address=_address(n))["Location"] == reverse("accounts:signin-link-sent")
    assert OutboundEmail.objects.filter(subject__contains="sign-in link").count() == 1
    first = emailed_link()
    # Expired: the next request sends a new one (the bound still spent in this hour).
    _at_the_start_of_an_hour.shift(timedelta(minutes=16))
    ask_for_link(Client(), "carlos", address=_address(9))
    assert OutboundEmail.objects.filter(subject__contains="sign-in link").count() == 2
    second = emailed_link()
    assert first != second
    assert follow(Client(), first).status_code == 400
    assert follow(Client(), second).status_code == 302


def _answer(client: Client, login: str, address: str) -> tuple:
    response = ask_for_link(client, login, address=address)
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, response.get("Location"), _page(page).replace(login, "LOGIN")


def test_the_request_answers_the_same_whether_or_not_the_user_exists(contact, other_contact):
    # Given Carlos, whose sign-in is paused; Omar, whose sign-in is not; and a name nobody has, paused too
    spend_the_bound(contact.user)
    request = RequestFactory().post("/")
    for _ in range(100):
        signin_guess_take(request=request, login="nobody-here")
    # When a link is asked for each (from one address each)
    answers = {
        login: _answer(Client(), login, address)
        for login, address in (("carlos", "192.0.2.1"), ("omar", "192.0.2.2"), ("nobody-here", "192.0.2.3"))
    }
    # Then the answers are the same
    assert len(set(answers.values())) == 1, answers
    status, location, _ = answers["carlos"]
    assert status == 302 and location == reverse("accounts:signin-link-sent")
    # And only Carlos got an email
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["carlos@acme.test"]


def test_an_inactive_user_gets_no_link(contact):
    spend_the_bound(contact.user)
    contact.user.is_active = False
    contact.user.save(update_fields=["is_active"])
    assert ask_for_link(Client(), "carlos").status_code == 302
    assert not OutboundEmail.objects.exists()


def test_asking_for_links_is_throttled_per_address_the_same_for_every_name(contact):
    spend_the_bound(contact.user)
    known = [ask_for_link(Client(), "carlos", address="192.0.2.50").status_code for _ in range(11)]
    unknown = [ask_for_link(Client(), "nobody", address="192.0.2.51").status_code for _ in range(11)]
    assert known == unknown == [302] * 10 + [200]
    refused = ask_for_link(Client(), "carlos", address="192.0.2.50").content.decode()
    assert "Too many sign-in links were asked for from your network" in refused
    assert 'value="carlos"' in refused  # what was typed is kept


def test_an_empty_request_is_a_form_error(db):
    response = ask_for_link(Client(), "")
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_a_user_with_an_authenticator_app_gets_in_through_the_link_with_its_code(contact):
    # Given Carlos signs in with an app, and an attacker who knows his password spent his bound on codes
    secret = with_totp(contact)
    spend_the_bound(contact.user)
    # When he opens his link and enters his password, the code step follows
    ask_for_link(Client(), "carlos")
    owner = Client()
    response = follow(owner, emailed_link())
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(owner) is None
    # And its codes are checked (against the link's tries, not the spent bound): a wrong one is refused
    wrong = owner.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert wrong.status_code == 200 and GUESSES_SPENT not in wrong.content.decode()
    # Then the right one signs him in
    assert owner.post(reverse("mfa_authenticate"), {"code": code_for(secret)}).status_code == 302
    assert signed_in_as(owner) == str(contact.user.pk)
    # The password and the wrong code took two of the link's five tries (the right code gave its back)
    assert SignInLink.objects.get().tries == 2
    # And once signed in, the session no longer stands in for the bound
    assert "signin_link" not in owner.session


def test_the_code_step_offers_the_link_when_the_bound_is_spent_meanwhile(contact):
    secret = with_totp(contact)
    owner = Client()
    owner.post(reverse("account_login"), {"login": "carlos", "password": PASSWORD})
    spend_the_bound(contact.user)
    response = owner.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    page = response.content.decode()
    assert GUESSES_SPENT in page and "Email me a sign-in link" in page and 'value="carlos"' in page
    assert signed_in_as(owner) is None


def test_a_back_office_user_gets_in_through_the_link_after_the_back_office_sign_in_is_paused(back_office):
    spend_the_bound(back_office)
    staff = Client()
    refused = staff.post(reverse("admin:login"), {"username": "backoffice", "password": PASSWORD})
    assert GUESSES_SPENT in refused.content.decode()
    assert ask_for_link(staff, "backoffice").status_code == 302
    assert follow(staff, emailed_link(to="backoffice@distributor.test")).status_code == 302
    assert staff.get(reverse("admin:index")).status_code == 200


def test_old_counts_and_links_are_purged_daily(contact, _at_the_start_of_an_hour, settings):
    from accounts.tasks import signin_records_purge_task

    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    assert signin_records_purge() == 0
    _at_the_start_of_an_hour.shift(timedelta(days=2))
    assert signin_records_purge_task.apply().get() == 2
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "accounts.tasks.signin_records_purge_task")
    assert entry["schedule"] == timedelta(days=1)


def test_the_link_key_never_reaches_a_log_line_or_the_audit_trail(client, contact, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    spend_the_bound(contact.user)
    ask_for_link(Client(), "carlos")
    link = emailed_link()
    key = re.search(r"/key/(\S+)/$", link).group(1)
    tampered = key[:-3] + "xyz"
    assert Client().get(link.replace(key, tampered)).status_code == 400  # logged by django.request, with its path
    follow(client, link, password=WRONG)
    follow(client, link)
    assert signed_in_as(client) == str(contact.user.pk)
    assert "Bad Request" in caplog.text
    assert key not in caplog.text and tampered not in caplog.text
    # The sign-in is recorded with the page's path, which carries no key
    trail = str(list(SecurityEvent.objects.values_list("detail", flat=True)))
    assert reverse("accounts:signin-link-password") in trail and key not in trail


def test_the_link_email_is_queued_for_delivery_only_after_commit(contact, django_capture_on_commit_callbacks):
    from unittest import mock

    from accounts.signin import signin_link_request

    spend_the_bound(contact.user)
    with mock.patch("storefront.tasks.email_send.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            signin_link_request(login="carlos", client_ip="192.0.2.9")
        # Stored with the link, in the same transaction; nothing queued yet
        assert SignInLink.objects.count() == 1 and OutboundEmail.objects.count() == 1
        assert delay.call_count == 0 and len(callbacks) == 1
        callbacks[0]()
    delay.assert_called_once_with(OutboundEmail.objects.get().pk)


@pytest.mark.parametrize("key", ["zzzzzzzzzzzzz-x", "zzzzzzzzzzzzzzzzzzzzzzzz-x", "1-x", "-", "x"])
def test_a_link_key_naming_no_user_or_past_any_id_is_a_link_gone_not_an_error(key, db):
    response = Client().get(reverse("accounts:signin-link", args=[key]))
    assert response.status_code < 500
