"""The back office of volume licensing: the programs per country, the licensing products, and the
licensing orders, moved along by buttons on an order's page that each call one service.

An order's page edits only the manufacturer's authorization number, and only until the order is
processed; every state, key, activation and invoice goes through licensing.services or
orders.invoices, so each is checked, locked and recorded with the staff user. A sales executive
(staff, not superuser) sees only its own accounts' orders.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy as _

from licensing import services
from licensing.models import LicenceKey, LicenceOrder, LicenceOrderEvent, LicenceOrderLine, LicenceProduct, ProgramOffer
from licensing.services import LicensingError
from orders.invoices import LICENCE_INVOICEABLE, invoice_issue
from orders.models import Invoice
from orders.services import OrderError
from storefront.admin import AccountScoped, ReadOnlyInline
from storefront.uploads import attachment_response

State = LicenceOrder.State
# The moves the back office makes with a button, in the order an order takes them.
MOVES = {
    State.SENT: _("Send to manufacturer"),
    State.PROCESSED: _("Mark processed"),
    State.RECEIVED: _("Mark received"),
}
# The authorization number is recorded before "processed", which needs it; after, it is on the eCertificate.
AUTHORIZATION_EDITABLE = (State.PLACED, State.APPROVED, State.SENT)


@admin.register(ProgramOffer)
class ProgramOfferAdmin(admin.ModelAdmin):
    list_display = ("program", "country")
    list_filter = ("program", "country")
    search_fields = ("program", "country")


@admin.register(LicenceProduct)
class LicenceProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "product_name", "program", "windows_legal", "delivers_key")
    list_filter = ("program", "windows_legal", "delivers_key")
    search_fields = ("product__sku", "product__mpn", "product__name")
    list_select_related = ("product",)
    autocomplete_fields = ("product",)

    @admin.display(description=_("SKU"), ordering="product__sku")
    def sku(self, item: LicenceProduct) -> str:
        return item.product.sku

    @admin.display(description=_("name"), ordering="product__name")
    def product_name(self, item: LicenceProduct) -> str:
        return item.product.name


class LicenceOrderLineInline(AccountScoped, ReadOnlyInline):
    account_path = "order__account"
    model = LicenceOrderLine
    fields = ("sku", "name", "quantity", "list_price", "requested_price", "counter_price", "unit_price", "line_total",
              "windows_legal", "is_cloud", "activated_at", "line_keys")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related(Prefetch("keys", queryset=LicenceKey.objects.order_by("id")))

    @admin.display(description=_("software keys"))
    def line_keys(self, line: LicenceOrderLine) -> str:
        keys = line.keys.all()
        if not keys:
            return "—"
        return format_html_join(mark_safe("<br>"), "<code>{}</code>", ((key.key,) for key in keys))


class LicenceOrderEventInline(AccountScoped, ReadOnlyInline):
    account_path = "order__account"
    model = LicenceOrderEvent
    fields = ("at", "actor", "from_display", "to_display", "note_display")
    readonly_fields = fields
    verbose_name = _("history")
    verbose_name_plural = _("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LicenceOrderEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("from"))
    def from_display(self, event: LicenceOrderEvent) -> str:
        return event.from_label

    @admin.display(description=_("to"))
    def to_display(self, event: LicenceOrderEvent) -> str:
        return event.to_label

    @admin.display(description=_("note"))
    def note_display(self, event: LicenceOrderEvent) -> str:
        return event.note_label


class KeysForm(forms.Form):
    """One text box per key-delivering line: one key per row of the box."""

    def __init__(self, *args, lines: list[LicenceOrderLine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"keys-{line.pk}"] = forms.CharField(
                label=f"{line.sku} · {line.name}",
                required=False,
                max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 60, "spellcheck": "false"}),
                help_text=_("One key per row; %(count)d licence(s) ordered. Recorded: %(recorded)s")
                % {"count": line.quantity, "recorded": ", ".join(key.key for key in line.keys.all()) or "—"},
            )

    def keys(self) -> dict[int, list[str]]:
        return {line.pk: self.cleaned_data.get(f"keys-{line.pk}", "").splitlines() for line in self.lines}


def _key_lines(order: LicenceOrder) -> list[LicenceOrderLine]:
    return [
        line
        for line in order.lines.select_related("product__licensing").prefetch_related("keys").order_by("id")
        if getattr(getattr(line.product, "licensing", None), "delivers_key", False)
    ]


@admin.register(LicenceOrder)
class LicenceOrderAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("number", "account", "program", "state", "total_display", "placed_at", "certificate_state")
    list_filter = ("state", "program")
    search_fields = ("number", "account__customer_code", "account__company_name", "end_customer", "lines__sku")
    list_select_related = ("account",)
    date_hierarchy = "placed_at"
    change_form_template = "admin/licensing/licenceorder/change_form.html"
    fields = (
        "number", "account", "placed_by", "program", "state", "hold_reason", "end_customer", "end_customer_tax_id",
        "observations", "currency", "list_total", "total", "credit_taken", "decided_by", "decided_at", "decision_reason",
        "authorization_number", "placed_at", "processed_at", "received_at", "certificate_due_at",
        "certificate_released_at", "certificate_link", "cancelled_at", "replaced_by", "invoice_link",
    )
    inlines = [LicenceOrderLineInline, LicenceOrderEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: LicenceOrder | None = None) -> tuple[str, ...]:
        if obj is not None and obj.state in AUTHORIZATION_EDITABLE:
            return tuple(field for field in self.fields if field != "authorization_number")
        return self.fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # kept without limit

    def save_model(self, request: HttpRequest, obj: LicenceOrder, form, change: bool) -> None:
        # Only the authorization number is written: a full save would overwrite a state that a button
        # or the reseller changed since this page was loaded.
        try:
            services.vl_order_authorization_set(actor=request.user, order=obj, authorization_number=obj.authorization_number)
        except LicensingError as exc:
            # Kept on the request (the admin object is shared by every request) for response_change.
            request.licensing_refusal = exc.message

    def response_change(self, request: HttpRequest, obj: LicenceOrder) -> HttpResponse:
        refused = getattr(request, "licensing_refusal", None)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # --- columns and read-only fields -------------------------------------------------------------

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, order: LicenceOrder) -> str:
        return f"{order.total:,.2f} {order.currency}"

    @admin.display(description=_("eCertificate"), boolean=True)
    def certificate_state(self, order: LicenceOrder) -> bool:
        return order.certificate_available

    @admin.display(description=_("eCertificate"))
    def certificate_link(self, order: LicenceOrder) -> str:
        if not order.certificate_available:
            return "—"
        url = reverse("admin:licensing_licenceorder_certificate", args=[order.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))

    @admin.display(description=_("invoice"))
    def invoice_link(self, order: LicenceOrder) -> str:
        invoice = Invoice.objects.filter(licence_order=order).first()
        if invoice is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_invoice_change", args=[invoice.pk]), invoice.number)

    # --- the buttons -------------------------------------------------------------------------------

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None) -> HttpResponse:
        order = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if order is not None and self.has_change_permission(request):
            extra_context.update(self._buttons(order))
        if order is not None and order.state not in AUTHORIZATION_EDITABLE:
            # Nothing on the page is editable any more: no "Save" that would do nothing.
            extra_context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().change_view(request, object_id, form_url, extra_context)

    def _buttons(self, order: LicenceOrder) -> dict:
        allowed = LicenceOrder.ALLOWED_TRANSITIONS[order.state]
        lines = list(order.lines.select_related("product__licensing").order_by("id"))
        return {
            "moves": [(to_state, label) for to_state, label in MOVES.items() if to_state in allowed],
            "can_record_keys": order.state in services.KEYS_STATES
            and any(getattr(getattr(line.product, "licensing", None), "delivers_key", False) for line in lines),
            # Only a processed or received order's cloud products can have been activated.
            "cloud_lines": [
                line for line in lines
                if line.is_cloud and line.activated_at is None
                and order.state in (LicenceOrder.State.PROCESSED, LicenceOrder.State.RECEIVED)
            ],
            "can_invoice": order.state in LICENCE_INVOICEABLE and not Invoice.objects.filter(licence_order=order).exists(),
            "needs_authorization": State.PROCESSED in allowed and not order.authorization_number.strip(),
        }

    def get_urls(self):
        def view(name: str, route: str, func):
            return path(route, self.admin_site.admin_view(func), name=f"licensing_licenceorder_{name}")

        return [
            view("move", "<int:pk>/move/<str:to_state>/", self.move_view),
            view("keys", "<int:pk>/keys/", self.keys_view),
            view("activate", "<int:pk>/lines/<int:line_id>/activate/", self.activate_view),
            view("invoice", "<int:pk>/invoice/", self.invoice_view),
            view("certificate", "<int:pk>/certificate/", self.certificate_view),
            *super().get_urls(),
        ]

    def _order(self, request: HttpRequest, pk: int, *, change: bool = True) -> LicenceOrder:
        """An order the staff user may see (404 otherwise) and, for a button, may change."""
        allowed = self.has_change_permission(request) if change else self.has_view_permission(request)
        order = self.get_queryset(request).filter(pk=pk).first() if allowed else None
        if order is None:
            raise Http404
        return order

    def _back(self, order: LicenceOrder) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:licensing_licenceorder_change", args=[order.pk]))

    def _refused(self, request: HttpRequest, order: LicenceOrder, exc: LicensingError | OrderError) -> None:
        self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)

    def move_view(self, request: HttpRequest, pk: int, to_state: str) -> HttpResponse:
        """"Send to manufacturer", "Mark processed", "Mark received"."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = self._order(request, pk)
        try:
            order = services.vl_order_move(actor=request.user, order=order, to_state=to_state, note="back office")
        except LicensingError as exc:
            self._refused(request, order, exc)
        else:
            self.message_user(
                request,
                gettext("%(number)s is now “%(state)s”.") % {"number": order.number, "state": order.get_state_display()},
                messages.SUCCESS,
            )
        return self._back(order)

    def activate_view(self, request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
        """"Mark activated": the end customer activated a cloud product of the order."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = self._order(request, pk)
        line = order.lines.filter(pk=line_id).first()
        if line is None:
            raise Http404
        try:
            line = services.vl_line_mark_activated(actor=request.user, line=line)
        except LicensingError as exc:
            self._refused(request, order, exc)
        else:
            self.message_user(request, gettext("%(sku)s is marked activated: it can no longer be returned.") % {"sku": line.sku}, messages.SUCCESS)
        return self._back(order)

    def invoice_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """"Issue invoice" for the licensing order (a second press shows the same invoice)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = self._order(request, pk)
        try:
            invoice = invoice_issue(actor=request.user, licence_order=order)
        except (LicensingError, OrderError) as exc:
            self._refused(request, order, exc)
        else:
            self.message_user(request, gettext("Invoiced: %(list)s.") % {"list": f"{order.number} → {invoice.number}"}, messages.SUCCESS)
        return self._back(order)

    def keys_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Record the software keys of the order's key-delivering lines."""
        order = self._order(request, pk)
        lines = _key_lines(order)
        if not lines:
            self.message_user(request, gettext("No product of this order delivers a software key."), messages.ERROR)
            return self._back(order)
        form = KeysForm(request.POST or None, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                created = services.vl_keys_record(actor=request.user, order=order, keys=form.keys())
            except LicensingError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                self.message_user(
                    request, gettext("%(count)d software key(s) recorded on %(number)s.") % {"count": len(created), "number": order.number},
                    messages.SUCCESS,
                )
                return self._back(order)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Software keys of %(number)s") % {"number": order.number},
            "form": form,
            "order": order,
            "opts": self.model._meta,
            "recordable": order.state in services.KEYS_STATES,
        }
        return render(request, "admin/licensing/licenceorder/keys_form.html", context)

    def certificate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The stored eCertificate of an order the staff user may see."""
        order = self._order(request, pk, change=False)
        if not order.certificate_available:
            raise Http404
        try:
            stream = order.certificate.open("rb")
        except OSError:
            raise Http404 from None
        return attachment_response(stream, filename=f"{order.number}-ecertificate.pdf", content_type="application/pdf")
