"""The back office reads the audit trail here: filtered by event, account and date, searched; never
added to, changed or deleted (the rows come only from the services and sign-in)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from storefront.admin import AccountScoped
from storefront.audit.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("at", "kind", "actor_name", "account", "ip_address")
    list_filter = ("kind", ("account", admin.RelatedOnlyFieldListFilter), "at")
    search_fields = ("actor_name", "account__customer_code", "account__company_name", "ip_address")
    list_select_related = ("account",)
    date_hierarchy = "at"
    fields = ("at", "kind", "actor", "actor_name", "account", "ip_address", "detail")
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SecurityEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SecurityEvent | None = None) -> bool:
        return False
