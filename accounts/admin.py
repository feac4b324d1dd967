from django import forms
from django.contrib import admin
from django.contrib import messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Account, Contact, ContactEvent, User
from storefront.admin import for_sales_executive


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
class UserAdmin(DjangoUserAdmin):
    form = StoreUserChangeForm
    add_form = StoreUserCreationForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "first_name", "last_name", "password1", "password2")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


class ContactInline(admin.TabularInline):
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
class AccountAdmin(admin.ModelAdmin):
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
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return for_sales_executive(request, super().get_queryset(request), "")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Credit used moves only with orders, cancellations and payments, under the account's lock;
        # a form saved from a stale page would overwrite them.
        if request.user.is_superuser:
            return ("credit_used",)
        return ("customer_code", "country", "currency", "credit_limit", "credit_used", "sales_executive", "state", "price_list")


class ContactEventInline(admin.TabularInline):
    model = ContactEvent
    extra = 0
    fields = ("at", "actor", "from_state", "to_state", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "account", "position", "is_admin", "state")
    list_filter = ("state", "is_admin")
    search_fields = ("user__email", "user__username", "user__first_name", "user__last_name", "account__customer_code")
    list_select_related = ("user", "account")
    raw_id_fields = ("user", "account")
    readonly_fields = ("state", "pending_email", "created_at")
    inlines = [ContactEventInline]
    actions = ["send_invitation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return for_sales_executive(request, super().get_queryset(request), "account")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A contact never moves to another reseller; its lifecycle goes through the services.
        return (*self.readonly_fields, "user", "account") if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Contact, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        note = "created in the back office" if not change else f"edited in the back office: {', '.join(form.changed_data)}"
        ContactEvent.objects.create(contact=obj, actor=request.user, from_state=obj.state, to_state=obj.state, note=note[:255])

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
