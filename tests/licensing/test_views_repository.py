"""The repository of licensing orders ("Volume Licensing orders") and the eCertificate download, through
the client: search, filters, links to eCertificates and invoices, permissions and query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from licensing import services
from licensing.models import LicenceOrder
from tests.licensing.conftest import place_vl
from tests.licensing.test_views_order import advance
from tests.orders.invoice_factories import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _released(order: LicenceOrder, back_office) -> LicenceOrder:
    """Received, then 24 hours later its eCertificate released by the scheduled task's service."""
    order = advance(order, back_office, "received")
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.vl_certificate_release(order_id=order.pk)
    order.refresh_from_db()
    return order


def _invoice(order: LicenceOrder):
    return InvoiceFactory(order=None, licence_order=order, account=order.account, amount=order.total, currency=order.currency)


@pytest.fixture
def theirs(other_contact, other_account, vl_catalog) -> LicenceOrder:
    """An Open Value order of Orbit IT (Colombia), placed by its own contact."""
    other_account.credit_limit = Decimal("90000000.00")
    other_account.save(update_fields=["credit_limit"])
    return place_vl(other_contact, items=[(vl_catalog["office"], 1, None)], key="o" * 32, end_customer="Universidad Andina")


# --- the list --------------------------------------------------------------------------------------------


def test_the_repository_lists_the_accounts_orders_only_with_their_figures(contact_client, held_order, theirs):
    response = contact_client.get(reverse("licensing:order-list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert held_order.number in page and reverse("licensing:order-detail", args=[held_order.number]) in page
    assert "Open Value" in page and "Colegio Azteca" in page and "On hold, awaiting approval" in page and "116,000.00 MXN" in page
    assert theirs.number not in page and "Universidad Andina" not in page
    assert reverse("licensing:order-new") in page


def test_the_repository_searches_by_order_number_or_product(contact_client, licensing_contact, held_order, vl_catalog):
    cal = place_vl(licensing_contact, items=[(vl_catalog["cal"], 5, None)], program="open_business", key="c" * 32)
    by_product = contact_client.get(reverse("licensing:order-list"), {"q": "CAL Open Business"}).content.decode()
    assert f'data-order="{cal.number}"' in by_product and f'data-order="{held_order.number}"' not in by_product
    by_sku = contact_client.get(reverse("licensing:order-list"), {"q": "vl-ms-0002"}).content.decode()
    assert f'data-order="{held_order.number}"' in by_sku and f'data-order="{cal.number}"' not in by_sku
    by_number = contact_client.get(reverse("licensing:order-list"), {"q": cal.number}).content.decode()
    assert f'data-order="{cal.number}"' in by_number and f'data-order="{held_order.number}"' not in by_number
    nothing = contact_client.get(reverse("licensing:order-list"), {"q": "no such thing"}).content.decode()
    assert "No licensing orders match." in nothing and 'value="no such thing"' in nothing


def test_the_repository_filters_by_status_and_dates(contact_client, licensing_contact, held_order, vl_catalog):
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        old = place_vl(licensing_contact, items=[(vl_catalog["cal"], 5, None)], program="open_business", key="c" * 32)
    today = timezone.localdate()
    recent = contact_client.get(reverse("licensing:order-list"), {"date_from": (today - timedelta(days=30)).isoformat()}).content.decode()
    assert f'data-order="{held_order.number}"' in recent and f'data-order="{old.number}"' not in recent
    placed = contact_client.get(reverse("licensing:order-list"), {"status": "placed"}).content.decode()
    assert f'data-order="{old.number}"' in placed and f'data-order="{held_order.number}"' not in placed


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"date_from": "2025-13-45"}, "Enter a valid date."),
        ({"date_from": "2025-06-01", "date_to": "2025-01-01"}, "The end date must not be before the start date."),
        ({"status": "lost"}, "Select a valid choice. lost is not one of the available choices."),
    ],
)
def test_a_bad_filter_is_told_and_what_was_typed_is_kept(contact_client, held_order, typed, message):
    response = contact_client.get(reverse("licensing:order-list"), typed)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    for name, value in typed.items():
        if name.startswith("date_"):
            assert f'name="{name}" value="{value}"' in page


