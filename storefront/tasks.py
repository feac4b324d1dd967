"""Celery tasks of the shared outbox: thin wrappers around storefront.emails."""

from __future__ import annotations

from celery import shared_task

from storefront.emails import EmailDeliveryError, EmailRefusedError, email_deliver, outbox_sweep_ids


RETRY_DELAYS = (30, 120, 600, 1800, 3600)


@shared_task(bind=True, acks_late=True, max_retries=len(RETRY_DELAYS))
def email_send(self, email_id: int) -> bool:
    """Deliver one stored email (idempotent: a sent or claimed row is left alone)."""
    try:
        return email_deliver(email_id=email_id)
    except EmailRefusedError:
        return False  # refused for good: marked failed for the back office, never retried
    except EmailDeliveryError as exc:
        # Run eagerly (no broker), a retry would block the request that queued it: the row stays
        # unsent and the sweep retries it later.
        if self.request.is_eager:
            return False
        raise self.retry(exc=exc, countdown=RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)])


@shared_task
def outbox_sweep() -> int:
    """Queue delivery of every stored email that is still unsent and not queued lately; run by beat."""
    ids = outbox_sweep_ids()
    for email_id in ids:
        email_send.delay(email_id)
    return len(ids)
