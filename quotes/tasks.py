"""Celery tasks of the quotes: thin wrappers around quotes.services."""

from __future__ import annotations

from celery import shared_task

from quotes.services import quote_pdf_build


@shared_task(acks_late=True, soft_time_limit=5 * 60, time_limit=6 * 60)
def quote_pdf_build_task(quote_id: int) -> bool:
    """Build one queued quote PDF (idempotent: a claimed or finished one is left alone)."""
    return quote_pdf_build(quote_id=quote_id)
