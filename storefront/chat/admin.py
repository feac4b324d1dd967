"""The back office reads chats here; they are written only through the chat pages, and never deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from storefront.admin import AccountScoped, ReadOnlyInline
from storefront.chat.models import Conversation, Message


class MessageInline(AccountScoped, ReadOnlyInline):
    account_path = "conversation__account"
    model = Message
    fields = ("created_at", "side", "author_name", "text")
    readonly_fields = fields
    ordering = ("id",)


@admin.register(Conversation)
class ConversationAdmin(AccountScoped, admin.ModelAdmin):
    # A contact's chat is its account's; a visitor's is the back office's.
    account_path = "account"
    list_display = ("id", "customer_name", "customer_email", "account", "country", "state", "started_at", "last_message_at")
    list_filter = ("state", "country")
    search_fields = ("customer_name", "customer_email", "account__customer_code", "account__company_name", "messages__text")
    list_select_related = ("account",)
    date_hierarchy = "started_at"
    inlines = [MessageInline]
    readonly_fields = [
        "state", "customer_name", "customer_email", "contact", "account", "country", "started_at",
        "last_message_at", "waiting_since", "closed_at", "closed_by", "closed_by_side",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Conversation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Conversation | None = None) -> bool:
        return False
