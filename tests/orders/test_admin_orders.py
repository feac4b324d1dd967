"""The back office moves orders along and invoices them through admin actions, each one recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Account
from orders import services
from orders.invoices import invoice_issue
from orders.models import Invoice, Order, OrderEvent
from tests.orders.invoice_factories import InvoiceFactory, OrderFactory

CHANGELIST = "admin:orders_order_changelist"
INVOICES = "admin:orders_invoice_changelist"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def order(contact, stocked) -> Order:
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    return services.order_place(contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key="a" * 32)


@pytest.fixture
def theirs(other_contact) -> Order:
    """Orbit's order: Orbit has no sales executive."""
    return OrderFactory(placed_by=other_contact)


@pytest.fixture
def back_office_client(client, back_office):
    client.force_login(back_office)
    return client


@pytest.fixture
def sales_client(client, sales_executive):
    sales_executive.user_permissions.set(
        Permission.objects.filter(codename__in=["view_order", "change_order", "view_invoice", "change_invoice"])
    )
    client.force_login(sales_executive)
    return client


def _act(client, action: str, *objects, url: str = CHANGELIST):
    return client.post(reverse(url), {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_actions_move_an_order_along_and_record_who_did_it(back_office_client, back_office, order):
    for action, state in [("mark_processing", "processing"), ("mark_shipped", "shipped"), ("mark_delivered", "delivered")]:
        response = _act(back_office_client, action, order)
        assert response.status_code == 200
        assert Order.objects.get(pk=order.pk).state == state
        assert any("1 orders are now" in m for m in _messages(response))

    events = list(OrderEvent.objects.filter(order=order).order_by("id").values_list("from_state", "to_state", "actor"))
    assert events[1:] == [
        ("placed", "processing", back_office.pk),
        ("processing", "shipped", back_office.pk),
        ("shipped", "delivered", back_office.pk),
    ]


def test_put_on_hold_and_cancel_return_the_credit(back_office_client, order, account):
    _act(back_office_client, "mark_on_hold", order)
    assert Order.objects.get(pk=order.pk).state == "on_hold"
    _act(back_office_client, "mark_cancelled", order)
    assert Order.objects.get(pk=order.pk).state == "cancelled"
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")


def test_a_refused_move_is_reported_per_order_and_the_others_go_on(back_office_client, order, contact):
    delivered = OrderFactory(placed_by=contact, state=Order.State.SHIPPED)
    response = _act(back_office_client, "mark_delivered", order, delivered)

    assert Order.objects.get(pk=order.pk).state == "placed"
    assert Order.objects.get(pk=delivered.pk).state == "delivered"
    messages = _messages(response)
    assert any(m.startswith(order.number) and "cannot become" in m for m in messages)
    assert any("1 orders are now" in m for m in messages)


def test_the_order_page_is_read_only_and_orders_are_neither_added_nor_deleted(back_office_client, order):
    change = reverse("admin:orders_order_change", args=[order.pk])
    page = back_office_client.get(change)
    assert page.status_code == 200 and order.number in page.content.decode()
    assert 'name="state"' not in page.content.decode()
    assert back_office_client.post(change, {"state": "delivered"}).status_code == 403
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert back_office_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert back_office_client.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403


def test_the_list_searches_by_number_and_account_code_and_filters_by_state(back_office_client, order, theirs):
    url = reverse(CHANGELIST)
    by_code = back_office_client.get(url, {"q": order.account.customer_code}).content.decode()
    assert order.number in by_code and theirs.number not in by_code
    by_number = back_office_client.get(url, {"q": theirs.number}).content.decode()
    assert theirs.number in by_number and order.number not in by_number
    placed = back_office_client.get(url, {"state__exact": "processing"}).content.decode()
    assert order.number not in placed


def test_a_sales_executive_sees_and_moves_only_its_accounts_orders(sales_client, sales_executive, order, theirs):
    page = sales_client.get(reverse(CHANGELIST)).content.decode()
    assert order.number in page and theirs.number not in page
    assert sales_client.get(reverse("admin:orders_order_change", args=[theirs.pk])).status_code == 302

    _act(sales_client, "mark_processing", order, theirs)
    assert Order.objects.get(pk=order.pk).state == "processing"
    assert Order.objects.get(pk=theirs.pk).state == "placed"
    assert OrderEvent.objects.filter(order=order, actor=sales_executive, to_state="processing").exists()


def test_issue_invoice_from_the_admin(back_office_client, back_office, order):
    response = _act(back_office_client, "issue_invoice", order)

    invoice = Invoice.objects.get(order=order)
    assert any(f"{order.number} → {invoice.number}" in m for m in _messages(response))
    assert invoice.pdf and OrderEvent.objects.filter(order=order, actor=back_office, note=f"invoiced {invoice.number}").exists()
    # The order's page links its invoice.
    page = back_office_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert invoice.number in page

    _act(back_office_client, "issue_invoice", order)
    assert Invoice.objects.filter(order=order).count() == 1


def test_issue_invoice_reports_a_cancelled_order(back_office_client, back_office, order):
    services.order_move(actor=back_office, order=order, to_state=Order.State.CANCELLED)
    response = _act(back_office_client, "issue_invoice", order)
    assert not Invoice.objects.exists()
    assert any(m.startswith(order.number) and "cancelled" in m for m in _messages(response))


# --- invoices -------------------------------------------------------------------------------------


def test_mark_paid_from_the_invoice_list(back_office_client, back_office, order, account):
    invoice = invoice_issue(actor=back_office, order=order)
    page = back_office_client.get(reverse(INVOICES)).content.decode()
    assert invoice.number in page and reverse("admin:orders_invoice_pdf", args=[invoice.pk]) in page

    response = _act(back_office_client, "mark_paid", invoice, url=INVOICES)
    assert Invoice.objects.get(pk=invoice.pk).paid_at is not None
    assert any("1 invoices marked paid" in m for m in _messages(response))
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")

    again = _act(back_office_client, "mark_paid", invoice, url=INVOICES)
    assert any(m.startswith(invoice.number) and "already paid" in m for m in _messages(again))


def test_the_back_office_downloads_an_invoice_pdf(back_office_client, back_office, order):
    invoice = invoice_issue(actor=back_office, order=order)
    response = back_office_client.get(reverse("admin:orders_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_invoices_are_read_only_and_never_deleted(back_office_client, back_office, order):
    invoice = invoice_issue(actor=back_office, order=order)
    change = reverse("admin:orders_invoice_change", args=[invoice.pk])
    assert back_office_client.get(change).status_code == 200
    assert back_office_client.post(change, {"amount": "1.00"}).status_code == 403
    assert back_office_client.get(reverse("admin:orders_invoice_delete", args=[invoice.pk])).status_code == 403
    assert back_office_client.get(reverse("admin:orders_invoice_add")).status_code == 403


def test_a_sales_executive_sees_only_its_accounts_invoices(sales_client, sales_executive, order, theirs):
    mine = invoice_issue(actor=sales_executive, order=order)
    other = InvoiceFactory(order=theirs)
    page = sales_client.get(reverse(INVOICES)).content.decode()
    assert mine.number in page and other.number not in page
    assert sales_client.get(reverse("admin:orders_invoice_pdf", args=[other.pk])).status_code == 404
    _act(sales_client, "mark_paid", other, url=INVOICES)
    assert Invoice.objects.get(pk=other.pk).paid_at is None
