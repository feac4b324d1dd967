"""An invoice PDF or the account statement handed to a contact lands in the security audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from storefront.audit.models import SecurityEvent
from tests.orders.test_views_invoices import _media, issued  # noqa: F401 - fixtures

Kind = SecurityEvent.Kind

pytestmark = pytest.mark.django_db


def test_an_invoice_download_is_recorded(contact_client, contact, issued):  # noqa: F811
    response = contact_client.get(reverse("orders:invoice-pdf", args=[issued.number]), REMOTE_ADDR="192.0.2.70")
    assert response.status_code == 200

    (event,) = SecurityEvent.objects.filter(kind=Kind.INVOICE_DOWNLOADED)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.70")
    assert event.detail == {"invoice": issued.number}


def test_another_accounts_invoice_records_nothing(other_admin_client, issued):  # noqa: F811
    assert other_admin_client.get(reverse("orders:invoice-pdf", args=[issued.number])).status_code == 404
    assert not SecurityEvent.objects.filter(kind=Kind.INVOICE_DOWNLOADED).exists()


def test_a_statement_export_is_recorded(contact_client, contact):
    response = contact_client.get(reverse("orders:statement-xlsx"), REMOTE_ADDR="192.0.2.71")
    assert response.status_code == 200

    (event,) = SecurityEvent.objects.filter(kind=Kind.STATEMENT_EXPORTED)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.71")
