"""The outbox under the faults of `make faults`, one unit at a time: refusals, retries, a worker that
died mid-send, and a broker or cache that is not there."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from storefront import tasks
from storefront.cache import ResilientRedisCache
from storefront.emails import EmailDeliveryError, EmailRefusedError, email_deliver, email_message_id, email_store, outbox_due_ids
from storefront.models import OutboundEmail
from tests.storefront.production import ROOT, production_env

SEND = "django.core.mail.message.EmailMessage.send"


@pytest.fixture
def email(db, django_capture_on_commit_callbacks) -> OutboundEmail:
    with django_capture_on_commit_callbacks(execute=False):
        return email_store(to="buyer@reseller.test", subject="Order placed", body_text="Body")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_recipient_refused_for_good_is_failed_and_never_retried(email):
    refused = SMTPRecipientsRefused({email.to: (550, b"5.1.1 No such user")})
    with mock.patch(SEND, side_effect=refused):
        with pytest.raises(EmailRefusedError):
            email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED and email.attempts == 1 and "550" in email.last_error

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert outbox_due_ids() == []
        assert email_deliver(email_id=email.pk) is False
    assert mail.outbox == []


def test_the_task_does_not_retry_a_recipient_refused_for_good(email):
    refused = SMTPRecipientsRefused({email.to: (550, b"No such user")})
    with mock.patch(SEND, side_effect=refused), mock.patch.object(tasks.email_send, "retry") as retry:
        assert tasks.email_send.run(email.pk) is False
    retry.assert_not_called()


def test_a_temporary_refusal_is_retried_and_then_delivered_once(email):
    with mock.patch(SEND, side_effect=SMTPRecipientsRefused({email.to: (451, b"4.3.0 Try again later")})):
        with pytest.raises(EmailDeliveryError) as raised:
            email_deliver(email_id=email.pk)
    assert not isinstance(raised.value, EmailRefusedError)
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.QUEUED and "451" in email.last_error

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox_due_ids() == [email.pk]
    assert email_deliver(email_id=email.pk) is True
    assert email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_transient_failures_give_up_after_the_maximum_attempts(email, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    for _ in range(2):
        with mock.patch(SEND, side_effect=SMTPServerDisconnected("gone")), pytest.raises(EmailDeliveryError):
            email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED and email.attempts == 2
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert outbox_due_ids() == []


def test_a_worker_killed_mid_send_leaves_a_claim_that_expires_and_the_email_is_sent_once(email, settings):
    settings.OUTBOX_CLAIM_SECONDS = 15
    # The killed worker claimed the row and never came back.
    claimed = OutboundEmail.objects.filter(pk=email.pk, claimed_until__isnull=True).update(
        claimed_until=timezone.now() + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    )
    assert claimed == 1
    assert email_deliver(email_id=email.pk) is False
    with time_machine.travel(timezone.now() + timedelta(seconds=16)):
        assert outbox_due_ids(older_than=timedelta(0)) == [email.pk]
        assert email_deliver(email_id=email.pk) is True
        assert email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_every_attempt_at_one_email_carries_the_same_message_id(email):
    with mock.patch(SEND, side_effect=SMTPServerDisconnected("gone")), pytest.raises(EmailDeliveryError):
        email_deliver(email_id=email.pk)
    email_deliver(email_id=email.pk)
    assert mail.outbox[0].extra_headers["Message-ID"] == email_message_id(email)
    assert email_message_id(email).startswith(f"<outbox.{email.pk}.")


def test_publishing_with_the_broker_down_fails_fast(settings, monkeypatch):
    """Celery #4296: publishing to a broker that is down must fail in seconds, not hang the request."""
    from storefront.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    started = time.monotonic()
    with app.connection_for_write(url) as connection:
        with pytest.raises(Exception):
            tasks.email_send.apply_async(args=[1], connection=connection, retry=True, retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY)
    assert time.monotonic() - started < 5


