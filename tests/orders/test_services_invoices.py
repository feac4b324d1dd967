"""Invoices through the services: issuing (number, due date, amount, PDF, event, email) and payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import re
import zlib

import pytest
import time_machine
from django.core import mail

from accounts.models import Account
from orders import services
from orders.invoices import invoice_issue, invoice_mark_paid, invoice_pdf_render
from orders.models import Invoice, Order, OrderEvent
from orders.services import OrderError
from storefront.models import OutboundEmail
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def order(contact, stocked) -> Order:
    """Two ThinkPads at Acme's Gold price (14,100.00), on the credit line."""
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    return services.order_place(
        contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key="i" * 32
    )


def _pdf_metadata(data: bytes) -> bytes:
    """The PDF's objects, inflated: WeasyPrint packs the document's metadata in compressed streams."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            chunks.append(zlib.decompressobj().decompress(data[match.end() : data.find(b"endstream", match.end())]))
        except zlib.error:
            continue
    return b"".join(chunks)


def _invoice_emails():
    return OutboundEmail.objects.filter(subject__contains="invoice")


# --- issuing --------------------------------------------------------------------------------------


def test_issuing_gives_a_number_a_due_date_the_order_total_and_an_event(back_office, order, settings):
    settings.INVOICE_PAYMENT_DAYS = 30
    with time_machine.travel("2026-03-05 10:00:00Z", tick=False):
        invoice = invoice_issue(actor=back_office, order=order)

    assert invoice.number == f"INV-{invoice.pk:08d}"
    assert invoice.due_date == date(2026, 4, 4)
    assert invoice.amount == order.total == Decimal("28200.00")
    assert invoice.currency == "MXN"
    assert invoice.paid_at is None
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.note, event.actor, event.from_state, event.to_state) == (
        f"invoiced {invoice.number}",
        back_office,
        Order.State.PLACED,
        Order.State.PLACED,
    )


def test_the_due_date_follows_the_payment_terms_setting(back_office, order, settings):
    settings.INVOICE_PAYMENT_DAYS = 45
    with time_machine.travel("2026-12-20 23:30:00Z", tick=False):
        invoice = invoice_issue(actor=back_office, order=order)
    assert invoice.due_date == date(2027, 2, 3)


def test_invoice_numbers_are_unique_and_zero_padded(back_office, order, admin_contact, stocked):
    services.cart_add(contact=admin_contact, product=stocked["latitude"], quantity=1)
    second = services.order_place(
        contact=admin_contact, shipment_type="pickup", payment_method="wire", observations="", submission_key="j" * 32
    )
    numbers = {invoice_issue(actor=back_office, order=o).number for o in (order, second)}
    assert len(numbers) == 2
    assert all(n.startswith("INV-") and len(n) == 12 and n[4:].isdigit() for n in numbers)


def test_the_pdf_is_rendered_and_stored(back_office, order):
    invoice = invoice_issue(actor=back_office, order=order)

    assert invoice.pdf.name.endswith(f"{invoice.number}.pdf")
    with invoice.pdf.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-") and len(data) > 5000
    metadata = _pdf_metadata(data)
    assert f"Invoice {invoice.number} for order {order.number}".encode() in metadata


def test_the_pdf_builder_is_pure_and_needs_no_task(back_office, order, django_assert_max_num_queries):
    invoice = invoice_issue(actor=back_office, order=order)
    invoice = Invoice.objects.select_related("order__account", "order__placed_by__user").get(pk=invoice.pk)
    with django_assert_max_num_queries(1):  # the lines
        data = invoice_pdf_render(invoice=invoice)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert Invoice.objects.get(pk=invoice.pk).pdf.name == invoice.pdf.name


def test_the_email_to_the_contact_is_sent_only_after_commit(back_office, order, contact, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice = invoice_issue(actor=back_office, order=order)
        email = _invoice_emails().get()
        assert email.to == contact.user.email and invoice.number in email.subject
        assert mail.outbox == []
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == [email.subject]
    body = mail.outbox[0].body
    assert invoice.number in body and order.number in body and "28200.00 MXN" in body
    assert "/buy/invoices/" in body


def test_issuing_twice_returns_the_same_invoice(back_office, order):
    first = invoice_issue(actor=back_office, order=order)
    second = invoice_issue(actor=back_office, order=order)

    assert second.pk == first.pk and second.number == first.number
    assert Invoice.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, note__startswith="invoiced").count() == 1
    assert _invoice_emails().count() == 1


def test_a_cancelled_order_is_not_invoiced(back_office, order):
    services.order_move(actor=back_office, order=order, to_state=Order.State.CANCELLED)
    with pytest.raises(OrderError, match="cancelled"):
        invoice_issue(actor=back_office, order=order)
    assert not Invoice.objects.exists() and not _invoice_emails().exists()


def test_only_distributor_staff_issue_invoices(contact, order):
    with pytest.raises(OrderError, match="Only distributor staff"):
        invoice_issue(actor=contact.user, order=order)
    assert not Invoice.objects.exists()


# --- payment --------------------------------------------------------------------------------------


def test_marking_paid_records_it_and_returns_the_credit(back_office, order, account):
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("28200.00")
    invoice = invoice_issue(actor=back_office, order=order)

    with time_machine.travel("2026-05-01 12:00:00Z", tick=False):
        paid = invoice_mark_paid(actor=back_office, invoice=invoice)

    assert paid.paid_at.date() == date(2026, 5, 1)
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")
    assert Order.objects.get(pk=order.pk).credit_taken == Decimal("0.00")
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.note, event.actor) == (f"paid {invoice.number}", back_office)


def test_marking_paid_twice_is_refused_and_changes_nothing(back_office, order, account):
    invoice = invoice_issue(actor=back_office, order=order)
    first = invoice_mark_paid(actor=back_office, invoice=invoice)
    with pytest.raises(OrderError, match="already paid"):
        invoice_mark_paid(actor=back_office, invoice=invoice)
    assert Invoice.objects.get(pk=invoice.pk).paid_at == first.paid_at
    assert OrderEvent.objects.filter(order=order, note__startswith="paid").count() == 1
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")


def test_an_invoiced_order_cannot_be_cancelled(back_office, order, account):
    # Its invoice would stay open on the statement for goods nobody receives: a credit note is the way.
    invoice = invoice_issue(actor=back_office, order=order)
    with pytest.raises(OrderError, match="is invoiced: it cannot be cancelled"):
        services.order_move(actor=back_office, order=order, to_state=Order.State.CANCELLED)
    invoice_mark_paid(actor=back_office, invoice=invoice)
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")


def test_only_the_accounts_sales_executive_or_a_superuser_invoices(order, sales_executive):
    stranger = UserFactory(is_staff=True)
    with pytest.raises(OrderError, match="sales executive"):
        invoice_issue(actor=stranger, order=order)
    assert invoice_issue(actor=sales_executive, order=order).number.startswith("INV-")


def test_a_wire_transfer_payment_leaves_the_credit_line_alone(back_office, admin_contact, stocked, account):
    account.credit_used = Decimal("700.00")
    account.save(update_fields=["credit_used"])
    services.cart_add(contact=admin_contact, product=stocked["latitude"], quantity=1)
    order = services.order_place(
        contact=admin_contact, shipment_type="pickup", payment_method="wire", observations="", submission_key="w" * 32
    )
    invoice_mark_paid(actor=back_office, invoice=invoice_issue(actor=back_office, order=order))
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("700.00")


def test_only_distributor_staff_mark_invoices_paid(back_office, contact, order):
    invoice = invoice_issue(actor=back_office, order=order)
    with pytest.raises(OrderError, match="Only distributor staff"):
        invoice_mark_paid(actor=contact.user, invoice=invoice)
    assert Invoice.objects.get(pk=invoice.pk).paid_at is None
