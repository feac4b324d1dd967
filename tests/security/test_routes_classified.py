"""Every URL of the project is classified in `routes.ROUTES`: public, contact (with the permission it
needs), sales executive or back office; a new route without a class fails here."""

from __future__ import annotations

from collections import Counter

from tests.security.routes import FLAGS, KINDS, OWNED, PUBLIC, ROUTES, url_patterns


def test_every_route_of_the_project_is_classified(capsys):
    patterns = list(url_patterns())
    unnamed = [p.route for p in patterns if not p.is_admin and not p.name.split(":")[-1]]
    unclassified = sorted(p.name for p in patterns if p.classification is None)
    assert not unnamed, f"routes without a name cannot be classified: {unnamed}"
    assert not unclassified, f"add these routes to tests/security/routes.py ROUTES: {unclassified}"
    kinds = Counter(p.classification.kind for p in patterns)
    with capsys.disabled():
        print(f"\n[routes] {len(patterns)} URL patterns classified: "
              + ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())
              + f" (of which {sum(p.is_admin for p in patterns)} Django admin)")


def test_the_table_names_no_route_that_is_gone():
    names = {p.name for p in url_patterns()}
    assert sorted(set(ROUTES) - names) == []


def test_every_parameter_of_a_route_is_filled_by_a_seeded_object():
    for pattern in url_patterns():
        if pattern.is_admin:
            continue
        route = ROUTES[pattern.name]
        assert route.kind in KINDS, pattern.name
        assert set(route.objects) == set(pattern.params), f"{pattern.name}: parameters {pattern.params}, table {route.objects}"
        for requirement in route.needs:
            assert requirement <= set(FLAGS), f"{pattern.name}: unknown flag in {requirement}"


def test_a_route_naming_an_account_object_is_not_open_to_anyone_without_a_check():
    # Public routes may name an account's object only where the object is the asker's own (chat,
    # scoped by contact or session); the walker checks those too.
    for name, route in ROUTES.items():
        if route.kind == PUBLIC and OWNED & set(route.objects.values()):
            assert name.startswith("chat:"), name
