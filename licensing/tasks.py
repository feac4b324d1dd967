"""Celery tasks of volume licensing: thin wrappers around licensing.services."""

from __future__ import annotations

from celery import shared_task

from licensing.services import vl_certificate_release, vl_certificates_due_ids


@shared_task(acks_late=True)
def vl_certificate_release_task(order_id: int) -> bool:
    """Release one order's eCertificate if it is due (idempotent)."""
    return vl_certificate_release(order_id=order_id)


@shared_task
def vl_certificates_release_due() -> int:
    """Queue the release of every eCertificate whose 24 hours have passed; run by beat."""
    ids = vl_certificates_due_ids()
    for order_id in ids:
        vl_certificate_release_task.delay(order_id)
    return len(ids)
