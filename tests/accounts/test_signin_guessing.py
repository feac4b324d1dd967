"""How many guesses anyone gets: wrong passwords are bounded per account whatever the source address
(in each clock hour, counted in the database), and per address whatever the account, on the store's
sign-in page and the back office's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from storefront.models import OutboundEmail
from tests.accounts.factories import PASSWORD

WRONG = "Wrong-Pass-1"
# allauth's per-address and per-name limits; the account's own bound (accounts.signin).
TOO_MANY = "Too many failed login attempts"
GUESSES_SPENT = "Too many wrong passwords or codes were tried for this user"
NOT_CORRECT = "not correct"


def next_hour():
    """The start of the next clock hour: the account's bound counts in clock hours."""
    return timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _address(n: int) -> str:
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def _sign_in(client, login: str, password: str, *, address: str, url: str = "account_login", field: str = "login"):
    """One sign-in attempt; answers "signed in", "checked" (wrong password said so) or "refused"."""
    response = client.post(reverse(url), {field: login, "password": password}, REMOTE_ADDR=address)
    page = response.content.decode()
    if response.status_code == 302:
        return "signed in"
    if TOO_MANY in page or GUESSES_SPENT in page:
        return "refused"
    # The store says "not correct"; the back office asks for "a correct username and password".
    assert NOT_CORRECT in page or "correct username" in page, page[:500]
    return "checked"


def test_wrong_passwords_for_one_account_from_many_addresses_stop_at_100_an_hour(client, contact, capsys):
    # Given an attacker who spreads wrong passwords over 120 addresses and both of the account's names
    # (user id and email, in any case), waiting out the per-name limit of 5 in 5 minutes each time,
    # from the start of a clock hour
    start = next_hour()
    outcomes = []
    n = 0
    with time_machine.travel(start, tick=False) as clock:
        for _window in range(12):  # 12 windows of 5 minutes: 55 minutes in all
            for login in ("carlos", "CARLOS@acme.test"):
                for _ in range(5):
                    outcomes.append(_sign_in(client, login, WRONG, address=_address(n)))
                    n += 1
            clock.shift(timedelta(minutes=5, seconds=1))
        checked = outcomes.count("checked")
        refused = outcomes.count("refused")
        # When the right password comes within the hour, it is refused unchecked too
        clock.move_to(start + timedelta(minutes=59))
        right_within_hour = _sign_in(client, "carlos", PASSWORD, address=_address(n + 1))
        # And once the clock hour has turned, the right password signs in
        clock.move_to(start + timedelta(minutes=60, seconds=10))
        right_after_hour = _sign_in(client, "carlos", PASSWORD, address=_address(n + 2))

    with capsys.disabled():
        print(f"\n[per-account bound] {len(outcomes)} wrong passwords from {n} addresses in 55 min: "
              f"{checked} checked, {refused} refused unchecked")
    # Then at most 100 were checked, and no more are refused than the bound requires
    assert checked <= 100
    assert checked == 100 and refused == 20
    assert right_within_hour == "refused"
    assert right_after_hour == "signed in"


def _page(response) -> str:
    """The page as a visitor sees it, without what changes on every answer (CSRF token, CSP nonce)."""
    page = response.content.decode()
    page = re.sub(r"[A-Za-z0-9]{64}", "CSRF-TOKEN", page)
    return re.sub(r'nonce="[^"]+"', 'nonce="CSP-NONCE"', page)


def test_an_unknown_user_id_is_refused_after_as_many_guesses_as_a_known_one(client, contact, settings):
    # Counting the same for names nobody has tells nothing about which accounts exist. (Only the
    # account bound is left on here, so 110 guesses fit in a minute.)
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}
    with time_machine.travel(next_hour(), tick=False):
        known = [_sign_in(client, "carlos", WRONG, address=_address(n)) for n in range(110)]
        unknown = [_sign_in(client, "nobody-here", WRONG, address=_address(n)) for n in range(110)]
        # And the page of the refusal, with its offer of a sign-in link, is the same but for the name
        known_page = _page(client.post(reverse("account_login"), {"login": "carlos", "password": WRONG}))
        unknown_page = _page(client.post(reverse("account_login"), {"login": "nobody-here", "password": WRONG}))
    assert known.count("checked") == 100
    assert known == unknown
    assert "Email me a sign-in link" in known_page
    assert known_page.replace("carlos", "NAME") == unknown_page.replace("nobody-here", "NAME")


