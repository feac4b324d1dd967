"""The back office reads the audit trail here: filtered by event, account and date, searched; never
added to, changed or deleted (the rows come only from the services and sign-in)."""

from __future__ import annotations

from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import Contact
from storefront.admin import AccountScoped
from storefront.audit.models import SecurityEvent
from storefront.audit.services import security_event_record


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


# The back office removes a lost phone's authenticator here (allauth's own admin, which sends no
# signal): the removal is recorded like the contact's own, by whom and for which account. A sales
# executive sees its accounts' contacts' authenticators only, never the staff's.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AccountScoped, AllauthAuthenticatorAdmin):
    account_path = "user__contact__account"

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        self._record_removal(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._record_removal(request, list(queryset.select_related("user")))
        super().delete_queryset(request, queryset)

    def _record_removal(self, request: HttpRequest, authenticators: list[Authenticator]) -> None:
        for authenticator in authenticators:
            if authenticator.type != Authenticator.Type.TOTP:
                continue
            account_id = Contact.objects.filter(user_id=authenticator.user_id).values_list("account_id", flat=True).first()
            security_event_record(
                kind=SecurityEvent.Kind.TOTP_DISABLED,
                actor=request.user,
                account=account_id,
                request=request,
                detail={"user": authenticator.user.username, "by": "back office"},
            )
