from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import registration as registration_services
from accounts import services
from accounts.documents import document_label
from accounts.models import Account, Contact, ContactEvent, Registration, RegistrationDocument, RegistrationEvent, User
from accounts.registration import RegistrationError
from storefront.admin import AccountScoped, ReadOnlyInline, sees_every_account
from storefront.audit.services import Kind as AuditKind
from storefront.audit.services import security_event_record
from storefront.uploads import attachment_response


class _UniqueEmailMixin:
    """Emails are stored lower-cased, so uniqueness is checked without regard to case."""

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if not email:
            raise forms.ValidationError(_("Every user needs an email."))
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another user has this email."))
        return email


class StoreUserCreationForm(_UniqueEmailMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name")


class StoreUserChangeForm(_UniqueEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(AccountScoped, DjangoUserAdmin):
    """A sales executive sees its accounts' contacts' users only (never the staff's), and grants no
    staff status, superuser status, group or permission: that would make a contact its equal or more."""

    account_path = "contact__account"
    form = StoreUserChangeForm
    add_form = StoreUserCreationForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "first_name", "last_name", "password1", "password2")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is None or sees_every_account(request.user):
            return readonly
        return (*readonly, "is_staff", "is_superuser", "groups", "user_permissions")


# allauth's list of email addresses names every user's: a sales executive sees its accounts' contacts' only.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AccountScoped, AllauthEmailAddressAdmin):
    account_path = "user__contact__account"


class ContactInline(AccountScoped, admin.TabularInline):
    account_path = "account"
    model = Contact
    extra = 0
    fields = ("user", "position", "telephone", "is_admin", "state")
    readonly_fields = ("user", "state")
    can_delete = False
    show_change_link = True


class AccountAdminForm(forms.ModelForm):
    blocked_fields = forms.MultipleChoiceField(
        label=_("Blocked fields"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, Account._meta.get_field(name).verbose_name) for name in Account.CUSTOMER_EDITABLE_FIELDS],
        help_text=_("The account's administrator cannot change these; only distributor staff can."),
    )

    class Meta:
        model = Account
        fields = "__all__"


