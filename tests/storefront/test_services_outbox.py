"""The outbox: an email is a row first, delivered after commit, never lost, never sent twice."""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from storefront import tasks
from storefront.emails import EmailDeliveryError, email_deliver, email_queue, email_store, outbox_due_ids
from storefront.models import OutboundEmail


def test_email_is_stored_and_delivered_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = email_store(to="a@b.test", subject="Hello", body_text="Body")
    assert OutboundEmail.objects.get().state == OutboundEmail.State.QUEUED
    assert mail.outbox == []

    for callback in callbacks:
        callback()

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT and email.sent_at is not None
    assert [m.to for m in mail.outbox] == [["a@b.test"]]


def test_a_rolled_back_change_sends_nothing(db):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            email_store(to="a@b.test", subject="Hello", body_text="Body")
            raise RuntimeError("the change failed")
    assert not OutboundEmail.objects.exists() and mail.outbox == []


def test_templates_give_subject_text_and_html(db):
    email = email_queue(to="a@b.test", template="contact-code", context={"contact": None, "code": "123456", "minutes": 10})
    assert "123456" in email.subject and "123456" in email.body_text and "<strong>123456</strong>" in email.body_html


def test_delivery_twice_sends_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_store(to="a@b.test", subject="Hello", body_text="Body")
    assert email_deliver(email_id=email.pk) is False
    tasks.email_send.apply(args=[email.pk])
    assert len(mail.outbox) == 1


def test_a_claimed_email_is_not_sent_by_a_second_worker(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = email_store(to="a@b.test", subject="Hello", body_text="Body")
    OutboundEmail.objects.filter(pk=email.pk).update(claimed_until=timezone.now() + timedelta(minutes=5))
    assert email_deliver(email_id=email.pk) is False
    assert mail.outbox == []


def test_a_broker_failure_keeps_the_email_for_the_sweep(db, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.email_send, "delay", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            email = email_store(to="a@b.test", subject="Hello", body_text="Body")
    email.refresh_from_db()
    assert email.sent_at is None and mail.outbox == []

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert tasks.outbox_sweep.apply().get() == 1

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT and len(mail.outbox) == 1


def test_a_transient_smtp_failure_keeps_the_email_queued_with_its_error(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = email_store(to="a@b.test", subject="Hello", body_text="Body")
    with mock.patch("django.core.mail.message.EmailMessage.send", side_effect=SMTPServerDisconnected("gone")):
        with pytest.raises(EmailDeliveryError):
            email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.QUEUED and email.sent_at is None
    assert "gone" in email.last_error and email.claimed_until is None and email.attempts == 1

    assert email_deliver(email_id=email.pk) is True
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT and email.attempts == 2


def test_sweep_leaves_fresh_and_sent_emails_alone(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = email_store(to="sent@b.test", subject="Hello", body_text="Body")
    with django_capture_on_commit_callbacks(execute=False):
        fresh = email_store(to="fresh@b.test", subject="Hello", body_text="Body")
    assert outbox_due_ids() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox_due_ids() == [fresh.pk]
    assert sent.pk not in outbox_due_ids(older_than=timedelta(0))


def test_sweep_gives_up_after_the_maximum_attempts(db, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = email_store(to="a@b.test", subject="Hello", body_text="Body")
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=settings.OUTBOX_MAX_ATTEMPTS - 1)
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later):
        assert outbox_due_ids() == [email.pk]
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=settings.OUTBOX_MAX_ATTEMPTS)
    with time_machine.travel(later):
        assert outbox_due_ids() == []


def test_without_a_broker_a_failed_delivery_does_not_block_the_request(db, django_capture_on_commit_callbacks):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(1)
        raise SMTPServerDisconnected("down")

    with mock.patch("django.core.mail.message.EmailMessage.send", side_effect=refuse):
        with django_capture_on_commit_callbacks(execute=True):
            email = email_store(to="a@b.test", subject="Hello", body_text="Body")
    email.refresh_from_db()
    assert len(calls) == 1  # no synchronous retries in eager mode
    assert email.state == OutboundEmail.State.QUEUED and email.sent_at is None and "down" in email.last_error
