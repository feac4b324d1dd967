"""Celery tasks of the accounts: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from accounts.signin import signin_records_purge


@shared_task
def signin_records_purge_task() -> int:
    """Delete the sign-in counts of past hours and the old sign-in links; run daily by beat."""
    return signin_records_purge()
