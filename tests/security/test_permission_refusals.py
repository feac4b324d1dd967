"""For each classified contact or staff route, a user holding every permission but the one it needs is
refused, always the same way: signed in without the permission, 403; not signed in, the sign-in page
(the store's for store pages, the back office's for the admin). A 405 is allowed where the method is
refused before the permission is looked at, as long as the route refuses the other method with 403.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import ContactFactory, UserFactory
from tests.security.conftest import client_for
from tests.security.routes import BACK_OFFICE, CONTACT, FLAGS, OWNED, ROUTES, SALES, url_patterns
from tests.security.walker import admin_value, url_for

pytestmark = pytest.mark.django_db

METHODS = ("get", "post")


def _own_kwargs(route, ours, public_ids) -> dict[str, str]:
    return {param: ours.ids[key] if key in OWNED else public_ids[key] for param, key in route.objects.items()}


def _routes(*kinds):
    for pattern in url_patterns():
        if not pattern.is_admin and ROUTES[pattern.name].kind in kinds:
            yield pattern, ROUTES[pattern.name]


def _refused(client: Client, url: str, *, expect: int, tally: Counter) -> list[str]:
    answers = {method: getattr(client, method)(url) for method in METHODS}
    for answer in answers.values():
        tally["requests"] += 1
        tally[answer.status_code] += 1
    codes = {method: answer.status_code for method, answer in answers.items()}
    if set(codes.values()) <= {expect, 405} and expect in codes.values():
        return []
    return [f"{url}: {codes}"]


def test_a_contact_lacking_the_permission_a_route_needs_is_refused_with_403(worlds, public_ids, capsys):
    ours, _ = worlds
    clients: dict[frozenset[str], Client] = {}
    tally: Counter = Counter()
    failures = []
    for pattern, route in _routes(CONTACT):
        for requirement in route.needs:
            if requirement not in clients:
                flags = {flag: flag not in requirement for flag in FLAGS}
                lacking = ContactFactory(account=ours.account, **flags)
                clients[requirement] = client_for(lacking.user)
            tally["checks"] += 1
            url = url_for(pattern, _own_kwargs(route, ours, public_ids))
            failures += [f"without {sorted(requirement)}: {f}" for f in _refused(clients[requirement], url, expect=403, tally=tally)]
    with capsys.disabled():
        print(f"\n[permissions] {tally['checks']} (route, missing permission) pairs, {tally['requests']} requests: "
              f"{tally[403]} answered 403, {tally[405]} answered 405")
    assert failures == []
    assert tally["checks"] >= 60


def test_a_signed_in_user_who_is_no_contact_is_refused_every_contact_route_with_403(worlds, public_ids):
    ours, _ = worlds
    staff = client_for(ours.executive)
    failures = []
    for pattern, route in _routes(CONTACT):
        failures += _refused(staff, url_for(pattern, _own_kwargs(route, ours, public_ids)), expect=403, tally=Counter())
    assert failures == []


def test_a_visitor_is_sent_to_sign_in_by_every_contact_and_sales_route(worlds, public_ids):
    ours, _ = worlds
    visitor = Client()
    failures = []
    for pattern, route in _routes(CONTACT, SALES):
        url = url_for(pattern, _own_kwargs(route, ours, public_ids))
        for method in METHODS:
            answer = getattr(visitor, method)(url)
            if answer.status_code == 405:
                continue
            if answer.status_code != 302 or not answer["Location"].startswith(reverse("account_login") + "?next="):
                failures.append(f"{method.upper()} {url}: {answer.status_code} {answer.get('Location')}")
    assert failures == []


def test_a_contact_with_every_permission_is_refused_the_sales_console_with_403(worlds, public_ids):
    ours, _ = worlds
    contact = client_for(ours.me.user)
    failures = []
    for pattern, route in _routes(SALES):
        failures += _refused(contact, url_for(pattern, _own_kwargs(route, ours, public_ids)), expect=403, tally=Counter())
    assert failures == []


def test_staff_without_the_answer_permission_is_refused_the_support_console_with_403(worlds, public_ids):
    ours, _ = worlds
    failures = []
    for client in (client_for(ours.executive), client_for(ours.me.user)):
        for pattern, route in _routes(BACK_OFFICE):
            failures += _refused(client, url_for(pattern, _own_kwargs(route, ours, public_ids)), expect=403, tally=Counter())
    assert failures == []


def test_every_admin_page_sends_a_contact_and_a_visitor_to_the_back_office_sign_in(worlds, capsys):
    ours, _ = worlds
    failures = []
    count = 0
    for client in (client_for(ours.me.user), Client()):
        for pattern in url_patterns():
            # Its sign-in and sign-out pages are for anyone; its password change is answered by a
            # redirect to the store's Change password page (bounded guesses), which asks for sign-in.
            if not pattern.is_admin or pattern.name in ("admin:login", "admin:logout", "admin:password_change"):
                continue
            count += 1
            url = url_for(pattern, {param: admin_value(param, ours.account.pk) for param in pattern.params})
            answer = client.get(url)
            if answer.status_code != 302 or not answer["Location"].startswith(reverse("admin:login")):
                failures.append(f"GET {url} ({pattern.name}): {answer.status_code}")
    assert failures == []
    with capsys.disabled():
        print(f"\n[permissions] {count} admin pages asked by a contact and a visitor: all sent to the back office sign-in")


def test_a_staff_user_who_is_no_sales_executive_sees_no_account_in_the_console(worlds):
    """Being staff is not enough: the console shows an executive only its own accounts' orders."""
    ours, _ = worlds
    agent = client_for(UserFactory(username="agent-x", is_staff=True))
    answer = agent.get(reverse("licensing:console-detail", args=[ours.ids["vl_order"]]))
    assert answer.status_code == 404
