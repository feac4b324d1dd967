"""The store's Redis transport (storefront/broker.py): kombu's, with one redis-py client per channel.

The channel tests run against the Redis of REDIS_URL (skipped without one), each on a queue of its own:
the client is reused and follows its pool, and kombu's record of unacked messages still works through
it (a message taken is kept until its ack, and goes back to its queue when the taker is lost), and an
ack Redis doesn't answer still frees the message's prefetch slot (Redis is paused with CLIENT PAUSE).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from kombu import Connection, Producer, Queue

from storefront import tasks
from storefront.broker import Channel, Transport
from tests.storefront.production import ROOT, production_env

READ_TRANSPORT = """
import django
django.setup()
from django.conf import settings
from storefront.celery import app
print(settings.CELERY_BROKER_TRANSPORT, app.connection_for_write().get_transport_cls().__module__)
"""


def read_transport(**env: str) -> list[str]:
    """The transport setting and the class the store's Celery app publishes with, read in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", READ_TRANSPORT], cwd=ROOT, env=production_env(**env),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1].split()


def test_the_store_publishes_and_consumes_through_its_transport_on_a_redis_url() -> None:
    assert read_transport(REDIS_URL="redis://redis:6379/0") == ["storefront.broker:Transport", "storefront.broker"]


def test_a_tls_redis_url_keeps_kombus_own_transport() -> None:
    """kombu checks the TLS options of a rediss:// broker by that scheme's name."""
    assert read_transport(REDIS_URL="rediss://redis:6379/0") == ["None", "kombu.transport.redis"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_publishing_with_the_broker_down_still_fails_fast(settings, monkeypatch) -> None:
    """Celery #4296, as with kombu's transport: the bounded connect timeout and retries still apply."""
    from storefront.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    started = time.monotonic()
    with app.connection_for_write(url, transport=Transport) as connection:
        assert connection.get_transport_cls() is Transport
        with pytest.raises(Exception):
            tasks.email_send.apply_async(args=[1], connection=connection, retry=True, retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY)
    assert time.monotonic() - started < 5


@pytest.fixture
def connection() -> Iterator[Connection]:
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("needs REDIS_URL (redis://): the channel talks to a real Redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"REDIS_URL does not answer ({exc})")
    with Connection(url, transport=Transport) as conn:
        yield conn


@pytest.fixture
def queue(connection: Connection) -> Iterator[Queue]:
    """A queue of this test's own, deleted afterwards."""
    bound = Queue(f"storefront-test-broker-{uuid.uuid4().hex[:12]}")(connection.default_channel)
    bound.declare()
    yield bound
    bound.delete()


def publish(connection: Connection, queue: Queue, body: dict) -> None:
    Producer(connection.default_channel).publish(body, routing_key=queue.name, serializer="json")


def test_a_channel_sends_every_command_through_one_client(connection: Connection) -> None:
    channel = connection.default_channel
    assert isinstance(channel, Channel)

    with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
        assert first is second
    assert first.connection_pool is channel.pool


def test_a_client_passed_in_is_used_as_it_is(connection: Connection) -> None:
    channel = connection.default_channel
    given = redis.Redis(connection_pool=channel.pool)

    with channel.conn_or_acquire(given) as client:
        assert client is given


def test_the_client_follows_the_pool_kombu_makes_after_a_fork(connection: Connection) -> None:
    channel = connection.default_channel
    with channel.conn_or_acquire() as before:
        pass

    channel._after_fork()  # what kombu runs in a forked child: the parent's pools are dropped

    with channel.conn_or_acquire() as after:
        assert after is not before and after.connection_pool is channel.pool
        assert after.ping()


def test_a_message_taken_is_kept_in_redis_until_its_ack(connection: Connection, queue: Queue) -> None:
    channel = connection.default_channel
    publish(connection, queue, {"order": 1})

    message = queue.get(no_ack=False)
    recorded = channel.client.hget(channel.unacked_key, message.delivery_tag)

    assert message.payload == {"order": 1}
    assert json.loads(recorded)[0]["properties"]["delivery_tag"] == message.delivery_tag
    message.ack()
    assert channel.client.hget(channel.unacked_key, message.delivery_tag) is None
    assert queue.get(no_ack=False) is None


def test_a_message_never_acked_goes_back_to_its_queue(connection: Connection, queue: Queue) -> None:
    """What a worker's warm shutdown does with the messages it holds (and the visibility timeout, for a lost one)."""
    channel = connection.default_channel
    publish(connection, queue, {"order": 2})
    taken = queue.get(no_ack=False)

    channel.basic_recover(requeue=True)

    again = queue.get(no_ack=False)
    assert again.payload == {"order": 2} and again.headers["redelivered"] is True
    assert again.delivery_tag == taken.delivery_tag
    again.ack()
    assert channel.client.hget(channel.unacked_key, taken.delivery_tag) is None


@contextmanager
def redis_paused(client: redis.Redis, seconds: float) -> Iterator[None]:
    """Redis answers no command for `seconds` (CLIENT PAUSE ALL); the pause is waited out on leaving,
    even after a failure, so the next test finds Redis answering."""
    until = time.monotonic() + seconds
    client.execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")
    try:
        yield
    finally:
        time.sleep(max(0.0, until - time.monotonic()) + 0.1)


@pytest.mark.parametrize("settle", [lambda message: message.ack(), lambda message: message.reject(requeue=True)], ids=["ack", "requeue"])
def test_an_ack_redis_does_not_answer_still_frees_the_prefetch_slot(connection: Connection, queue: Queue, settle) -> None:
    """A worker acking while Redis is stalled must go on taking messages once Redis answers again;
    kombu's own record kept the slot, and a worker with every slot so held stopped consuming."""
    with Connection(os.environ["REDIS_URL"], transport=Transport, transport_options={"socket_timeout": 0.3}) as stalled:
        channel = stalled.default_channel
        channel.basic_qos(0, 1, False)
        publish(stalled, queue, {"order": 3})
        message = queue(channel).get(no_ack=False)
        assert not channel.qos.can_consume()

        with redis_paused(channel.client, 1.0), pytest.raises(redis.TimeoutError):
            settle(message)

        assert channel.qos.can_consume()
        # Redis still records the message as unacked: the visibility timeout gives it back to its queue.
        assert channel.client.hget(channel.unacked_key, message.delivery_tag) is not None
        channel.client.hdel(channel.unacked_key, message.delivery_tag)
        channel.client.zrem(channel.unacked_index_key, message.delivery_tag)


def test_a_publish_redis_does_not_answer_gives_up_after_one_timeout(settings, monkeypatch, queue: Queue) -> None:
    """With Redis frozen, each retry of a publish would wait out the timeout again (a Finish order
    of three timeouts): the store's retry policy retries a connection error, not a timeout."""
    from kombu.exceptions import OperationalError

    from storefront.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    with Connection(os.environ["REDIS_URL"], transport=Transport, transport_options={"socket_timeout": 0.4}) as connection:
        tasks.email_send.apply_async(args=[0], connection=connection, queue=queue.name, retry=True, retry_policy=policy)
        with redis_paused(connection.default_channel.client, 1.5):
            started = time.monotonic()
            with pytest.raises(OperationalError):
                tasks.email_send.apply_async(args=[0], connection=connection, queue=queue.name, retry=True, retry_policy=policy)
            gave_up_after = time.monotonic() - started

    assert 0.4 <= gave_up_after < 0.8  # one timeout; each retry would add another
