"""The store's outbox: every email is a row first, then a task delivers it.

An email is stored in the same transaction as the change that causes it, and its delivery is queued
only after that transaction commits. A broker that is down or an SMTP server that refuses leaves the
row unsent; the periodic sweep delivers it later. Nothing is lost, and nothing is sent twice: a
delivery first claims the row with a conditional UPDATE.

The guarantee is at-least-once, with the duplicate window made as small as it can be: the claim
(OUTBOX_CLAIM_SECONDS) keeps a second worker off a row while one sends, and a worker killed before the
mail server accepted the message leaves a claim that expires, so the sweep sends it again. Only a
worker that dies in the instant between the server's "250 OK" and its UPDATE of sent_at causes a
second copy, which carries the same Message-ID (mail clients and archives fold it). At-most-once
(mark sent, then send) would lose that email instead, and an order's confirmation must not be lost.

A refusal for the recipient (5xx to RCPT TO) is permanent: the row is marked failed, shown in the
admin with the server's answer, and never retried. Other failures are transient: the row stays
queued with its last error and is retried, up to OUTBOX_MAX_ATTEMPTS, then marked failed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from storefront.cache import redis_found_unreachable, redis_unreachable
from storefront.models import OutboundEmail
from storefront.prepared import PreparedInsert

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
# Every email is stored by one INSERT, compiled once per connection.
_EMAIL_INSERT: PreparedInsert[OutboundEmail] = PreparedInsert(OutboundEmail)


class EmailDeliveryError(Exception):
    """The mail server did not take the message; the row stays unsent for a retry."""


class EmailRefusedError(EmailDeliveryError):
    """The mail server refused the recipient for good (5xx): the row is failed and not retried."""


def email_queue(*, to: str, template: str, context: dict[str, Any], language: str | None = None) -> OutboundEmail:
    """Render templates/emails/<template>-subject.txt, -body.txt and -body.html, store, send after commit."""
    ctx = {"STORE_NAME": settings.STORE_NAME, **context}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template}-subject.txt", ctx).split())
        body_text = render_to_string(f"emails/{template}-body.txt", ctx).strip() + "\n"
        body_html = render_to_string(f"emails/{template}-body.html", ctx).strip()
    return email_store(to=to, subject=subject, body_text=body_text, body_html=body_html)


def email_store(*, to: str, subject: str, body_text: str, body_html: str = "") -> OutboundEmail:
    """Save one email and queue its delivery for when the current transaction commits."""
    email = _EMAIL_INSERT.create(to=to, subject=subject[:255], body_text=body_text, body_html=body_html)
    transaction.on_commit(lambda: _enqueue_delivery(email.pk))
    return email


def _enqueue_delivery(email_id: int) -> None:
    # Imported here: tasks import this module.
    from storefront.tasks import email_send

    # A Redis found unreachable a moment ago (by the cache, or by the last publish) is not waited on
    # again: with Redis frozen, a publish would wait out its timeout once per retry, several seconds
    # of a Finish order. The stored email is the sweep's to deliver.
    broker = settings.CELERY_BROKER_URL
    if redis_unreachable(broker):
        logger.warning("Redis unreachable a moment ago: delivery of email %s left to the outbox sweep", email_id)
        return
    try:
        email_send.delay(email_id)
    except Exception as exc:  # the broker is down or refused it: the sweep delivers the stored row later
        if isinstance(exc, OperationalError):  # Redis didn't answer: not tried again for a moment
            redis_found_unreachable(broker)
        logger.exception("Could not queue delivery of email %s; the outbox sweep will retry it", email_id)


def email_deliver(*, email_id: int) -> bool:
    """Send one stored email unless it was sent or is being sent; True when this call sent it."""
    now = timezone.now()
    claimed = (
        OutboundEmail.objects.filter(pk=email_id, sent_at__isnull=True)
        .exclude(state=OutboundEmail.State.FAILED)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS))
    )
    if not claimed:
        return False
    # This attempt consumed a queued copy: the sweep may queue the email again (if it stays unsent).
    cache.delete(_sweep_key(email_id))
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email_message_id(email)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except (SMTPException, OSError) as exc:
        attempts = email.attempts + 1
        permanent = _refused_for_good(exc)
        given_up = permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email_id).update(
            claimed_until=None,
            attempts=attempts,
            state=OutboundEmail.State.FAILED if given_up else OutboundEmail.State.QUEUED,
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
        )
        if permanent:
            logger.warning("Email %s refused for good by the mail server: %s", email_id, exc)
            raise EmailRefusedError(str(exc)) from exc
        raise EmailDeliveryError(str(exc)) from exc
    OutboundEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(),
        claimed_until=None,
        attempts=email.attempts + 1,
        state=OutboundEmail.State.SENT,
        last_error="",
    )
    return True


def email_message_id(email: OutboundEmail) -> str:
    """The same Message-ID for every attempt at one stored email, so a second copy is recognisable."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{email.pk}.{int(email.created_at.timestamp())}@{domain}>"


def _refused_for_good(exc: BaseException) -> bool:
    # Only a refusal of the recipient itself is final; a 5xx for the sender or the data may be the
    # server's configuration, which the back office fixes, and is retried like a transient error.
    return isinstance(exc, SMTPRecipientsRefused) and bool(exc.recipients) and all(
        500 <= code < 600 for code, _message in exc.recipients.values()
    )


def outbox_due_ids(*, older_than: timedelta | None = None) -> list[int]:
    """Unsent, unclaimed emails old enough that their own delivery task should have sent them.

    A failed one (refused for good, or OUTBOX_MAX_ATTEMPTS attempts spent) is left for the back
    office: an address the mail server keeps refusing must not be retried forever.
    """
    now = timezone.now()
    age = older_than if older_than is not None else timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)
    return list(
        OutboundEmail.objects.filter(
            sent_at__isnull=True, created_at__lte=now - age, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS
        )
        .exclude(state=OutboundEmail.State.FAILED)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def outbox_sweep_ids() -> list[int]:
    """The due emails the sweep should queue now: those it has not queued within the last
    OUTBOX_CLAIM_SECONDS, unless a delivery attempt has consumed that queued copy since.

    While the worker is stopped, every tick of beat would otherwise queue every due email again, and a
    long outage would pile thousands of copies into the broker for the worker to wade through when it
    returns (each a no-op, thanks to the claim, but the new orders' emails wait behind them). The
    shared cache remembers what was queued; a cache that forgets (or is down) only queues a spare copy.
    """
    return [
        email_id
        for email_id in outbox_due_ids()
        if cache.add(_sweep_key(email_id), 1, timeout=settings.OUTBOX_CLAIM_SECONDS)
    ]


def _sweep_key(email_id: int) -> str:
    return f"outbox-sweep-queued:{email_id}"
