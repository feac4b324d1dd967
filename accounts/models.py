from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES, CURRENCY_CHOICES
from storefront.models import StateEvent


class User(AbstractUser):
    """Anyone who signs in: a reseller's contact, a sales executive or the back office.

    `username` is the user id shown to people; sign-in takes it or the email.
    """

    email = models.EmailField(_("email"), unique=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def save(self, *args, **kwargs) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Every signed-in request checks its session against this HMAC of the password hash (Django's,
        # ~0.04 ms): kept per password hash and key, so a new password or key makes a new one.
        key = (self.password, settings.SECRET_KEY if secret is None else secret)
        found = _SESSION_AUTH_HASHES.get(key)
        if found is None:
            found = super()._get_session_auth_hash(secret=secret)
            if len(_SESSION_AUTH_HASHES) >= _SESSION_AUTH_HASHES_KEPT:
                _SESSION_AUTH_HASHES.clear()
            _SESSION_AUTH_HASHES[key] = found
        return found


# (password hash, secret key) -> the session's auth hash; at most this many, in each process.
_SESSION_AUTH_HASHES: dict[tuple[str, str], str] = {}
_SESSION_AUTH_HASHES_KEPT = 10_000


def default_blocked_fields() -> list[str]:
    return ["company_name", "tax_id"]


class Account(models.Model):
    """A reseller: one customer of the distributor, with its credit line and its contacts."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        BLOCKED = "blocked", _("Blocked")

    # The account's own data that its administrator may edit unless the distributor blocked the field.
    CUSTOMER_EDITABLE_FIELDS = ("company_name", "tax_id", "address", "city", "phone")

    customer_code = models.CharField(_("customer code"), max_length=20, unique=True)
    company_name = models.CharField(_("company name"), max_length=200)
    tax_id = models.CharField(_("tax id"), max_length=40)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    credit_limit = models.DecimalField(_("credit limit"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    credit_used = models.DecimalField(_("credit used"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    sales_executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales executive"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_accounts",
        limit_choices_to={"is_staff": True},
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ACTIVE)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    price_list = models.ForeignKey(
        "catalog.PriceList",
        verbose_name=_("price list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    blocked_fields = models.JSONField(
        _("blocked fields"),
        default=default_blocked_fields,
        blank=True,
        help_text=_("Fields of the account's data that only distributor staff may change."),
    )
    totp_required_for_admins = models.BooleanField(
        _("administrators sign in with an authenticator app"),
        default=False,
        help_text=_("Set by the account's administrators: each of them needs a code from an authenticator app to sign in."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["company_name"]
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_limit__gte=0), name="account_credit_limit_not_negative"),
            models.CheckConstraint(condition=models.Q(credit_used__gte=0), name="account_credit_used_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_code} · {self.company_name}"

    def clean(self) -> None:
        # Prices are shown in the account's currency: its price list must be in that currency.
        if self.price_list_id and self.price_list.currency != self.currency:
            raise ValidationError(
                {"price_list": _("This price list is in %(list)s; the account buys in %(account)s.")
                 % {"list": self.price_list.currency, "account": self.currency}}
            )

    @property
    def credit_available(self) -> Decimal:
        return max(self.credit_limit - self.credit_used, Decimal("0.00"))

    @property
    def is_blocked(self) -> bool:
        return self.state == self.State.BLOCKED

    def field_is_blocked(self, name: str) -> bool:
        return name in (self.blocked_fields or [])


class Contact(models.Model):
    """A reseller's user: belongs to one account and sees only that account's data."""

    class State(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
        AWAITING_ACTIVATION = "awaiting_activation", _("Awaiting activation")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        State.AWAITING_CONFIRMATION: {State.AWAITING_ACTIVATION, State.INACTIVE},
        State.AWAITING_ACTIVATION: {State.ACTIVE, State.INACTIVE},
        State.ACTIVE: {State.INACTIVE},
        State.INACTIVE: {State.AWAITING_ACTIVATION},
    }

    # Permission flags, in the order the contact forms show them.
    PERMISSION_FIELDS = (
        "can_see_prices",
        "can_order",
        "can_quote",
        "can_rma",
        "can_license",
        "can_download",
        "can_invoice",
    )

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="contact")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="contacts")
    position = models.CharField(_("position"), max_length=100, blank=True)
    telephone = models.CharField(_("telephone"), max_length=40, blank=True)
    is_admin = models.BooleanField(_("account administrator"), default=False)
    can_see_prices = models.BooleanField(_("see prices and stock"), default=True)
    can_order = models.BooleanField(_("place orders"), default=False)
    can_quote = models.BooleanField(_("quotes"), default=False)
    can_rma = models.BooleanField(_("RMA"), default=False)
    can_license = models.BooleanField(_("volume licensing"), default=False)
    can_download = models.BooleanField(_("downloads"), default=False)
    can_invoice = models.BooleanField(_("invoices and transactions"), default=False)
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.AWAITING_CONFIRMATION
    )
    pending_email = models.EmailField(_("email awaiting validation"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.full_name} <{self.user.email}>"

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    def permission_labels(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name) for name in self.PERMISSION_FIELDS if getattr(self, name)]


class ContactEvent(models.Model):
    """One change of a contact: who made it, when, from which state to which."""

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_state = models.CharField(_("from state"), max_length=24, blank=True)
    to_state = models.CharField(_("to state"), max_length=24, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.from_state} → {self.to_state} {self.note}".strip()


class ContactLink(models.Model):
    """A single-use, expiring link emailed to a contact; only a hash of its token is kept."""

    class Purpose(models.TextChoices):
        CONFIRM = "confirm", _("Confirm")
        ACTIVATE = "activate", _("Activate user")
        VALIDATE_EMAIL = "validate_email", _("Validate email")

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact link")
        verbose_name_plural = _("contact links")
        indexes = [models.Index(fields=["contact", "purpose"], name="contactlink_contact_purpose")]


class VerificationCode(models.Model):
    """A six-digit code emailed during activation; stored as a keyed hash, with its wrong tries."""

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contact", "created_at"], name="code_contact_created")]


class SignInGuesses(models.Model):
    """Wrong passwords and codes counted for one account (or one name nobody has) in one clock hour.

    Kept in the database, not the cache, so the bound holds while Redis is down (accounts.signin). One
    row per key, reused hour after hour: `hour` names the hour its count belongs to.
    """

    # "user:<id>", or "login:<sha256 of the name>" for a name no user has.
    key = models.CharField(max_length=80, unique=True)
    # Hours since the epoch (UTC): a count of another hour is a count of zero.
    hour = models.BigIntegerField()
    guesses = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sign-in guesses")
        verbose_name_plural = _("sign-in guesses")

    def __str__(self) -> str:
        return f"{self.key}: {self.guesses} in hour {self.hour}"


class SignInLink(models.Model):
    """A one-time sign-in link emailed to a user whose sign-in is paused after too many wrong passwords.

    The link leads to a page that asks for the password, with a few tries of its own. Only a keyed hash
    of its secret is kept, bound to the user and to the password hash it was sent under: a new password
    voids it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        indexes = [models.Index(fields=["user", "created_at"], name="signinlink_user_created")]


class Registration(models.Model):
    """"Become a Customer": a company's application, reviewed by the back office."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        State.SUBMITTED: {State.APPROVED, State.REJECTED},
        State.APPROVED: set(),
        State.REJECTED: set(),
    }

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    company_name = models.CharField(_("company name"), max_length=200)
    tax_id = models.CharField(_("tax id"), max_length=40)
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=100)
    company_phone = models.CharField(_("company phone"), max_length=40)
    website = models.URLField(_("website"), max_length=200, blank=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    position = models.CharField(_("position"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)
    account = models.OneToOneField(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, null=True, blank=True, related_name="registration"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["state", "-submitted_at"], name="registration_state_submitted")]
        constraints = [
            # One open application per email, even when two are sent at once (emails are stored lower-cased).
            models.UniqueConstraint(
                fields=["email"], condition=models.Q(state="submitted"), name="registration_one_open_per_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.get_country_display()})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _registration_document_path(instance: RegistrationDocument, filename: str) -> str:
    # The stored name never comes from the upload: a random name and the extension its content showed.
    return f"registrations/{instance.registration_id}/{instance.stored_name}"


class RegistrationDocument(models.Model):
    """One document the country asks of a new customer (PDF, JPG, Word or PNG, checked by content)."""

    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=40)
    file = models.FileField(upload_to=_registration_document_path, max_length=255)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("registration document")
        verbose_name_plural = _("registration documents")
        constraints = [models.UniqueConstraint(fields=["registration", "kind"], name="registration_document_once")]

    def __str__(self) -> str:
        return self.original_name


class RegistrationEvent(StateEvent):
    """One step of a registration: submitted, approved or rejected, by whom and when."""

    STATES = Registration.State

    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="events")

    class Meta(StateEvent.Meta):
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
