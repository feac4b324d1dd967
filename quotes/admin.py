"""The back office reads the resellers' quotes here; a quote is the reseller's own document, made and
changed only on the store's quote pages, so its page is read-only. The reseller's customers may be
corrected. A sales executive (staff, not superuser) sees only its own accounts' quotes and customers.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quotes.models import Customer, Quote, QuoteEvent, QuoteLine
from storefront.admin import AccountScoped, ReadOnlyInline


class QuoteLineInline(AccountScoped, ReadOnlyInline):
    account_path = "quote__account"
    model = QuoteLine
    fields = ("sku", "name", "cost", "quantity", "profit_kind", "profit_value")
    readonly_fields = fields


class QuoteEventInline(AccountScoped, ReadOnlyInline):
    account_path = "quote__account"
    model = QuoteEvent
    fields = ("at", "actor", "action", "from_display", "to_display", "note_display")
    readonly_fields = fields
    verbose_name = _("history")
    verbose_name_plural = _("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuoteEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("PDF from"))
    def from_display(self, event: QuoteEvent) -> str:
        return event.from_label

    @admin.display(description=_("PDF to"))
    def to_display(self, event: QuoteEvent) -> str:
        return event.to_label

    @admin.display(description=_("note"))
    def note_display(self, event: QuoteEvent) -> str:
        return event.note_label


@admin.register(Quote)
class QuoteAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("number", "account", "created_by", "customer", "created_at", "pdf_state")
    list_filter = ("pdf_state",)
    list_select_related = ("account", "created_by__user", "customer")
    search_fields = ("number", "account__customer_code", "account__company_name", "customer__company")
    fields = (
        "number", "account", "created_by", "current_for", "customer", "currency", "profit_kind", "profit_value",
        "valid_until", "notes", "pdf_state", "pdf_file", "pdf_error", "created_at", "updated_at",
    )
    readonly_fields = fields
    inlines = [QuoteLineInline, QuoteEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("company", "account", "contact_name", "email")
    list_select_related = ("account",)
    search_fields = ("company", "account__customer_code", "account__company_name")