def test_the_account_bound_is_counted_in_the_database_not_the_cache(client, contact, settings):
    # Given 100 wrong passwords for Carlos (only the account bound on, as above)
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}
    with time_machine.travel(next_hour(), tick=False):
        for n in range(100):
            assert _sign_in(client, "carlos", WRONG, address=_address(n)) == "checked"
        # When the cache forgets everything (Redis restarted, or flushed)
        cache.clear()
        # Then the 101st guess, right or wrong, is still refused
        assert _sign_in(client, "carlos", WRONG, address=_address(101)) == "refused"
        assert _sign_in(client, "carlos", PASSWORD, address=_address(102)) == "refused"


def test_right_passwords_do_not_use_up_the_account_bound(client, contact):
    for n in range(120):
        assert _sign_in(client, "carlos", PASSWORD, address=_address(n)) == "signed in"
        client.logout()


def test_wrong_passwords_from_one_address_are_throttled_whatever_the_account(client, account):
    # Given 40 contacts, and one address trying one wrong password for each
    from tests.accounts.factories import ContactFactory

    for i in range(40):
        ContactFactory(account=account, user__username=f"user{i}", user__email=f"user{i}@acme.test")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first_minute = [_sign_in(client, f"user{i}", WRONG, address="192.0.2.7") for i in range(12)]
        clock.shift(timedelta(minutes=1, seconds=1))
        rest_of_hour = []
        for i in range(12, 40):
            rest_of_hour.append(_sign_in(client, f"user{i}", WRONG, address="192.0.2.7"))
            clock.shift(timedelta(minutes=1, seconds=1))
    # Then 10 a minute, and 30 in the hour
    assert first_minute.count("checked") == 10
    assert first_minute.count("checked") + rest_of_hour.count("checked") == 30


@pytest.fixture
def staff_user(back_office):
    return back_office


def test_back_office_sign_in_is_throttled_per_name(client, staff_user):
    outcomes = [
        _sign_in(client, "backoffice", WRONG, address=_address(n), url="admin:login", field="username")
        for n in range(8)
    ]
    assert outcomes.count("checked") == 5
    assert outcomes[5:] == ["refused"] * 3


def test_back_office_sign_in_shares_the_account_bound(client, staff_user):
    # Given 100 wrong passwords for the back office user on the store's page, from many addresses
    with time_machine.travel(next_hour(), tick=False) as clock:
        for n in range(100):
            if n and n % 5 == 0:
                clock.shift(timedelta(minutes=2, seconds=40))
            login = "backoffice" if n % 10 < 5 else "backoffice@distributor.test"
            assert _sign_in(client, login, WRONG, address=_address(n)) == "checked"
        clock.shift(timedelta(minutes=5, seconds=1))
        # When the right password comes to the back office's own sign-in page
        outcome = _sign_in(client, "backoffice", PASSWORD, address=_address(500), url="admin:login", field="username")
        page = client.post(
            reverse("admin:login"), {"username": "backoffice", "password": PASSWORD}, REMOTE_ADDR=_address(501)
        ).content.decode()
    # Then it is refused unchecked: the bound is the account's, whichever page asks
    assert outcome == "refused"
    # And the back office's page says so, and offers the sign-in link like the store's
    assert GUESSES_SPENT in page
    assert "Email me a sign-in link" in page and 'name="login" value="backoffice"' in page


