from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as mfa_totp_forms

from accounts.signin import GuessesSpent, signin_guess_take, signin_guesses_clear

from accounts.countries import COUNTRY_CHOICES
from accounts.documents import ACCEPT as DOCUMENT_ACCEPT, DocumentError, document_check, documents_for
from accounts.models import Account, Contact, User
from accounts.registration import RegistrationData
from accounts.selectors import user_has_totp
from accounts.services import ContactData


class _GuessesSpentMixin:
    """Whether the form was refused because the account's bound of guesses is spent: the page then
    offers a sign-in link by email (accounts.signin)."""

    @property
    def guesses_spent(self) -> bool:
        return any(error.code == "guesses_spent" for errors in self.errors.as_data().values() for error in errors)


class SignInForm(_GuessesSpentMixin, allauth_forms.LoginForm):
    """Sign in with the user id or the email."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("User ID or email")
        self.fields["login"].widget.attrs.update({"placeholder": "", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"placeholder": ""})
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in")


class SignInLinkRequestForm(forms.Form):
    """Ask for a sign-in link by email: the user id or the email of the user whose sign-in is paused."""

    login = forms.CharField(label=_("User ID or email"), max_length=254)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.update({"autocomplete": "username"})


class SignInLinkPasswordForm(forms.Form):
    """The sign-in link's page: the password of the link's user."""

    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class BackOfficeSignInForm(_GuessesSpentMixin, AdminAuthenticationForm):
    """The back office's sign-in: the same counts of wrong passwords as the store's (per address, per
    name, per account), through allauth's adapter instead of a bare `authenticate()`.

    It has no second step: a user with an authenticator app signs in on the store's sign-in page
    (which asks for the code) and then opens the back office, so the app cannot be bypassed here.
    """

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = get_adapter(self.request).authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if user_has_totp(user):
            raise forms.ValidationError(
                _("Your user signs in with an authenticator app: sign in on the store's sign-in page, then open the back office."),
                code="use_two_step",
            )


class _CountedCodeMixin:
    """A code from the authenticator app is a guess like a password: it takes a place in the account's
    count of guesses (accounts.signin) before it is checked, and gives it back when it was right."""

    def clean_code(self) -> str:
        request = context.request
        try:
            usage = signin_guess_take(request=request, user=self.user)
        except GuessesSpent:
            raise get_adapter(request).validation_error("guesses_spent") from None
        # A wrong code (a ValidationError) keeps its place taken.
        code = super().clean_code()
        usage.rollback()
        return code


class AuthenticatorCodeForm(_GuessesSpentMixin, _CountedCodeMixin, mfa_forms.AuthenticateForm):
    """Sign in, second step: the six-digit code of the authenticator app."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your authenticator app")
        self.fields["code"].widget.attrs.update({"placeholder": "", "inputmode": "numeric", "autocomplete": "one-time-code"})