def test_the_repository_links_the_ecertificate_and_the_invoice(contact_client, held_order, back_office):
    order = _released(held_order, back_office)
    invoice = _invoice(order)
    page = contact_client.get(reverse("licensing:order-list")).content.decode()
    assert reverse("licensing:certificate", args=[order.number]) in page and "Download eCertificate" in page
    assert reverse("orders:invoice-pdf", args=[invoice.number]) in page


def test_without_the_invoices_permission_the_invoice_is_named_but_not_linked(contact_client, licensing_contact, held_order, back_office):
    invoice = _invoice(advance(held_order, back_office, "processed"))
    licensing_contact.can_invoice = False
    licensing_contact.save()
    page = contact_client.get(reverse("licensing:order-list")).content.decode()
    assert invoice.number in page and reverse("orders:invoice-pdf", args=[invoice.number]) not in page


def test_the_repository_keeps_every_order_25_to_a_page(contact_client, licensing_contact, vl_catalog):
    for n in range(26):
        place_vl(licensing_contact, items=[(vl_catalog["cal"], 1, None)], program="open_business", key=f"{n:032d}")
    first = contact_client.get(reverse("licensing:order-list")).content.decode()
    second = contact_client.get(reverse("licensing:order-list"), {"page": 2, "q": "VL"}).content.decode()
    assert first.count('data-order="') == 25 and "Page 1 of 2" in first
    assert second.count('data-order="') == 1 and "?q=VL&amp;page=1" in second


def test_the_repository_needs_the_licensing_permission(contact_client, licensing_contact):
    licensing_contact.can_license = False
    licensing_contact.save()
    assert contact_client.get(reverse("licensing:order-list")).status_code == 403


def test_the_repository_answers_only_get(contact_client, licensing_contact):
    assert contact_client.post(reverse("licensing:order-list")).status_code == 405


@pytest.mark.parametrize("count", [1, 20])
def test_the_repository_costs_the_same_queries_for_1_or_20_orders(
    contact_client, licensing_contact, vl_catalog, back_office, django_assert_num_queries, count
):
    for n in range(count):
        order = place_vl(licensing_contact, items=[(vl_catalog["cal"], 1, None)], program="open_business", key=f"{n:032d}")
        _invoice(advance(order, back_office, "processed"))
    # user, the count for the pages, the page of orders (with their invoices)
    with django_assert_num_queries(3):
        page = contact_client.get(reverse("licensing:order-list"), {"q": "CAL"}).content.decode()
    assert page.count('data-order="') == count


# --- the eCertificate --------------------------------------------------------------------------------------


def test_the_ecertificate_downloads_as_a_pdf_attachment_never_cached(contact_client, held_order, back_office):
    order = _released(held_order, back_office)
    response = contact_client.get(reverse("licensing:certificate", args=[order.number]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"] and f"{order.number}-ecertificate.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    assert "Download eCertificate" in page


def test_the_ecertificate_is_not_found_before_it_is_available(contact_client, held_order, back_office):
    order = advance(held_order, back_office, "received")
    assert contact_client.get(reverse("licensing:certificate", args=[order.number])).status_code == 404


def test_a_contact_with_only_the_downloads_permission_downloads_the_ecertificate(contact_client, licensing_contact, held_order, back_office):
    order = _released(held_order, back_office)
    licensing_contact.can_license = False
    licensing_contact.save()
    assert contact_client.get(reverse("licensing:certificate", args=[order.number])).status_code == 200
    licensing_contact.can_download = False
    licensing_contact.save()
    assert contact_client.get(reverse("licensing:certificate", args=[order.number])).status_code == 403


def test_another_accounts_ecertificate_is_not_found(other_admin_client, held_order, back_office):
    order = _released(held_order, back_office)
    assert other_admin_client.get(reverse("licensing:certificate", args=[order.number])).status_code == 404


def test_a_visitor_is_sent_to_sign_in_for_an_ecertificate(client, held_order):
    response = client.get(reverse("licensing:certificate", args=[held_order.number]))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("licensing:order-detail", "get"),
        ("licensing:order-cancel", "get"),
        ("licensing:order-cancel", "post"),
        ("licensing:counter-offer", "post"),
        ("licensing:certificate", "get"),
    ],
)
def test_an_order_placed_by_another_accounts_contact_is_not_found_on_any_page(contact_client, licensing_contact, theirs, name, method):
    response = getattr(contact_client, method)(reverse(name, args=[theirs.number]), {"action": "accept"} if method == "post" else {})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "placed"