@admin.register(Account)
class AccountAdmin(AccountScoped, admin.ModelAdmin):
    account_path = ""
    form = AccountAdminForm
    list_display = ("customer_code", "company_name", "country", "currency", "credit_limit", "credit_used", "sales_executive", "state")
    list_filter = ("state", "country", "sales_executive")
    search_fields = ("customer_code", "company_name", "tax_id")
    list_select_related = ("sales_executive",)
    inlines = [ContactInline]
    fieldsets = (
        (None, {"fields": ("customer_code", "company_name", "tax_id", "country", "currency", "state")}),
        (_("Credit"), {"fields": ("credit_limit", "credit_used", "sales_executive", "price_list")}),
        (_("Address"), {"fields": ("address", "city", "phone", "blocked_fields")}),
        # The account's administrators choose it (contact list); a lost phone is handled by deleting
        # the contact's authenticator (Authenticators, under MFA).
        (_("Sign-in"), {"fields": ("totp_required_for_admins",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Credit used moves only with orders, cancellations and payments, under the account's lock;
        # a form saved from a stale page would overwrite them.
        if request.user.is_superuser:
            return ("credit_used", "totp_required_for_admins")
        return ("customer_code", "country", "currency", "credit_limit", "credit_used", "sales_executive", "state", "price_list", "totp_required_for_admins")

    def save_model(self, request: HttpRequest, obj: Account, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The admin's change view runs in one transaction: the event commits with the new limit or not at all.
        if "credit_limit" in form.changed_data:
            before = form.initial.get("credit_limit") if change else None
            security_event_record(
                kind=AuditKind.CREDIT_LIMIT_CHANGED,
                actor=request.user,
                account=obj,
                request=request,
                detail={"before": None if before is None else str(before), "after": str(obj.credit_limit), "currency": obj.currency},
            )


class ContactEventInline(AccountScoped, admin.TabularInline):
    account_path = "contact__account"
    model = ContactEvent
    extra = 0
    fields = ("at", "actor", "from_state", "to_state", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(AccountScoped, admin.ModelAdmin):
    account_path = "account"
    list_display = ("__str__", "account", "position", "is_admin", "state")
    list_filter = ("state", "is_admin")
    search_fields = ("user__email", "user__username", "user__first_name", "user__last_name", "account__customer_code")
    list_select_related = ("user", "account")
    raw_id_fields = ("user", "account")
    readonly_fields = ("state", "pending_email", "created_at")
    inlines = [ContactEventInline]
    actions = ["send_invitation"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A contact never moves to another reseller; its lifecycle goes through the services.
        return (*self.readonly_fields, "user", "account") if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Contact, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        note = "created in the back office" if not change else f"edited in the back office: {', '.join(form.changed_data)}"
        ContactEvent.objects.create(contact=obj, actor=request.user, from_state=obj.state, to_state=obj.state, note=note[:255])
        if change and not form.changed_data:
            return
        rights = ("is_admin", *Contact.PERMISSION_FIELDS)
        security_event_record(
            kind=AuditKind.CONTACT_CHANGED if change else AuditKind.CONTACT_CREATED,
            actor=request.user,
            account=obj.account_id,
            request=request,
            detail={
                "contact": obj.pk,
                "fields": list(form.changed_data),
                "before": {name: form.initial.get(name) for name in rights if name in form.changed_data} if change else {},
                "after": {name: getattr(obj, name) for name in rights if name in form.changed_data},
                "by": "back office",
            },
        )

    @admin.action(description=_("Send the invitation (confirm or ACTIVATE USER email)"))
    def send_invitation(self, request: HttpRequest, queryset: QuerySet) -> None:
        sent = 0
        for contact in queryset.select_related("user", "account"):
            try:
                services.contact_invitation_resend(actor=request.user, contact=contact)
                sent += 1
            except services.ContactError as exc:
                self.message_user(request, f"{contact}: {exc.message}", messages.WARNING)
        if sent:
            self.message_user(request, _("Invitations sent: %(n)d.") % {"n": sent}, messages.SUCCESS)


# --- registrations ("Become a Customer") ----------------------------------------------------------


class RegistrationDocumentInline(AccountScoped, ReadOnlyInline):
    account_path = "registration__account"
    unowned_rows_shared = True
    model = RegistrationDocument
    fields = ("document", "download", "content_type", "size", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("document"))
    def document(self, document: RegistrationDocument) -> str:
        return document_label(document.kind)

    @admin.display(description=_("file name"))
    def download(self, document: RegistrationDocument) -> str:
        # Media files are not served publicly: staff download them through the admin's own view.
        url = reverse("admin:accounts_registration_document", args=[document.registration_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)


class RegistrationEventInline(AccountScoped, ReadOnlyInline):
    account_path = "registration__account"
    unowned_rows_shared = True
    model = RegistrationEvent
    fields = ("at", "actor", "from_state", "to_state", "note")
    readonly_fields = fields


class RegistrationApproveForm(forms.Form):
    customer_code = forms.CharField(
        label=_("Customer code"),
        max_length=20,
        required=False,
        help_text=_("Left empty, a new code is generated. Type one only when approving a single registration."),
    )
    sales_executive = forms.ModelChoiceField(
        label=_("Sales executive"),
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("username"),
        required=False,
        help_text=_("Unless you are a superuser, you must be the new account's sales executive to create its administrator."),
    )


class RegistrationRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("The applicant receives it by email."))


def _decision_page(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, form: forms.Form, title) -> HttpResponse:
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return render(request, "admin/accounts/registration/decide_form.html", context)


@admin.register(Registration)
class RegistrationAdmin(AccountScoped, admin.ModelAdmin):
    # An application waiting for review (or rejected) is no account's yet: every staff user who may
    # review registrations sees it. Once approved it is its account's, seen by that account's staff.
    account_path = "account"
    unowned_rows_shared = True
    list_display = ("submitted_at", "country", "company_name", "full_name", "email", "state", "account")
    list_filter = ("state", "country")
    search_fields = ("company_name", "tax_id", "email", "last_name", "account__customer_code")
    list_select_related = ("account",)
    date_hierarchy = "submitted_at"
    fieldsets = (
        (_("Company"), {"fields": ("country", "company_name", "tax_id", "address", "city", "company_phone", "website")}),
        (_("Contact person"), {"fields": ("first_name", "last_name", "position", "email", "phone", "language")}),
        (_("Review"), {"fields": ("state", "submitted_at", "decided_at", "decided_by", "rejection_reason", "account")}),
    )
    readonly_fields = [field for _title, group in fieldsets for field in group["fields"]]
    inlines = [RegistrationDocumentInline, RegistrationEventInline]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Registrations change only through the Approve and Reject actions.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=_("contact person"))
    def full_name(self, registration: Registration) -> str:
        return registration.full_name

    def get_urls(self):
        download = path(
            "<int:registration_id>/documents/<int:pk>/",
            self.admin_site.admin_view(self.document_view),
            name="accounts_registration_document",
        )
        return [download, *super().get_urls()]

    def document_view(self, request: HttpRequest, registration_id: int, pk: int) -> HttpResponse:
        """A registration's document, for staff who may view registrations, as a download."""
        if not (request.user.is_staff and self.has_view_permission(request)):
            raise PermissionDenied
        registration = self.get_queryset(request).filter(pk=registration_id)
        document = RegistrationDocument.objects.filter(pk=pk, registration__in=registration).first()
        if document is None:
            raise Http404
        try:
            stream = document.file.open("rb")
        except OSError:
            raise Http404 from None
        filename = f"{document.kind}-{document.registration_id}.{document.stored_name.rsplit('.', 1)[-1]}"
        return attachment_response(stream, filename=filename, content_type=document.content_type)

    @admin.action(description=_("Approve (create the account and its administrator)"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if "apply" in request.POST:
            form = RegistrationApproveForm(request.POST)
            if form.is_valid():
                code = form.cleaned_data["customer_code"]
                if code and queryset.count() > 1:
                    form.add_error("customer_code", _("Type a customer code only when approving a single registration."))
                else:
                    approved = 0
                    for registration in queryset.order_by("pk"):
                        try:
                            account = registration_services.registration_approve(
                                actor=request.user,
                                registration=registration,
                                customer_code=code,
                                sales_executive=form.cleaned_data["sales_executive"],
                            )
                        except RegistrationError as exc:
                            self.message_user(request, f"{registration}: {exc.message}", messages.ERROR)
                        else:
                            approved += 1
                            self.message_user(
                                request,
                                _("%(company)s approved: account %(code)s; its administrator %(email)s received the email to confirm.")
                                % {"company": account.company_name, "code": account.customer_code, "email": registration.email},
                                messages.SUCCESS,
                            )
                    return None
        else:
            form = RegistrationApproveForm(initial={"sales_executive": None if request.user.is_superuser else request.user.pk})
        return _decision_page(self, request, queryset, form, _("Approve registrations"))

    @admin.action(description=_("Reject (with a reason)"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if "apply" in request.POST:
            form = RegistrationRejectForm(request.POST)
            if form.is_valid():
                for registration in queryset.order_by("pk"):
                    try:
                        registration_services.registration_reject(
                            actor=request.user, registration=registration, reason=form.cleaned_data["reason"]
                        )
                    except RegistrationError as exc:
                        self.message_user(request, f"{registration}: {exc.message}", messages.ERROR)
                    else:
                        self.message_user(
                            request,
                            _("%(company)s rejected; the applicant received the reason by email.") % {"company": registration.company_name},
                            messages.SUCCESS,
                        )
                return None
        else:
            form = RegistrationRejectForm()
        return _decision_page(self, request, queryset, form, _("Reject registrations"))


# --- The authenticator app: read, and removed when its contact has lost the phone -------------------

# allauth registers its own admin: every field editable, the secret shown, every user's listed.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AccountScoped, admin.ModelAdmin):
    """Whose authenticator (user and account), which kind, when added and last used: never the secret,
    never changed here. Removing one is how the back office, or the account's sales executive, lets a
    contact who lost its phone set the app up again; each removal joins the audit trail."""

    list_display = ("user", "account", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__username", "user__email", "user__contact__account__customer_code", "user__contact__account__company_name")
    list_select_related = ("user__contact__account",)
    fields = ("user", "account", "type", "created_at", "last_used_at")
    readonly_fields = fields
    # A sales executive sees its accounts' contacts' authenticators only, never the staff's.
    account_path = "user__contact__account"

    @admin.display(description=_("account"))
    def account(self, authenticator: Authenticator) -> object:
        contact = getattr(authenticator.user, "contact", None)
        return contact.account if contact is not None else "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        self._record_removal(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The admin's delete runs in one transaction: the events commit with the removal or not at all.
        self._record_removal(request, list(queryset.select_related("user__contact")))
        super().delete_queryset(request, queryset)

    def _record_removal(self, request: HttpRequest, authenticators: list[Authenticator]) -> None:
        for authenticator in authenticators:
            if authenticator.type != Authenticator.Type.TOTP:
                continue
            contact = getattr(authenticator.user, "contact", None)
            security_event_record(
                kind=AuditKind.TOTP_DISABLED,
                actor=request.user,
                account=contact.account_id if contact is not None else None,
                request=request,
                detail={"user": authenticator.user.username, "by": "back office"},
            )