class AuthenticatorReauthenticateForm(_CountedCodeMixin, mfa_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your authenticator app")
        self.fields["code"].widget.attrs.update({"placeholder": "", "inputmode": "numeric", "autocomplete": "one-time-code"})


class AuthenticatorActivateForm(mfa_totp_forms.ActivateTOTPForm):
    """Setting up the app: the code it shows once the QR code is scanned."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your authenticator app")
        self.fields["code"].widget.attrs.update({"placeholder": "", "inputmode": "numeric", "autocomplete": "one-time-code"})


class TotpRequirementForm(forms.Form):
    """The account's setting, on the contact list: administrators sign in with an authenticator app."""

    required = forms.BooleanField(label=_("Administrators sign in with an authenticator app"), required=False)


class ForgotPasswordForm(allauth_forms.ResetPasswordForm):
    """Forgot your password: the user id and the email must belong together.

    The answer is the same whether or not they do, so the form tells nobody which accounts exist.
    """

    user_id = forms.CharField(label=_("User ID"), max_length=150)
    field_order = ["user_id", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email")
        self.fields["email"].widget.attrs.pop("placeholder", None)

    def clean(self) -> dict:
        cleaned = super().clean()
        user_id = (cleaned.get("user_id") or "").strip()
        email = (cleaned.get("email") or "").strip()
        self.users = list(
            User.objects.filter(username__iexact=user_id, email__iexact=email, is_active=True)
        ) if user_id and email else []
        return cleaned


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password (again)")
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean_oldpassword(self) -> str:
        # The current password is a guess like any other: it takes a place in the account's bound
        # (accounts.signin), given back when it was right, or a session left open would allow far more
        # guesses an hour than the sign-in page does.
        try:
            usage = signin_guess_take(request=context.request, user=self.user)
        except GuessesSpent:
            raise get_adapter().validation_error("guesses_spent") from None
        password = super().clean_oldpassword()
        usage.rollback()
        return password


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password (again)")
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def save(self) -> None:
        # The new password ends every other session (their stored hash no longer matches), and the
        # holder, who proved itself by its mailbox, gets its account's bound of guesses back.
        super().save()
        signin_guesses_clear(user=self.user)


class ContactForm(forms.Form):
    """NEW CONTACT and edit: the contact's data and permissions, as an administrator fills them in."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    telephone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    is_admin = forms.BooleanField(label=_("Account administrator"), required=False)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, capfirst(Contact._meta.get_field(name).verbose_name)) for name in Contact.PERMISSION_FIELDS],
    )

    @classmethod
    def initial_for(cls, contact: Contact) -> dict:
        return {
            "first_name": contact.user.first_name,
            "last_name": contact.user.last_name,
            "email": contact.pending_email or contact.user.email,
            "position": contact.position,
            "telephone": contact.telephone,
            "is_admin": contact.is_admin,
            "permissions": [name for name in Contact.PERMISSION_FIELDS if getattr(contact, name)],
        }

    def to_data(self) -> ContactData:
        c = self.cleaned_data
        return ContactData(
            first_name=c["first_name"],
            last_name=c["last_name"],
            email=c["email"],
            position=c["position"],
            telephone=c["telephone"],
            is_admin=c["is_admin"],
            permissions=frozenset(c["permissions"]),
        )


class NewContactForm(ContactForm):
    username = forms.RegexField(
        label=_("User ID"),
        max_length=150,
        required=False,
        regex=r"^[\w.@+-]+$",
        help_text=_("Optional: letters, digits and . @ + - _ only. Left empty, it is made from the email."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _ in the user id.")},
    )
    field_order = ["first_name", "last_name", "email", "username", "position", "telephone", "is_admin", "permissions"]


class ActivationEmailForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)


class ActivationCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ActivationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class ContactInformationForm(forms.Form):
    """The contact's own data."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    telephone = forms.CharField(label=_("Telephone"), max_length=40, required=False)


class AccountDataForm(forms.ModelForm):
    """The account's own data; blocked fields (and all of them for a non-administrator) are read-only."""

    class Meta:
        model = Account
        fields = list(Account.CUSTOMER_EDITABLE_FIELDS)

    def __init__(self, *args, editable: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not editable or self.instance.field_is_blocked(name):
                field.disabled = True
                field.blocked = self.instance.field_is_blocked(name)


# --- Become a Customer and Request Access --------------------------------------------------------


class BecomeCustomerForm(forms.Form):
    """"Become a Customer": the company's data, the person's, and one file per document the country asks for."""

    COMPANY_FIELDS = ("company_name", "tax_id", "address", "city", "company_phone", "website")
    PERSON_FIELDS = ("first_name", "last_name", "position", "email", "phone")

    country = forms.ChoiceField(choices=COUNTRY_CHOICES, widget=forms.HiddenInput)
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    tax_id = forms.CharField(label=_("Tax ID"), max_length=40)
    address = forms.CharField(label=_("Address"), max_length=255)
    city = forms.CharField(label=_("City"), max_length=100)
    company_phone = forms.CharField(label=_("Company phone"), max_length=40)
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40)

    def __init__(self, *args, country: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["country"].initial = country
        self.documents = documents_for(country)
        for doc in self.documents:
            self.fields[f"document_{doc.key}"] = forms.FileField(
                label=doc.label,
                help_text=_("PDF, JPG, Word or PNG, at most 1 MB."),
                widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
                error_messages={"required": _("Attach the %(document)s.") % {"document": doc.label}},
            )

    def _group(self, names) -> list:
        return [self[name] for name in names]

    def company_fields(self) -> list:
        return self._group(self.COMPANY_FIELDS)

    def person_fields(self) -> list:
        return self._group(self.PERSON_FIELDS)

    def document_fields(self) -> list:
        return self._group(f"document_{doc.key}" for doc in self.documents)

    def clean(self) -> dict:
        cleaned = super().clean()
        # Each file is checked here too, so every refused file gets its message at once.
        for doc in self.documents:
            name = f"document_{doc.key}"
            upload = cleaned.get(name)
            if upload:
                try:
                    document_check(upload, label=doc.label)
                except DocumentError as exc:
                    self.add_error(name, exc.message)
        return cleaned

    @property
    def has_field_errors(self) -> bool:
        """Errors on the fields themselves, not only the form's own (a failure on our side)."""
        return any(name != NON_FIELD_ERRORS for name in self.errors)

    def to_data(self, *, language: str) -> RegistrationData:
        c = self.cleaned_data
        return RegistrationData(
            country=c["country"],
            language=language,
            **{name: c[name] for name in (*self.COMPANY_FIELDS, *self.PERSON_FIELDS)},
        )

    def uploads(self) -> dict:
        return {doc.key: self.cleaned_data.get(f"document_{doc.key}") for doc in self.documents}


class RequestAccessForm(forms.Form):
    """"Request Access": country, assigned customer code, the email given at registration, and name."""

    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    customer_code = forms.CharField(label=_("Assigned customer code"), max_length=20)
    email = forms.EmailField(label=_("Email provided when registering"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=150)
