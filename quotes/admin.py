from django.contrib import admin

from quotes.models import Customer, Quote, QuoteEvent, QuoteLine


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 0
    fields = ["sku", "name", "cost", "quantity", "profit_kind", "profit_value"]
    readonly_fields = fields
    can_delete = False


class QuoteEventInline(admin.TabularInline):
    model = QuoteEvent
    extra = 0
    fields = ["at", "actor", "action", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["number", "account", "created_by", "customer", "created_at", "pdf_state"]
    list_select_related = ["account", "created_by__user", "customer"]
    search_fields = ["number", "account__company_name", "customer__company"]
    readonly_fields = ["number", "account", "created_by", "current_for", "pdf_state", "pdf_token", "pdf_file", "created_at", "updated_at"]
    inlines = [QuoteLineInline, QuoteEventInline]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["company", "account", "contact_name", "email"]
    list_select_related = ["account"]
    search_fields = ["company", "account__company_name"]
