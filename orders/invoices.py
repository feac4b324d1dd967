"""Invoices: the back office issues one per order or licensing order, with its number and its PDF,
and marks it paid.

Issuing is one transaction that locks the order (two clicks make one invoice), takes the number from
the invoice's row id, renders the PDF and stores it, records an event on the order and stores the email
to the contact who placed the order. The PDF is rendered by the request itself rather than by a task:
an invoice takes about 0.1 s to render, and this way no invoice ever exists without its document.

A licensing order is invoiced once the distributor has committed it to the manufacturer (sent,
processed or received): before that it may still be held, countered, rejected or cancelled for free.

A payment returns the order's credit to the account's line, so "credit used" is what the account
still owes on orders placed on credit.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, User
from licensing.models import LicenceOrder, LicenceOrderEvent
from orders.models import Invoice, Order, OrderEvent
from orders.services import OrderError, staff_check
from storefront.emails import email_queue
from storefront.pdf import pdf_write

NUMBER_PREFIX = "INV-"


def _number(invoice: Invoice) -> str:
    return f"{NUMBER_PREFIX}{invoice.pk:08d}"


# A licensing order is invoiced once the distributor has committed it to the manufacturer.
LICENCE_INVOICEABLE = (LicenceOrder.State.SENT, LicenceOrder.State.PROCESSED, LicenceOrder.State.RECEIVED)


def invoice_pdf_render(*, invoice: Invoice) -> bytes:
    """The invoice as a PDF: WeasyPrint from templates/orders/pdf/invoice.html, nothing fetched but our static files."""
    billed = invoice.billed
    html = render_to_string(
        "orders/pdf/invoice.html",
        {
            "STORE_NAME": settings.STORE_NAME,
            "invoice": invoice,
            "issued_on": timezone.localdate(invoice.issued_at),
            "order": billed,
            "is_licensing": invoice.licence_order_id is not None,
            "account": billed.account,
            "lines": list(billed.lines.order_by("id")),
        },
    )
    return pdf_write(html)


def _check_order(locked: Order) -> None:
    if locked.state == Order.State.CANCELLED:
        raise OrderError(_("Order %(number)s is cancelled: it cannot be invoiced.") % {"number": locked.number})


def _check_licence_order(locked: LicenceOrder) -> None:
    if locked.state in LicenceOrder.CLOSED:
        raise OrderError(
            _("Licensing order %(number)s is %(status)s: it cannot be invoiced.")
            % {"number": locked.number, "status": locked.get_state_display().lower()}
        )
    if locked.state not in LICENCE_INVOICEABLE:
        raise OrderError(
            _("Licensing order %(number)s is “%(status)s”: it is invoiced once sent to the manufacturer.")
            % {"number": locked.number, "status": locked.get_state_display()}
        )


@transaction.atomic
def invoice_issue(*, actor: User, order: Order | None = None, licence_order: LicenceOrder | None = None) -> Invoice:
    """Invoice an order or a licensing order: number, due date, amount, PDF, event and email; a second call returns it."""
    if (order is None) == (licence_order is None):
        raise ValueError("Invoice exactly one of an order and a licensing order.")
    billed_in = order if order is not None else licence_order
    staff_check(actor, billed_in.account_id)
    # The order's row is the lock: a second "Issue invoice" waits here, then finds the first one's.
    if order is not None:
        locked = Order.objects.select_for_update().get(pk=order.pk)
        existing = Invoice.objects.filter(order=locked).first()
    else:
        locked = LicenceOrder.objects.select_for_update().get(pk=licence_order.pk)
        existing = Invoice.objects.filter(licence_order=locked).first()
    if existing is not None:
        return existing
    if order is not None:
        _check_order(locked)
    else:
        _check_licence_order(locked)

    invoice = Invoice.objects.create(
        account_id=locked.account_id,
        order=locked if order is not None else None,
        licence_order=locked if licence_order is not None else None,
        # A placeholder until the row has its id; unique because "L" and "O" never share a prefix.
        number=f"new-{'O' if order is not None else 'L'}{locked.pk}"[:20],
        due_date=timezone.localdate() + timedelta(days=settings.INVOICE_PAYMENT_DAYS),
        amount=locked.total,
        currency=locked.currency,
    )
    invoice.number = _number(invoice)
    event_model = OrderEvent if order is not None else LicenceOrderEvent
    event_model.objects.create(
        order=locked, actor=actor, from_state=locked.state, to_state=locked.state, note=f"invoiced {invoice.number}"
    )
    contact = locked.placed_by
    email_queue(
        to=contact.user.email,
        template="invoice-issued",
        context={
            "invoice": invoice,
            "order": locked,
            "contact": contact,
            "invoices_url": settings.SITE_URL.rstrip("/") + reverse("orders:invoice-list"),
        },
    )
    # The file is written last: storage is not transactional, so anything failing before this point
    # rolls the invoice back without leaving a stray PDF behind.
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(invoice_pdf_render(invoice=invoice)), save=False)
    invoice.save(update_fields=["number", "pdf"])
    return invoice


@transaction.atomic
def invoice_mark_paid(*, actor: User, invoice: Invoice) -> Invoice:
    """The back office records an invoice's payment; the billed order's credit returns to the account."""
    staff_check(actor, invoice.account_id)
    # Locked in the order every writer of the credit line uses (account, then order) so none deadlock.
    account = Account.objects.select_for_update().get(pk=invoice.account_id)
    if invoice.order_id is not None:
        order = Order.objects.select_for_update().get(pk=invoice.order_id)
        closed = order.state == Order.State.CANCELLED
        event_model = OrderEvent
    else:
        order = LicenceOrder.objects.select_for_update().get(pk=invoice.licence_order_id)
        closed = order.state in LicenceOrder.CLOSED
        event_model = LicenceOrderEvent
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.paid_at is not None:
        raise OrderError(
            _("Invoice %(number)s was already paid on %(date)s.")
            % {"number": locked.number, "date": timezone.localdate(locked.paid_at).isoformat()}
        )
    locked.paid_at = timezone.now()
    locked.save(update_fields=["paid_at"])
    # A cancelled or rejected order gave its credit back when it was closed.
    if order.credit_taken and not closed:
        # Never below zero, even if the back office lowered credit used by hand meanwhile.
        account.credit_used = max(account.credit_used - order.credit_taken, Decimal("0.00"))
        account.save(update_fields=["credit_used"])
        # Nothing is left to return: a later cancellation must not give the credit back twice.
        order.credit_taken = Decimal("0.00")
        order.save(update_fields=["credit_taken"])
    event_model.objects.create(order=order, actor=actor, from_state=order.state, to_state=order.state, note=f"paid {locked.number}")
    return locked
