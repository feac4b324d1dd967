"""The back office: orders move along and are invoiced through admin actions, never by editing a field.

Every action calls a service per order, so each move is checked, locked and recorded as an
OrderEvent with the staff user; a refused order is reported by its number and the others go on.
A sales executive (staff, not superuser) sees only the orders and invoices of its own accounts.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from orders import services
from orders.invoices import invoice_issue, invoice_mark_paid
from orders.models import Invoice, Order, OrderEvent, OrderLine
from orders.services import OrderError
from storefront.admin import AccountScoped, ReadOnlyInline
from storefront.uploads import attachment_response


class OrderLineInline(AccountScoped, ReadOnlyInline):
    account_path = "order__account"
    model = OrderLine
    fields = ("sku", "name", "unit_price", "quantity", "line_total")
    readonly_fields = fields


class OrderEventInline(AccountScoped, ReadOnlyInline):
    account_path = "order__account"
    model = OrderEvent
    fields = ("at", "actor", "from_state", "to_state", "note")
    readonly_fields = fields


def _move_action(to_state: str, description):
    """An admin action that moves each selected order to `to_state` through services.order_move."""

    def action(modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        moved = 0
        for order in queryset.order_by("pk"):
            try:
                services.order_move(actor=request.user, order=order, to_state=to_state, note="back office")
            except OrderError as exc:
                modeladmin.message_user(request, f"{order.number}: {exc.message}", messages.WARNING)
            else:
                moved += 1
        if moved:
            modeladmin.message_user(
                request,
                gettext("%(count)d orders are now “%(state)s”.") % {"count": moved, "state": Order.State(to_state).label},
                messages.SUCCESS,
            )

    action.__name__ = f"mark_{to_state}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Order)
class OrderAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("number", "account", "placed_by", "placed_at", "total", "currency", "state")
    list_filter = ("state",)
    search_fields = ("number", "account__customer_code")
    list_select_related = ("account", "placed_by__user")
    date_hierarchy = "placed_at"
    fields = (
        "number", "account", "placed_by", "placed_at", "state", "shipment_type", "payment_method",
        "observations", "currency", "total", "credit_taken", "invoice_link",
    )
    readonly_fields = fields
    inlines = [OrderLineInline, OrderEventInline]
    actions = [
        _move_action(Order.State.PROCESSING, _("Mark as processing")),
        _move_action(Order.State.SHIPPED, _("Mark as shipped")),
        _move_action(Order.State.DELIVERED, _("Mark as delivered")),
        _move_action(Order.State.ON_HOLD, _("Put on hold")),
        _move_action(Order.State.CANCELLED, _("Cancel")),
        "issue_invoice",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The list's actions need the change permission; an order's own page stays read-only, so no
        # form post can overwrite a state that an action or the reseller changed meanwhile.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("invoice"))
    def invoice_link(self, order: Order) -> str:
        invoice = Invoice.objects.filter(order=order).first()
        if invoice is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_invoice_change", args=[invoice.pk]), invoice.number)

    @admin.action(description=_("Issue invoice"), permissions=["change"])
    def issue_invoice(self, request: HttpRequest, queryset: QuerySet) -> None:
        issued = []
        for order in queryset.order_by("pk"):
            try:
                invoice = invoice_issue(actor=request.user, order=order)
            except OrderError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.WARNING)
            else:
                issued.append(f"{order.number} → {invoice.number}")
        if issued:
            self.message_user(request, gettext("Invoiced: %(list)s.") % {"list": ", ".join(issued)}, messages.SUCCESS)


class PaidFilter(admin.SimpleListFilter):
    title = _("paid")
    parameter_name = "paid"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("no", _("Open")), ("yes", _("Paid"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(paid_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(paid_at__isnull=False)
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("number", "billed_link", "account", "issued_at", "due_date", "amount", "currency", "paid_at", "pdf_link")
    list_filter = (PaidFilter,)
    search_fields = ("number", "order__number", "licence_order__number", "account__customer_code", "account__company_name")
    list_select_related = ("account", "order", "licence_order")
    date_hierarchy = "issued_at"
    fields = ("number", "billed_link", "account", "issued_at", "due_date", "amount", "currency", "paid_at", "pdf_link")
    readonly_fields = fields
    actions = ["mark_paid"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # kept without limit

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def get_urls(self):
        pdf = path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="orders_invoice_pdf")
        return [pdf, *super().get_urls()]

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The stored PDF of an invoice the staff user may see."""
        if not self.has_view_permission(request):
            raise Http404
        invoice = self.get_queryset(request).filter(pk=pk).first()
        if invoice is None or not invoice.pdf:
            raise Http404
        try:
            stream = invoice.pdf.open("rb")
        except OSError:
            raise Http404 from None
        return attachment_response(stream, filename=f"{invoice.number}.pdf", content_type="application/pdf")

    @admin.display(description=_("order"))
    def billed_link(self, invoice: Invoice) -> str:
        if invoice.licence_order_id is not None:
            url = reverse("admin:licensing_licenceorder_change", args=[invoice.licence_order_id])
            return format_html('<a href="{}">{}</a> ({})', url, invoice.licence_order.number, gettext("volume licensing"))
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[invoice.order_id]), invoice.order.number)

    @admin.display(description=_("PDF"))
    def pdf_link(self, invoice: Invoice) -> str:
        if not invoice.pdf:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_invoice_pdf", args=[invoice.pk]), gettext("Download"))

    @admin.action(description=_("Mark as paid"), permissions=["change"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet) -> None:
        paid = 0
        for invoice in queryset.order_by("pk"):
            try:
                invoice_mark_paid(actor=request.user, invoice=invoice)
            except OrderError as exc:
                self.message_user(request, f"{invoice.number}: {exc.message}", messages.WARNING)
            else:
                paid += 1
        if paid:
            self.message_user(request, gettext("%(count)d invoices marked paid.") % {"count": paid}, messages.SUCCESS)
