"""What the back office's admin pages share: who sees which account's rows, and read-only inlines.

Who is who in the admin. The back office is a superuser: it sees and acts on every account. Every
other staff user is a sales executive: on every model whose rows belong to an account (directly or
through a chain of relations, `account_path`) it lists, opens, changes, deletes, picks in a form and
filters by only the rows of the accounts whose sales executive it is (Account.sales_executive),
whatever model permissions it holds; the permissions still decide what it may do with those rows.
The services follow the same rule (orders.services.staff_check, accounts.services._authorize, the
licensing console). Rows that belong to no account (a visitor's chat, a non-customer's event
registration) are the back office's, except where a model admin says otherwise (an application not
yet approved, which any reviewer holding the permission may see).

Every ModelAdmin and inline whose model has a path to Account mixes in AccountScoped;
tests/security/test_admin_scope.py fails for one that does not.
"""

from __future__ import annotations

from collections import deque

from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter, RelatedOnlyFieldListFilter
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from storefront.models import OutboundEmail

# Longer chains than this are not followed when looking for a model's account.
_MAX_PATH = 4


def sees_every_account(user) -> bool:
    """The back office (a superuser) sees every account; any other staff user only those it is the sales executive of."""
    return bool(user.is_active and user.is_superuser)


def account_path(model: type[models.Model]) -> str | None:
    """The shortest chain of to-one relations from the model's rows to their account, as a lookup
    ("" for Account itself, "contact__account" for a contact's row), or None when there is none."""
    from accounts.models import Account

    queue = deque([(model, "", (model,))])
    while queue:
        current, path, seen = queue.popleft()
        if current is Account:
            return path
        if len(seen) > _MAX_PATH:
            continue
        for field in current._meta.get_fields():
            # Forward foreign keys and one-to-ones, and reverse one-to-ones (a user's contact).
            to_one = field.one_to_one or (field.many_to_one and field.concrete)
            target = field.related_model
            if not to_one or target is None or target in seen:
                continue
            queue.append((target, f"{path}__{field.name}" if path else field.name, (*seen, target)))
    return None


def for_sales_executive(request: HttpRequest, queryset: QuerySet, account_path: str, *, unowned: bool = False) -> QuerySet:
    """What a staff user may see of `queryset`: everything for the back office, a sales executive its own accounts'.

    `account_path` leads from the rows to their account ("" for accounts themselves). With `unowned`,
    rows that have no account yet are shown to the sales executive too.
    """
    if sees_every_account(request.user):
        return queryset
    field = f"{account_path}__sales_executive" if account_path else "sales_executive"
    allowed = Q(**{field: request.user})
    if unowned and account_path:
        allowed |= Q(**{f"{account_path}__isnull": True})
    return queryset.filter(allowed)


def account_choices(request: HttpRequest, model: type[models.Model], queryset: QuerySet | None) -> QuerySet | None:
    """The rows of `model` a form field or filter of the staff user may offer: its accounts' only."""
    path = account_path(model)
    if path is None or sees_every_account(request.user):
        return queryset
    return for_sales_executive(request, model._default_manager.all() if queryset is None else queryset, path)


class AccountScoped:
    """Mixed into a ModelAdmin or an inline whose rows belong to an account (see the module's docstring).

    Lists, change, delete and history pages, actions and custom views that go through get_queryset
    see the staff user's accounts only; foreign keys to other accounts' rows (select, raw id) offer
    and accept only its accounts' rows; filters by a related row list only the rows in its list.
    """

    account_path: str
    # Rows with no account yet are shown to every staff user the permissions let in (default: the back office's only).
    unowned_rows_shared: bool = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return for_sales_executive(request, super().get_queryset(request), self.account_path, unowned=self.unowned_rows_shared)

    def get_field_queryset(self, db, db_field, request: HttpRequest) -> QuerySet | None:
        return account_choices(request, db_field.related_model, super().get_field_queryset(db, db_field, request))

    def get_list_filter(self, request: HttpRequest):
        filters = super().get_list_filter(request)
        if sees_every_account(request.user):
            return filters
        return [_related_only(self.model, entry) for entry in filters]


def _related_only(model: type[models.Model], entry):
    """A filter by a related row lists every row of that model; for a sales executive, only those in its list."""
    if isinstance(entry, str):
        try:
            field = get_fields_from_path(model, entry)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return entry
        return (entry, RelatedOnlyFieldListFilter) if field.is_relation else entry
    if isinstance(entry, (tuple, list)) and entry[1] is RelatedFieldListFilter:
        return (entry[0], RelatedOnlyFieldListFilter)
    return entry


class BackOfficeOnly:
    """Mixed into a ModelAdmin of rows no sales executive may read, though they name no account by a
    relation (the outbox holds every account's emails and their sign-in links)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return sees_every_account(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return sees_every_account(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return sees_every_account(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return sees_every_account(request.user) and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent (lines, events): never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(BackOfficeOnly, admin.ModelAdmin):
    list_display = ("created_at", "to", "subject", "state", "attempts", "sent_at", "last_error")
    list_filter = ("state",)
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
