"""Celery tasks of the shared outbox: thin wrappers around storefront.emails."""

from __future__ import annotations

from celery import shared_task

from storefront.emails import EmailDeliveryError, email_deliver, outbox_due_ids


@shared_task(
    acks_late=True,
    autoretry_for=(EmailDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def email_send(email_id: int) -> bool:
    """Deliver one stored email (idempotent: a sent or claimed row is left alone)."""
    return email_deliver(email_id=email_id)


@shared_task
def outbox_sweep() -> int:
    """Queue delivery of every stored email that is still unsent; run by beat."""
    ids = outbox_due_ids()
    for email_id in ids:
        email_send.delay(email_id)
    return len(ids)