def test_back_office_sign_in_with_the_right_password_still_works(client, staff_user):
    response = client.post(reverse("admin:login"), {"username": "backoffice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_contact_cannot_sign_in_to_the_back_office(client, contact):
    response = client.post(reverse("admin:login"), {"username": "carlos", "password": PASSWORD})
    assert response.status_code == 200
    assert "correct username" in response.content.decode()


def _forgot(client, user_id: str, email: str, address: str) -> tuple:
    response = client.post(reverse("account_reset_password"), {"user_id": user_id, "email": email}, REMOTE_ADDR=address)
    page = client.get(response["Location"]).content.decode() if response.status_code == 302 else response.content.decode()
    # The page may echo what was typed; everything else must be the same.
    page = page.replace(user_id, "USER").replace(email, "EMAIL")
    page = re.sub(r"[A-Za-z0-9]{64}", "CSRF-TOKEN", page)
    page = re.sub(r'nonce="[^"]+"', 'nonce="CSP-NONCE"', page)  # each page has its own CSP nonce
    return response.status_code, response.get("Location"), page


def test_forgot_password_answers_identically_for_known_and_unknown_users(client, contact, other_contact):
    # Given a known pair, a known user id with another user's email, a known email with an unknown
    # user id, and a pair nobody has; each asked for 7 times (past the limit of 5 an hour per email)
    cases = {
        "known": ("carlos", "carlos@acme.test"),
        "mismatch": ("carlos", "omar@orbit.test"),
        "unknown id": ("nobody", "carlos@acme.test"),
        "unknown": ("nobody", "nobody@nowhere.test"),
    }
    answers = {}
    for name, (user_id, email) in cases.items():
        cache.clear()
        answers[name] = [_forgot(client, user_id, email, address="192.0.2.9") for _ in range(7)]
    # Then every answer, including the refusals past the limit, is the same for all four
    first = answers["known"]
    assert [status for status, _, _ in first] == [302] * 5 + [429] * 2
    for name in cases:
        assert answers[name] == first, name
    # And only the known pair got an email
    assert set(OutboundEmail.objects.values_list("to", flat=True)) == {"carlos@acme.test"}


def test_wrong_activation_codes_for_one_contact_stay_under_100_an_hour(admin_contact, django_capture_on_commit_callbacks, capsys):
    # Given a new contact at the ACTIVATE USER step, and someone with its link guessing codes: it asks
    # for a new code each time the last one is spent, as often as the store lets it in an hour
    from django.db.models import Sum

    from accounts import services
    from accounts.models import VerificationCode
    from accounts.services import ContactData, ContactError

    with django_capture_on_commit_callbacks(execute=True):
        new = services.contact_create(
            actor=admin_contact, account=admin_contact.account, data=ContactData(first_name="Nora", last_name="Nuevo", email="nora@acme.test")
        )
    confirm = OutboundEmail.objects.get(to="nora@acme.test", subject__contains="confirm")
    services.contact_confirm(token=re.search(r"/account/confirm/([^/\s]+)/", confirm.body_text).group(1))
    activate = OutboundEmail.objects.filter(to="nora@acme.test", subject__contains="activate").latest("id")
    token = re.search(r"/account/activate/([^/\s]+)/", activate.body_text).group(1)
    sends = tries = 0
    for _ in range(20):  # more codes than the store sends in an hour
        try:
            services.contact_code_send(token=token, email=new.user.email)
            sends += 1
        except ContactError:
            pass
        for _ in range(10):  # more tries than a code allows
            tries += 1
            with pytest.raises(ContactError):
                services.contact_code_validate(token=token, code="000000")
    # (a wrong try is counted on its code; "000000" is right once in a million: the sum stays exact)
    checked = VerificationCode.objects.filter(contact=new).aggregate(n=Sum("tries"))["n"]
    with capsys.disabled():
        print(f"\n[activation codes] {tries} wrong codes tried in the hour: {sends} codes sent, {checked} checked, {tries - checked} refused")
    assert sends == 5 and checked == 25
    assert checked <= 100


def test_a_back_office_user_with_an_authenticator_app_cannot_skip_it_on_the_back_office_sign_in(client, staff_user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(staff_user, generate_totp_secret())
    response = client.post(reverse("admin:login"), {"username": "backoffice", "password": PASSWORD})
    assert response.status_code == 200
    assert "sign in on the store&#x27;s sign-in page" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_back_office_sign_in_is_throttled_per_address_too(client, db):
    from tests.accounts.factories import UserFactory

    for i in range(12):
        UserFactory(username=f"staff{i}", email=f"staff{i}@distributor.test", is_staff=True)
    outcomes = [_sign_in(client, f"staff{i}", WRONG, address="192.0.2.8", url="admin:login", field="username") for i in range(12)]
    assert outcomes.count("checked") == 10 and outcomes[10:] == ["refused", "refused"]


def test_the_current_password_on_change_password_counts_in_the_accounts_bound(client, contact, capsys):
    # Given a signed-in session left open, where someone tries current passwords on "Change password"
    # (allauth limits that page to 10 a minute per user: the clock moves a minute every 10 tries)
    client.force_login(contact.user)
    answers = []
    start = next_hour()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(110):
            if n and n % 10 == 0:
                clock.shift(timedelta(minutes=1, seconds=1))
            response = client.post(
                reverse("account_change_password"),
                {"oldpassword": f"{WRONG}{n}", "password1": "Another-Pass-77", "password2": "Another-Pass-77"},
                REMOTE_ADDR=_address(n),
            )
            answers.append("refused" if GUESSES_SPENT in response.content.decode() else "checked")
        # Then at most 100 were checked in the hour, and the right one is refused unchecked too
        clock.shift(timedelta(minutes=1, seconds=1))
        right = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "Another-Pass-77", "password2": "Another-Pass-77"},
            REMOTE_ADDR=_address(200),
        )
    print(f"\n[change password] {len(answers)} wrong current passwords: {answers.count('checked')} checked, {answers.count('refused')} refused")
    assert answers.count("checked") == 100 and answers.count("refused") == 10
    assert right.status_code == 200 and GUESSES_SPENT in right.content.decode()
    contact.user.refresh_from_db()
    assert contact.user.check_password(PASSWORD)


def test_the_back_offices_own_password_change_leads_to_the_bounded_page(admin_client):
    response = admin_client.get("/backoffice/password_change/")
    assert response.status_code == 302 and response["Location"] == reverse("account_change_password")


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The production cache, pointed at a Redis that is not there (connections refused)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "storefront.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_with_redis_down_the_101st_wrong_password_in_the_hour_is_still_refused(client, contact, other_contact, redis_down, capsys):
    # Given Redis down: allauth's per-address and per-name limits count nothing (they fail open)
    with time_machine.travel(next_hour(), tick=False):
        # When one address tries 110 wrong passwords for Carlos within a minute
        outcomes = [_sign_in(client, "carlos", WRONG, address="192.0.2.66") for _ in range(110)]
        # Then the first 100 are checked (no per-address limit held them) and the rest refused
        right = _sign_in(client, "carlos", PASSWORD, address="192.0.2.66")
        # While another user signs in from that same address: the store stays open
        other = _sign_in(Client(), "omar", PASSWORD, address="192.0.2.66")
    with capsys.disabled():
        print(f"\n[Redis down] {len(outcomes)} wrong passwords from one address: "
              f"{outcomes.count('checked')} checked, {outcomes.count('refused')} refused")
    assert outcomes == ["checked"] * 100 + ["refused"] * 10
    assert right == "refused"
    assert other == "signed in"


@pytest.mark.parametrize("earlier_wrong", [0, 50])
@pytest.mark.parametrize(("login", "queries"), [("carlos@acme.test", 14), ("carlos", 15)])
def test_a_successful_sign_in_costs_the_same_queries_whatever_came_before(
    client, contact, settings, earlier_wrong, login, queries, django_assert_num_queries
):
    # One statement takes a place in the account's count (finding the user's account in it), then
    # allauth finds the user (by email: two queries; a user id is looked for as an email first: one
    # more), one UPDATE gives the place back; then an authenticator app is looked for, and Django signs
    # in: the session (looked for, saved twice), last_login, the audit trail's "signed in".
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}
    for n in range(earlier_wrong):
        _sign_in(Client(), login, WRONG, address=_address(n))
    with django_assert_num_queries(queries):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(contact.user.pk)
