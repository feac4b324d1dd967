"""The Redis broker transport: kombu's, with one redis-py client per channel for its commands.

kombu's Redis channel builds a new redis-py client for every command it sends outside the worker's
event loop: each publish (`.delay()`), the record of each message a worker takes (kept in Redis until
the ack, so a lost worker's message goes back to its queue) and each ack. Building one (redis-py
copies its table of about 170 reply parsers into every new client) costs about as much as the
command's own round trip to Redis; two of them lie on the path from `.delay()` to a task's first line,
and with the ack they took about a fifth of a worker's CPU per message. A client holds no connection of
its own (each command takes one from the channel's pool and gives it back) and redis-py's client is
safe to share between threads, so one client per channel sends the same commands. Everything else
(the pools, BRPOP, the record of unacked messages, acks, the visibility timeout, restoring unacked
messages) is kombu's, unchanged, but for one mend in its record of unacked messages (QoS below).

`give_up_on_a_timeout` is the errback of the store's publish retry policy: a publish retries a
connection error (a pooled connection Redis closed on a restart fails at once, and a new one
succeeds), but not a timeout, which a frozen Redis answers to the retry too, once per attempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis
from kombu.transport import redis as kombu_redis
from kombu.transport import virtual


def give_up_on_a_timeout(exc: BaseException, interval: float) -> None:
    """kombu's errback between a failed publish and its retry: a Redis that didn't answer within its
    timeout is given up on at once (a checkout then waits one timeout, not one per retry)."""
    if isinstance(exc, (redis.TimeoutError, TimeoutError)):
        raise exc


class QoS(kombu_redis.QoS):
    """kombu's record of a channel's unacked messages, which frees a message's prefetch slot even when
    Redis can't be told of its ack.

    kombu first removes an acked (or rejected) message from Redis's record, then from its own. When
    Redis doesn't answer in time (frozen, overloaded, a network stall), the first step raises, the
    second never runs, and the message keeps its slot for the life of the channel: a worker whose
    every slot is held so (two acks during one Redis stall, at a prefetch of two) never takes another
    message, while it looks healthy. Here the slot is freed whatever Redis answers. The message stays
    in Redis's record, so kombu's visibility timeout puts it back in its queue and its task runs again:
    the store's tasks are idempotent (an email already sent is left alone). The error is raised on, so
    Celery still logs that it couldn't ack.
    """

    def ack(self, delivery_tag: str) -> None:
        try:
            super().ack(delivery_tag)
        except Exception:
            virtual.QoS.ack(self, delivery_tag)
            raise

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        try:
            super().reject(delivery_tag, requeue=requeue)
        except Exception:
            virtual.QoS.ack(self, delivery_tag)
            raise


class Channel(kombu_redis.Channel):
    """kombu's Redis channel, sending its commands through one client instead of a new one each, and
    keeping its record of unacked messages with the QoS above."""

    QoS = QoS
    _commands_client: redis.Redis | None = None

    @contextmanager
    def conn_or_acquire(self, client: redis.Redis | None = None) -> Iterator[redis.Redis]:
        if client:
            yield client
            return
        pool = self.pool
        # kombu drops the pool after a fork or on close and makes another: the client follows it.
        if self._commands_client is None or self._commands_client.connection_pool is not pool:
            self._commands_client = self._create_client()
        yield self._commands_client


class Transport(kombu_redis.Transport):
    """kombu's Redis transport, with the channel above."""

    Channel = Channel
