"""The back office: requests move along through admin actions calling services.rma_move, never by
editing a field. Approving, resolving and rejecting ask for what the move needs (the service centre
and return instructions, the kind of resolution, the reason) on an intermediate page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from rma import services
from rma.models import RmaAttachment, RmaEvent, RmaRequest, ServiceCentre, ShippedSerials
from rma.services import RmaError
from storefront.admin import AccountScoped, ReadOnlyInline
from storefront.uploads import attachment_response


class RmaEventInline(AccountScoped, ReadOnlyInline):
    account_path = "rma__account"
    model = RmaEvent
    fields = ("at", "actor", "from_state", "to_state", "note")
    readonly_fields = fields


class RmaAttachmentInline(AccountScoped, ReadOnlyInline):
    account_path = "rma__account"
    model = RmaAttachment
    fields = ("download", "content_type", "size", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("file name"))
    def download(self, attachment: RmaAttachment) -> str:
        # Media files are not served publicly: staff download them through the admin's own view.
        url = reverse("admin:rma_attachment_download", args=[attachment.rma_id, attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.original_name)


class ApproveForm(forms.Form):
    service_centre = forms.ModelChoiceField(label=_("Service centre"), queryset=ServiceCentre.objects.all())
    return_instructions = forms.CharField(label=_("Return instructions"), widget=forms.Textarea(attrs={"rows": 4}))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=RmaRequest.Resolution.choices, widget=forms.RadioSelect)


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


def _move_all(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, to_state: str, **extra) -> None:
    moved = 0
    for rma in queryset.order_by("pk"):
        try:
            services.rma_move(actor=request.user, rma=rma, to_state=to_state, **extra)
        except RmaError as exc:
            modeladmin.message_user(request, f"{rma.number}: {exc.message}", messages.WARNING)
        else:
            moved += 1
    if moved:
        modeladmin.message_user(
            request,
            gettext("%(count)d RMA requests are now “%(state)s”.") % {"count": moved, "state": RmaRequest.State(to_state).label},
            messages.SUCCESS,
        )


def _simple_action(to_state: str, description):
    def action(modeladmin: RmaRequestAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        _move_all(modeladmin, request, queryset, to_state, note="back office")

    action.__name__ = f"mark_{to_state}"
    return admin.action(description=description, permissions=["change"])(action)


def _form_action(to_state: str, form_class: type[forms.Form], description, initial=None):
    """An action that first asks, on an intermediate page, what the move needs."""

    def action(modeladmin: RmaRequestAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                _move_all(modeladmin, request, queryset, to_state, **form.cleaned_data)
                return None
        else:
            form = form_class(initial=initial() if initial else None)
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": description,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return render(request, "admin/rma/rmarequest/move_form.html", context)

    action.__name__ = f"mark_{to_state}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(RmaRequest)
class RmaRequestAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("number", "account", "order", "sku", "serial_number", "quantity", "claim_type", "state", "created_at")
    list_filter = ("state", "claim_type")
    search_fields = ("number", "order__number", "serial_number", "sku", "account__customer_code")
    list_select_related = ("account", "order")
    date_hierarchy = "created_at"
    fields = (
        "number", "account", "order", "sku", "product_name", "quantity", "claim_type", "details", "serial_number",
        "state", "service_centre", "return_instructions", "resolution", "rejection_reason",
        "contact_name", "contact_email", "contact_phone", "created_by", "created_at", "updated_at", "closed_at",
    )
    readonly_fields = fields
    inlines = [RmaAttachmentInline, RmaEventInline]
    actions = [
        _simple_action(RmaRequest.State.UNDER_REVIEW, _("Mark as under review")),
        _form_action(RmaRequest.State.APPROVED, ApproveForm, _("Approve (service centre and instructions)"),
                     initial=lambda: {"return_instructions": services.return_instructions_default()}),
        _simple_action(RmaRequest.State.RECEIVED, _("Mark as received")),
        _form_action(RmaRequest.State.RESOLVED, ResolveForm, _("Resolve (repaired, replaced or credited)")),
        _form_action(RmaRequest.State.REJECTED, RejectForm, _("Reject (with a reason)")),
    ]

    def get_urls(self):
        download = path(
            "<int:rma_id>/attachments/<int:pk>/", self.admin_site.admin_view(self.attachment_view), name="rma_attachment_download"
        )
        return [download, *super().get_urls()]

    def attachment_view(self, request: HttpRequest, rma_id: int, pk: int) -> HttpResponse:
        """An attachment of a request the staff user may see."""
        if not self.has_view_permission(request):
            raise Http404
        attachment = RmaAttachment.objects.filter(pk=pk, rma__in=self.get_queryset(request).filter(pk=rma_id)).first()
        if attachment is None:
            raise Http404
        try:
            stream = attachment.file.open("rb")
        except OSError:
            raise Http404 from None
        return attachment_response(stream, filename=attachment.original_name, content_type=attachment.content_type)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "city", "phone", "email", "hours", "position")
    list_filter = ("country",)


@admin.register(ShippedSerials)
class ShippedSerialsAdmin(AccountScoped, admin.ModelAdmin):
    """The serial numbers shipped on an order's line: its account's, like the order."""

    account_path = "order_line__order__account"
    list_display = ("order_line", "serials")
    raw_id_fields = ("order_line",)
