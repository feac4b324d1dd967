"""Celery tasks of the catalog: thin wrappers around catalog.exports."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from catalog.exports import price_list_export_build, price_list_exports_purge
from catalog.search import search_words_refresh


# A build that runs past the soft limit is stopped inside the service, which marks it failed.
@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=35 * 60)
def price_list_export_build_task(export_id: int, language: str | None = None) -> bool:
    """Build one queued Price List file (idempotent: a claimed or finished export is left alone)."""
    return price_list_export_build(export_id=export_id, language=language)


@shared_task
def price_list_exports_purge_task() -> int:
    """Delete the Price List files older than PRICE_LIST_KEEP_DAYS; run daily by beat."""
    return price_list_exports_purge(older_than=timedelta(days=settings.PRICE_LIST_KEEP_DAYS))


@shared_task
def search_words_refresh_task() -> int:
    """Rebuild the search vocabulary (typo correction) from the products; run daily by beat."""
    return search_words_refresh()
