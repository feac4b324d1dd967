"""The migration that gave quote events their from and to states fills in the rows made before it
from what the history knew: the note of "PDF requested", "none" before any request."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from quotes.models import QuoteEvent
from tests.quotes.factories import make_quote

pytestmark = pytest.mark.django_db

migration = import_module("quotes.migrations.0003_event_states")


def _old_row(quote, contact, action: str, note: str = "") -> QuoteEvent:
    """An event as the code before the migration wrote it: no states, a PDF request's move in its note."""
    return QuoteEvent.objects.create(quote=quote, actor=contact.user, action=action, note=note, from_state="", to_state="")


def _states(quote) -> list[tuple[str, str, str, str]]:
    return [(e.action, e.from_state, e.to_state, e.note) for e in QuoteEvent.objects.filter(quote=quote).order_by("at", "id")]


def test_existing_events_get_the_states_their_history_told(contact, admin_contact):
    first = make_quote(contact)
    for action, note in [
        ("created", ""), ("moved from the cart", "2 lines"), ("saved", ""), ("PDF requested", "none → queued"),
        ("activated", ""), ("PDF requested", "ready → queued"), ("moved to the cart", "2 lines"),
    ]:
        _old_row(first, contact, action, note)
    second = make_quote(admin_contact)
    _old_row(second, admin_contact, "created")
    _old_row(second, admin_contact, "saved")

    migration.states_from_history(apps, None)

    assert _states(first) == [
        ("created", "", "none", ""),
        ("moved from the cart", "none", "none", "2 lines"),
        ("saved", "none", "none", ""),
        ("PDF requested", "none", "queued", ""),
        ("activated", "queued", "queued", ""),
        ("PDF requested", "ready", "queued", ""),
        ("moved to the cart", "queued", "queued", "2 lines"),
    ]
    # Each quote's history starts anew: the first quote's last state does not leak into the second's.
    assert _states(second) == [("created", "", "none", ""), ("saved", "none", "none", "")]


def test_undoing_the_migration_puts_a_pdf_requests_move_back_in_its_note(contact):
    quote = make_quote(contact)
    _old_row(quote, contact, "created")
    _old_row(quote, contact, "PDF requested", "failed → queued")
    migration.states_from_history(apps, None)
    migration.states_back_into_notes(apps, None)
    assert [e.note for e in QuoteEvent.objects.filter(quote=quote).order_by("id")] == ["", "failed → queued"]
