"""The back office reads a quote in the admin: its lines and its history with the PDF's state before
and after each event; the page changes nothing, and quotes are not added there."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from quotes import services
from quotes.models import Quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client


def test_a_quotes_page_shows_its_history_with_the_pdfs_state_before_and_after(office, contact, stocked, monkeypatch):
    monkeypatch.setattr("quotes.tasks.quote_pdf_build_task.delay", lambda quote_id: None)
    quote = services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1).quote
    services.quote_pdf_request(contact=contact, quote=quote)
    page = office.get(reverse("admin:quotes_quote_change", args=[quote.pk])).content.decode()
    assert "PDF from" in page and "PDF to" in page
    rows = re.findall(r'<tr class="form-row[^"]*"[^>]*id="events-\d+">(.*?)</tr>', page, re.S)
    cells = [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r'<td class="field-(?:action|from_display|to_display)">(.*?)</td>', row, re.S)] for row in rows]
    assert cells == [["Created", "", "Not made"], ["PDF requested", "Not made", "Queued"]]


def test_a_quotes_page_is_read_only_and_quotes_are_not_added_in_the_admin(office, contact, stocked):
    quote = services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1).quote
    page = office.get(reverse("admin:quotes_quote_change", args=[quote.pk])).content.decode()
    assert 'name="_save"' not in page
    office.post(reverse("admin:quotes_quote_change", args=[quote.pk]), {"notes": "Changed in the back office", "currency": "USD"})
    quote.refresh_from_db()
    assert (quote.notes, quote.currency) == ("", "MXN")
    assert office.get(reverse("admin:quotes_quote_add")).status_code == 403
    assert not Quote.objects.exclude(pk=quote.pk).exists()
