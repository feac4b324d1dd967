"""Transactions, Invoices and Account statement: the account's own, for contacts with the permission."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orders import services
from orders.invoices import invoice_issue
from tests.accounts.factories import ContactFactory
from tests.orders.invoice_factories import InvoiceFactory, OrderFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issued(contact, stocked, back_office):
    """An invoice issued through the service, with its PDF, for Acme's order of two ThinkPads."""
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    order = services.order_place(contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key="v" * 32)
    return invoice_issue(actor=back_office, order=order)


@pytest.fixture
def theirs(other_contact):
    """Orbit's invoice (no PDF needed: nobody at Acme may reach it)."""
    return InvoiceFactory(order=OrderFactory(placed_by=other_contact, total=Decimal("990.00")))


@pytest.fixture
def no_invoice_client(account) -> Client:
    """A contact of Acme who orders but has neither the invoices permission nor the administrator flag."""
    contact = ContactFactory(account=account, can_invoice=False, is_admin=False, user__username="nina", user__email="nina@acme.test")
    client = Client()
    client.force_login(contact.user)
    return client


def _invoices(contact, count: int) -> None:
    for days in range(count):
        order = OrderFactory(placed_by=contact, total=Decimal("100.00") + days)
        InvoiceFactory(order=order, due_date=timezone.localdate() - timedelta(days=days * 10))


# --- Invoices -------------------------------------------------------------------------------------


def test_the_invoice_list_shows_the_accounts_invoices_only(contact_client, issued, theirs):
    page = contact_client.get(reverse("orders:invoice-list")).content.decode()

    assert issued.number in page and issued.order.number in page and "28,200.00 MXN" in page
    assert reverse("orders:invoice-pdf", args=[issued.number]) in page
    assert theirs.number not in page


def test_the_invoice_list_shows_paid_and_open_newest_first(contact_client, contact):
    older = InvoiceFactory(order=OrderFactory(placed_by=contact), paid_at=timezone.now())
    newer = InvoiceFactory(order=OrderFactory(placed_by=contact))
    page = contact_client.get(reverse("orders:invoice-list")).content.decode()
    assert page.index(newer.number) < page.index(older.number)
    assert "Paid on" in page and "Open" in page


def test_an_invoice_pdf_downloads_as_an_attachment(contact_client, issued):
    response = contact_client.get(reverse("orders:invoice-pdf", args=[issued.number]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{issued.number}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_another_accounts_invoice_pdf_is_not_found(other_admin_client, issued):
    assert other_admin_client.get(reverse("orders:invoice-pdf", args=[issued.number])).status_code == 404


def test_an_unknown_invoice_pdf_is_not_found(contact_client, issued):
    assert contact_client.get(reverse("orders:invoice-pdf", args=["INV-99999999"])).status_code == 404


@pytest.mark.parametrize("name", ["orders:invoice-list", "orders:statement", "orders:statement-xlsx"])
def test_a_contact_without_the_invoices_permission_is_refused(no_invoice_client, name):
    assert no_invoice_client.get(reverse(name)).status_code == 403


def test_a_contact_without_the_invoices_permission_cannot_download_a_pdf(no_invoice_client, issued):
    assert no_invoice_client.get(reverse("orders:invoice-pdf", args=[issued.number])).status_code == 403


def test_an_account_administrator_sees_invoices_without_the_flag(admin_contact, admin_contact_client, issued):
    admin_contact.can_invoice = False
    admin_contact.save(update_fields=["can_invoice"])
    assert admin_contact_client.get(reverse("orders:invoice-list")).status_code == 200


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("orders:statement"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_staff_without_a_contact_is_refused(client, back_office):
    client.force_login(back_office)
    assert client.get(reverse("orders:invoice-list")).status_code == 403


# --- Account statement ----------------------------------------------------------------------------


def test_the_statement_page_shows_credit_figures_and_the_accounts_open_invoices(contact_client, account, issued, theirs):
    page = contact_client.get(reverse("orders:statement")).content.decode()

    assert "500,000.00 MXN" in page  # credit limit
    assert "28,200.00 MXN" in page  # credit used and the open invoice
    assert "471,800.00 MXN" in page  # available
    assert issued.number in page and theirs.number not in page
    assert reverse("orders:statement-xlsx") in page


def test_the_statement_xlsx_downloads(contact_client, account, issued):
    response = contact_client.get(reverse("orders:statement-xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="statement-{account.customer_code.lower()}-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert issued.number in values and 28200 in values and 500000 in values


# --- navigation -----------------------------------------------------------------------------------


def test_the_menu_and_the_transactions_pages_link_invoices_and_statement(contact_client):
    page = contact_client.get(reverse("orders:order-list")).content.decode()
    assert page.count(reverse("orders:invoice-list")) == 2  # MY ACCOUNT menu and the sub-navigation
    assert page.count(reverse("orders:statement")) == 2


def test_a_contact_without_the_permission_gets_no_invoice_links(no_invoice_client):
    page = no_invoice_client.get(reverse("orders:order-list")).content.decode()
    assert reverse("orders:invoice-list") not in page and reverse("orders:statement") not in page


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 20])
def test_the_invoice_list_costs_the_same_queries_for_2_or_20_invoices(contact_client, contact, django_assert_num_queries, count):
    _invoices(contact, count)
    # user (with contact and account), the page's count, the page's invoices with their orders
    with django_assert_num_queries(3):
        response = contact_client.get(reverse("orders:invoice-list"))
    assert response.content.decode().count("data-invoice=") == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_statement_costs_the_same_queries_for_2_or_20_invoices(contact_client, contact, django_assert_num_queries, count):
    _invoices(contact, count)
    # user (with contact and account), the open invoices with their orders' numbers
    with django_assert_num_queries(2):
        response = contact_client.get(reverse("orders:statement"))
    assert response.content.decode().count("data-invoice=") == count
