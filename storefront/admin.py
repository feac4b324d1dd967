from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from storefront.models import OutboundEmail


def for_sales_executive(request: HttpRequest, queryset: QuerySet, account_path: str) -> QuerySet:
    """What a back-office user may see: everything for a superuser, a sales executive its own accounts'.

    `account_path` leads from the rows to their account ("" for accounts themselves).
    """
    if request.user.is_superuser:
        return queryset
    field = f"{account_path}__sales_executive" if account_path else "sales_executive"
    return queryset.filter(**{field: request.user})


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent (lines, events): never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to", "subject", "state", "attempts", "sent_at", "last_error")
    list_filter = ("state",)
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
