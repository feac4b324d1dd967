"""The route walker: every URL that names an account's object, tried with GET and POST by a contact of
Acme holding every permission on Orbit's objects, answers 404, exactly as for an object that does not
exist; staff URLs refuse that contact; the sales executive of Acme gets 404 on Orbit's orders.

Each test prints its figures (routes, requests, answers) so the suite's output reports them.
"""

from __future__ import annotations

from collections import Counter
from itertools import product as cartesian

import pytest
from django.test import Client

from tests.security.conftest import client_for
from tests.security.seed import snapshot
from tests.security.routes import BACK_OFFICE, CONTACT, OWNED, PUBLIC, SALES, url_patterns
from tests.security.walker import admin_value, missing_value, url_for

pytestmark = pytest.mark.django_db

METHODS = ("get", "post")


def _report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\n[route walker] {line}")


def _owned_routes(*kinds: str):
    for pattern in url_patterns():
        route = pattern.classification
        if pattern.is_admin or route.kind not in kinds:
            continue
        if OWNED & set(route.objects.values()):
            yield pattern, route


def _variants(route, ours, theirs, public_ids):
    """Parameter sets naming at least one of Orbit's objects (alone, or mixed with Acme's), and the
    same with those replaced by values naming nothing."""
    owned = [param for param, key in route.objects.items() if key in OWNED]
    fixed = {param: public_ids[key] for param, key in route.objects.items() if key not in OWNED}
    for choice in cartesian((ours, theirs), repeat=len(owned)):
        if theirs not in choice:
            continue
        foreign = dict(fixed)
        missing = dict(fixed)
        for param, world in zip(owned, choice):
            value = world.ids[route.objects[param]]
            foreign[param] = value
            missing[param] = missing_value(value) if world is theirs else value
        named = {param for param, world in zip(owned, choice) if world is theirs}
        yield foreign, missing, named <= route.noop


def _walk(client: Client, routes, ours, theirs, public_ids, tally: Counter, *, expect: int = 404) -> list[str]:
    failures = []
    for pattern, route in routes:
        tally["routes"] += 1
        for foreign, missing, noop in _variants(route, ours, theirs, public_ids):
            for method in METHODS:
                answer = getattr(client, method)(url_for(pattern, foreign))
                nothing = getattr(client, method)(url_for(pattern, missing))
                tally["requests"] += 1
                tally[answer.status_code] += 1
                if nothing.status_code == 405:
                    # The method is refused before any object is looked up: the same answer either way.
                    ok = answer.status_code == 405
                elif noop:
                    # Removing a line that is not the contact's: the same no-op as for no line at all.
                    tally["no-op"] += 1
                    ok = (answer.status_code, answer.get("Location")) == (nothing.status_code, nothing.get("Location"))
                else:
                    ok = answer.status_code == expect == nothing.status_code
                if not ok:
                    failures.append(f"{method.upper()} {url_for(pattern, foreign)} ({pattern.name}): {answer.status_code}, nothing: {nothing.status_code}")
    return failures


def test_a_contact_with_every_permission_gets_404_on_every_object_of_another_account(worlds, public_ids, capsys):
    ours, theirs = worlds
    before = snapshot(theirs)
    tally: Counter = Counter()
    failures = _walk(client_for(ours.me.user), list(_owned_routes(CONTACT, PUBLIC)), ours, theirs, public_ids, tally)
    _report(capsys, f"contact on another account's objects: {tally['routes']} routes, {tally['requests']} requests, "
            f"{tally[404]} answered 404, {tally[405]} answered 405 (method refused before any lookup), "
            f"{tally['no-op']} removals of another's line answered as for no line")
    assert failures == []
    assert snapshot(theirs) == before
    assert tally["routes"] >= 30 and tally[404] > 0


def test_the_same_requests_on_the_contacts_own_objects_are_not_404(worlds, public_ids):
    """The control: the walker's 404s come from scoping, not from a missing object or file."""
    ours, _ = worlds
    client = client_for(ours.me.user)
    failures = []
    for pattern, route in _owned_routes(CONTACT, PUBLIC):
        kwargs = {param: ours.ids[key] if key in OWNED else public_ids[key] for param, key in route.objects.items()}
        answer = client.get(url_for(pattern, kwargs))
        if answer.status_code in (403, 404):
            failures.append(f"GET {url_for(pattern, kwargs)} ({pattern.name}): {answer.status_code}")
    assert failures == []


def test_a_sales_executive_gets_404_on_the_orders_of_another_executives_accounts(worlds, public_ids, capsys):
    ours, theirs = worlds
    before = snapshot(theirs)
    tally: Counter = Counter()
    failures = _walk(client_for(ours.executive), list(_owned_routes(SALES)), ours, theirs, public_ids, tally)
    assert snapshot(theirs) == before
    _report(capsys, f"sales executive on another executive's orders: {tally['routes']} routes, {tally['requests']} requests, "
            f"{tally[404]} answered 404, {tally[405]} answered 405")
    assert failures == []
    control = client_for(ours.executive).get(url_for(next(p for p, _ in _owned_routes(SALES)), {"number": ours.ids["vl_order"]}))
    assert control.status_code == 200


def test_a_contact_is_refused_every_staff_url_naming_an_object(worlds, public_ids, capsys):
    """Sales console and support console: 403 for a contact; the Django admin: its sign-in page."""
    ours, theirs = worlds
    before = snapshot(theirs)
    client = client_for(ours.me.user)
    tally: Counter = Counter()
    failures = []
    for pattern in url_patterns():
        route = pattern.classification
        if route.kind not in (SALES, BACK_OFFICE) or not pattern.params:
            continue
        tally["routes"] += 1
        if pattern.is_admin:
            kwargs = {param: admin_value(param, theirs.account.pk) for param in pattern.params}
        else:
            kwargs = {param: theirs.ids[key] for param, key in route.objects.items()}
        for method in METHODS:
            answer = getattr(client, method)(url_for(pattern, kwargs))
            tally["requests"] += 1
            tally[answer.status_code] += 1
            if pattern.is_admin:
                ok = answer.status_code == 302 and answer["Location"].startswith("/backoffice/login/")
            else:
                ok = answer.status_code in (403, 405)
            if not ok:
                failures.append(f"{method.upper()} {url_for(pattern, kwargs)} ({pattern.name}): {answer.status_code}")
    _report(capsys, f"contact on staff URLs naming an object: {tally['routes']} routes, {tally['requests']} requests, "
            f"{tally[302]} sent to the back office sign-in, {tally[403]} answered 403, {tally[405]} answered 405")
    assert failures == []
    assert snapshot(theirs) == before


def test_a_visitor_gets_404_on_a_contacts_conversation(worlds, public_ids):
    ours, theirs = worlds
    tally: Counter = Counter()
    chat = [(p, r) for p, r in _owned_routes(PUBLIC) if p.name.startswith("chat:")]
    assert _walk(Client(), chat, ours, theirs, public_ids, tally) == []
    assert tally[404] > 0
