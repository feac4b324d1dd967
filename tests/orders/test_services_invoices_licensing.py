"""Invoices of licensing orders: issued once the order is with the manufacturer, rendered without
shipment fields, paid like any invoice, and listed with the other invoices of the account."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Account
from licensing import services
from licensing.models import LicenceOrder, LicenceOrderEvent
from orders.invoices import invoice_issue, invoice_mark_paid, invoice_pdf_render
from orders.models import Invoice
from orders.services import OrderError
from orders.statement import account_statement
from storefront.models import OutboundEmail
from tests.licensing.conftest import held_order, licensing_contact, place_vl, vl_catalog  # noqa: F401 (fixtures)
from tests.orders.invoice_factories import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sent(held_order, back_office) -> LicenceOrder:
    """Acme's order for 116,000.00, approved and sent to the manufacturer."""
    services.vl_order_approve(actor=back_office, order=held_order)
    return services.vl_order_move(actor=back_office, order=held_order, to_state="sent")


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_issuing_bills_the_licensing_order_with_a_number_an_event_and_an_email(back_office, sent, settings, django_capture_on_commit_callbacks):
    settings.INVOICE_PAYMENT_DAYS = 30
    with time_machine.travel("2026-03-05 10:00:00Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(actor=back_office, licence_order=sent)

    assert invoice.number == f"INV-{invoice.pk:08d}"
    assert (invoice.account_id, invoice.order_id, invoice.licence_order_id) == (sent.account_id, None, sent.pk)
    assert (invoice.amount, invoice.currency, invoice.due_date) == (Decimal("116000.00"), "MXN", date(2026, 4, 4))
    assert invoice.billed == sent and invoice.pdf
    event = LicenceOrderEvent.objects.filter(order=sent).latest("id")
    assert (event.note, event.actor, event.from_state, event.to_state) == (f"invoiced {invoice.number}", back_office, "sent", "sent")
    email = OutboundEmail.objects.filter(to=sent.placed_by.user.email, subject__contains=invoice.number).get()
    assert sent.number in email.subject


def test_issuing_twice_returns_the_same_invoice(back_office, sent):
    first = invoice_issue(actor=back_office, licence_order=sent)
    second = invoice_issue(actor=back_office, licence_order=sent)
    assert first.pk == second.pk
    assert Invoice.objects.count() == 1
    assert LicenceOrderEvent.objects.filter(order=sent, note__startswith="invoiced").count() == 1


@pytest.mark.parametrize("state", ["on_hold", "approved", "rejected", "cancelled"])
def test_an_order_not_yet_with_the_manufacturer_or_closed_is_not_invoiced(back_office, held_order, state):
    if state == "approved":
        services.vl_order_approve(actor=back_office, order=held_order)
    elif state == "rejected":
        services.vl_order_reject(actor=back_office, order=held_order, reason="Price too low.")
    elif state == "cancelled":
        services.vl_order_cancel(actor=back_office, order=held_order)
    assert LicenceOrder.objects.get(pk=held_order.pk).state == state

    with pytest.raises(OrderError) as refused:
        invoice_issue(actor=back_office, licence_order=held_order)

    assert held_order.number in refused.value.message
    assert not Invoice.objects.exists()


def test_processed_and_received_orders_are_invoiced(back_office, sent):
    LicenceOrder.objects.filter(pk=sent.pk).update(authorization_number="AUTH-1")
    processed = services.vl_order_move(actor=back_office, order=sent, to_state="processed")
    assert invoice_issue(actor=back_office, licence_order=processed).licence_order_id == sent.pk


def test_only_staff_in_charge_of_the_account_invoice(sent, licensing_contact, other_admin, sales_executive):
    with pytest.raises(OrderError):
        invoice_issue(actor=licensing_contact.user, licence_order=sent)
    outsider = other_admin.user
    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])
    with pytest.raises(OrderError):
        invoice_issue(actor=outsider, licence_order=sent)
    assert invoice_issue(actor=sales_executive, licence_order=sent).licence_order_id == sent.pk


def test_exactly_one_kind_of_order_is_billed(back_office, sent):
    with pytest.raises(ValueError):
        invoice_issue(actor=back_office)


def test_the_pdf_names_the_program_end_customer_and_lines_without_shipment_fields(back_office, sent):
    invoice = invoice_issue(actor=back_office, licence_order=sent)

    text = _text(invoice_pdf_render(invoice=invoice))

    for expected in (invoice.number, sent.number, "Open Value", "Colegio Azteca", "VL-MS-0001", "VL-MS-0002", "116,000.00"):
        assert expected in text, expected
    assert "Shipment type" not in text and "Payment method" not in text


def test_payment_returns_the_licensing_orders_credit_once(back_office, sent, account):
    account.refresh_from_db()
    assert account.credit_used == Decimal("116000.00")
    invoice = invoice_issue(actor=back_office, licence_order=sent)

    invoice_mark_paid(actor=back_office, invoice=invoice)
    with pytest.raises(OrderError):
        invoice_mark_paid(actor=back_office, invoice=invoice)

    account.refresh_from_db()
    sent.refresh_from_db()
    assert account.credit_used == Decimal("0.00") and sent.credit_taken == Decimal("0.00")
    assert LicenceOrderEvent.objects.filter(order=sent, actor=back_office, note=f"paid {invoice.number}").count() == 1


def test_an_invoiced_licensing_order_is_not_cancelled_so_its_credit_stays_owed(back_office, sent, account):
    invoice = invoice_issue(actor=back_office, licence_order=sent)
    account.refresh_from_db()
    used = account.credit_used

    with pytest.raises(services.LicensingError, match=f"invoiced \\({invoice.number}\\).*credit note"):
        services.vl_order_cancel(actor=back_office, order=sent, reason="Customer withdrew.")

    sent.refresh_from_db()
    account.refresh_from_db()
    assert (sent.state, account.credit_used) == ("sent", used)


def test_the_statement_shows_the_licensing_orders_number_in_one_query(back_office, sent, account, django_assert_num_queries):
    invoice = invoice_issue(actor=back_office, licence_order=sent)
    goods = InvoiceFactory(order__placed_by__account=account)

    with django_assert_num_queries(1):
        statement = account_statement(account=account, today=date.today())

    by_number = {line.number: line for line in statement.lines}
    assert (by_number[invoice.number].order_number, by_number[invoice.number].is_licensing) == (sent.number, True)
    assert (by_number[goods.number].order_number, by_number[goods.number].is_licensing) == (goods.order.number, False)


def test_the_invoice_list_links_a_licensing_invoice_to_its_licensing_order(back_office, sent, licensing_contact, client):
    invoice = invoice_issue(actor=back_office, licence_order=sent)
    goods = InvoiceFactory(order__placed_by__account=sent.account)
    licensing_contact.can_invoice = True
    licensing_contact.save()
    client.force_login(licensing_contact.user)

    page = client.get(reverse("orders:invoice-list")).content.decode()

    assert reverse("licensing:order-detail", args=[sent.number]) in page and invoice.number in page
    assert reverse("orders:order-detail", args=[goods.order.number]) in page
