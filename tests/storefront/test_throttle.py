"""The shared throttle: fixed windows of the clock, the same on Redis and in memory."""

from __future__ import annotations

import time_machine

from storefront.throttle import throttle_give_back, throttle_key, throttle_take


def test_the_limit_holds_within_the_hour_and_a_new_hour_starts_afresh():
    key = throttle_key("test", "203.0.113.9")
    with time_machine.travel("2026-03-02 10:05", tick=False) as clock:
        assert [throttle_take(key, 2) for _ in range(3)] == [True, True, False]
        clock.move_to("2026-03-02 10:59")
        assert throttle_take(key, 2) is False
        # The window is a span of the clock named in the key: it ends when the clock says so, even on
        # a cache whose own expiry runs on real time.
        clock.move_to("2026-03-02 11:00")
        assert throttle_take(key, 2) is True


def test_a_use_given_back_frees_its_place():
    key = throttle_key("test", "ana@acme.test")
    assert throttle_take(key, 1) is True
    throttle_give_back(key)
    assert throttle_take(key, 1) is True
    assert throttle_take(key, 1) is False


def test_plus_addresses_and_capitals_count_as_the_same_mailbox():
    assert throttle_key("test", "Ana+1@Acme.test") == throttle_key("test", "ana@acme.test") == throttle_key("test", "ana+spam@acme.test")
    assert throttle_key("test", "ana@acme.test") != throttle_key("test", "ana@orbit.test")
