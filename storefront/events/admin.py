"""The back office: events with their registrations (read-only), and every registration, searchable.

An event's times are entered and shown in the local time of its country, not in the server's zone.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from storefront.admin import AccountScoped, ReadOnlyInline
from storefront.events.models import Event, Registration, country_timezone


class RegistrationInline(AccountScoped, ReadOnlyInline):
    # An event is no account's, but its registrations by contacts are their accounts' (a non-customer's, the back office's).
    account_path = "contact__account"
    model = Registration
    fields = ("created_at", "kind", "first_name", "last_name", "company", "position", "email", "phone", "country", "contact")
    readonly_fields = fields


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "country", "starts_at_local", "city", "capacity", "registration_count", "published")
    list_filter = ("published", "country")
    search_fields = ("title", "city", "place")
    date_hierarchy = "starts_at"
    fields = (
        "country", "title", "description", "starts_at", "ends_at", "place", "city", "online_url", "capacity",
        "published", "registration_count",
    )
    readonly_fields = ("registration_count",)
    inlines = [RegistrationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(taken=Count("registrations"))

    @admin.display(description=_("registrations"), ordering="taken")
    def registration_count(self, event: Event) -> int:
        taken = getattr(event, "taken", None)
        return taken if taken is not None else event.registrations.count()

    @admin.display(description=_("starts at (local time)"), ordering="starts_at")
    def starts_at_local(self, event: Event) -> str:
        return timezone.localtime(event.starts_at, event.timezone).strftime("%Y-%m-%d %H:%M")

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        # The form reads and shows the times in the event's country's zone: the posted country, else the saved one.
        country = request.POST.get("country") or ""
        if not country and object_id:
            country = Event.objects.filter(pk=object_id).values_list("country", flat=True).first() or ""
        if not country:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(country_timezone(country)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response


@admin.register(Registration)
class RegistrationAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "contact__account"
    list_display = ("event", "first_name", "last_name", "company", "email", "kind", "country", "created_at")
    list_filter = ("kind", "event__country")
    search_fields = ("email", "first_name", "last_name", "company", "event__title")
    list_select_related = ("event",)
    readonly_fields = [field.name for field in Registration._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        # Registrations are made on the event's page; the back office reads them (and may delete one to free a seat).
        return obj is None and super().has_change_permission(request, obj)
