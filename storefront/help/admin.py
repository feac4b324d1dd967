"""The back office edits the FAQ, the new features and the locations; questions are read, never edited."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from storefront.admin import AccountScoped
from storefront.help.models import FaqEntry, FaqGroup, Inquiry, Location, NewFeature


class FaqEntryInline(admin.StackedInline):
    model = FaqEntry
    extra = 0
    fields = ("question", "answer", "position", "published")


@admin.register(FaqGroup)
class FaqGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "position", "entry_count")
    list_filter = ("language",)
    list_editable = ("position",)
    search_fields = ("name", "entries__question")
    inlines = [FaqEntryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FaqGroup]:
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, group: FaqGroup) -> int:
        return group.entry_count


@admin.register(NewFeature)
class NewFeatureAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "language", "published")
    list_filter = ("language", "published")
    search_fields = ("title", "body")
    date_hierarchy = "date"


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "city", "phone", "email", "position")
    list_filter = ("country",)
    search_fields = ("name", "city", "address")


@admin.register(Inquiry)
class InquiryAdmin(AccountScoped, admin.ModelAdmin):
    # A signed-in contact's question is its account's; a visitor's is the back office's.
    account_path = "contact__account"
    list_display = ("created_at", "first_name", "last_name", "company_name", "email", "country", "contact")
    list_filter = ("country",)
    search_fields = ("first_name", "last_name", "company_name", "email", "phone", "comment")
    list_select_related = ("contact__user",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Inquiry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Inquiry | None = None) -> bool:
        return False