def test_a_publish_that_fails_leaves_the_next_emails_to_the_sweep_without_trying_redis(email, settings, monkeypatch):
    """With Redis frozen each publish would wait out its timeout once per retry (seconds of a Finish
    order): once Redis is found unreachable, by a publish or by the cache, the next emails of this
    process are left to the sweep at once, until the cache's window closes."""
    from kombu.exceptions import OperationalError

    from storefront import cache as cache_module
    from storefront import emails

    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(cache_module, "_down_until", {})
    settings.CELERY_BROKER_URL = "redis://redis.test:6379/0"
    with mock.patch.object(tasks.email_send, "delay", side_effect=OperationalError("Timeout reading from socket")) as delay:
        emails._enqueue_delivery(email.pk)
        emails._enqueue_delivery(email.pk)
        assert delay.call_count == 1
        clock[0] += cache_module.RETRY_AFTER + 0.1
        emails._enqueue_delivery(email.pk)
        assert delay.call_count == 2
    clock[0] += cache_module.RETRY_AFTER + 0.1
    cache_module.redis_found_unreachable("redis://redis.test:6379/0")  # as the cache does on a timeout
    with mock.patch.object(tasks.email_send, "delay") as delay:
        emails._enqueue_delivery(email.pk)
        assert delay.call_count == 0
        clock[0] += cache_module.RETRY_AFTER + 0.1
        emails._enqueue_delivery(email.pk)
        delay.assert_called_once_with(email.pk)
    assert OutboundEmail.objects.get(pk=email.pk).sent_at is None  # still the sweep's to deliver


def test_the_cache_answers_like_an_empty_one_when_redis_is_unreachable():
    cache = ResilientRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    assert cache.get("k", "default") == "default"
    cache.set("k", 1)
    # An empty cache grants add() (so a lock taken through it, like allauth's rate limits', is granted:
    # the limits fail open instead of refusing every sign-in), and keeps nothing
    assert cache.add("k", 1) is True and cache.get_many(["k"]) == {} and cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")
    with pytest.raises(ValueError):
        cache.decr("k")


def test_once_redis_is_unreachable_the_cache_waits_before_trying_it_again(monkeypatch):
    """With Redis frozen every call would wait for its timeout: after one failure, the process answers
    from the empty cache at once for a few seconds."""
    from django.core.cache.backends.redis import RedisCache
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from storefront import cache as cache_module

    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache = ResilientRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {})
    with mock.patch.object(RedisCache, "get", side_effect=RedisTimeoutError("frozen")) as redis_get:
        assert [cache.get("k", "default") for _ in range(20)] == ["default"] * 20
        assert redis_get.call_count == 1
        clock[0] += cache_module.RETRY_AFTER + 0.1
        assert cache.get("k", "default") == "default"
        assert redis_get.call_count == 2
    with mock.patch.object(RedisCache, "get", return_value="stored"):
        clock[0] += cache_module.RETRY_AFTER + 0.1
        assert cache.get("k", "default") == "stored"


def test_a_delete_is_tried_even_while_redis_counts_as_down_and_one_that_fails_is_sent_when_it_answers(monkeypatch):
    """A session ended while Redis was unreachable must not live on in the cache (cached_db reads it
    first): deletes ignore the down window, and a failed one is sent again before the next call."""
    from django.core.cache.backends.redis import RedisCache
    from redis.exceptions import ConnectionError as RedisConnectionError

    from storefront import cache as cache_module

    monkeypatch.setattr(cache_module, "_down_until", {})
    monkeypatch.setattr(cache_module, "_pending_deletes", {})
    cache = ResilientRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {})
    with mock.patch.object(RedisCache, "delete", side_effect=RedisConnectionError("down")):
        assert cache.delete("session-1") is False
    # Down now: reads answer from the empty cache without trying Redis ...
    with mock.patch.object(RedisCache, "get") as redis_get:
        assert cache.get("k", "default") == "default" and redis_get.call_count == 0
    # ... but a delete is tried at once, and the one kept from before goes first.
    with mock.patch.object(RedisCache, "delete", return_value=True) as redis_delete:
        assert cache.delete("session-2") is True
    assert [call.args[0] for call in redis_delete.call_args_list] == ["session-1", "session-2"]
    assert not cache_module._pending_deletes[",".join(cache._servers)]


READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({"cache": s.CACHES["default"], "connect": s.CELERY_BROKER_CONNECTION_TIMEOUT,
                  "publish": {k: v for k, v in s.CELERY_TASK_PUBLISH_RETRY_POLICY.items() if k != "errback"},
                  "errback": s.CELERY_TASK_PUBLISH_RETRY_POLICY["errback"].__qualname__, "transport": s.CELERY_BROKER_TRANSPORT_OPTIONS,
                  "broker": s.CELERY_BROKER_URL}))
"""


def test_production_finds_redis_gone_within_seconds_and_treats_the_cache_as_optional():
    """Read in a fresh interpreter the way production starts, with a Redis URL."""
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS], cwd=ROOT, env=production_env(REDIS_URL="redis://127.0.0.1:6379/0"),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout.strip().splitlines()[-1])
    assert production["cache"]["BACKEND"] == "storefront.cache.ResilientRedisCache"
    # One Redis, one window: a Redis the cache finds unreachable is one the outbox doesn't publish to.
    assert production["cache"]["LOCATION"] == production["broker"]
    assert production["cache"]["OPTIONS"]["socket_connect_timeout"] <= 5 and production["cache"]["OPTIONS"]["socket_timeout"] <= 5
    assert production["connect"] <= 5 and production["transport"]["socket_connect_timeout"] <= 5
    # At most a few quick retries: .delay() gives up in about a second.
    policy = production["publish"]
    assert policy["max_retries"] <= 3 and policy["interval_max"] <= 1
    assert production["errback"] == "give_up_on_a_timeout"


def test_a_claim_shorter_than_the_slowest_send_is_flagged(settings):
    from storefront.checks import outbox_claim_outlasts_a_send

    settings.EMAIL_TIMEOUT, settings.OUTBOX_CLAIM_SECONDS = 20, 300
    assert outbox_claim_outlasts_a_send() == []
    settings.OUTBOX_CLAIM_SECONDS = 60
    assert [warning.id for warning in outbox_claim_outlasts_a_send()] == ["storefront.W001"]


def test_the_sweep_does_not_queue_an_email_again_while_its_task_may_still_be_waiting(email, settings):
    """A stopped worker: beat ticks many times; each due email is queued once per claim period."""
    from django.core.cache import cache

    settings.OUTBOX_CLAIM_SECONDS = 30
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later, tick=False), mock.patch.object(tasks.email_send, "delay") as delay:
        assert tasks.outbox_sweep.apply().get() == 1
        assert tasks.outbox_sweep.apply().get() == 0
    assert delay.call_count == 1
    cache.delete(f"outbox-sweep-queued:{email.pk}")  # the period is over (or the cache forgot)
    with time_machine.travel(later + timedelta(seconds=31)), mock.patch.object(tasks.email_send, "delay") as delay:
        assert tasks.outbox_sweep.apply().get() == 1


def test_after_a_failed_attempt_the_sweep_may_queue_the_email_again_at_once(email, settings):
    settings.OUTBOX_CLAIM_SECONDS = 300
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later, tick=False), mock.patch.object(tasks.email_send, "delay"):
        assert tasks.outbox_sweep.apply().get() == 1
        with mock.patch(SEND, side_effect=SMTPServerDisconnected("gone")), pytest.raises(EmailDeliveryError):
            email_deliver(email_id=email.pk)
        assert tasks.outbox_sweep.apply().get() == 1
