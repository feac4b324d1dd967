from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from storefront.models import StateEvent


class ProfitKind(models.TextChoices):
    PERCENT = "percent", _("Percentage (%)")
    AMOUNT = "amount", _("Exact value per unit")


class Customer(models.Model):
    """A customer of the reseller: who a quote is made out to. Each account keeps its own."""

    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.CASCADE, related_name="quote_customers")
    company = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.company


def quote_pdf_path(instance: "Quote", filename: str) -> str:
    return f"quotes/{instance.pdf_token}/{filename}"


class Quote(models.Model):
    """A quotation the reseller prepares for its own customer, at its cost plus its profit."""

    class PdfState(models.TextChoices):
        NONE = "none", _("Not made")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    PDF_TRANSITIONS: dict[str, set[str]] = {
        PdfState.NONE: {PdfState.QUEUED},
        PdfState.QUEUED: {PdfState.RUNNING, PdfState.FAILED},
        PdfState.RUNNING: {PdfState.READY, PdfState.FAILED},
        PdfState.READY: {PdfState.QUEUED},
        PdfState.FAILED: {PdfState.QUEUED},
    }
    ALLOWED_TRANSITIONS = PDF_TRANSITIONS

    number = models.CharField(_("quote number"), max_length=20, unique=True)
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="quotes")
    created_by = models.ForeignKey("accounts.Contact", verbose_name=_("made by"), on_delete=models.PROTECT, related_name="quotes")
    # The one quote "Add to quote" adds to, per contact; "Activate Quote" moves it.
    current_for = models.OneToOneField(
        "accounts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="current_quote"
    )
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes")
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    profit_kind = models.CharField(_("profit"), max_length=8, choices=ProfitKind.choices, default=ProfitKind.PERCENT)
    profit_value = models.DecimalField(_("profit value"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    pdf_state = models.CharField(_("PDF"), max_length=8, choices=PdfState.choices, default=PdfState.NONE)
    # Renewed at every "save and download": the polling and download addresses of one build.
    pdf_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pdf_file = models.FileField(upload_to=quote_pdf_path, blank=True)
    pdf_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [models.Index(fields=["account", "-created_at"], name="quote_account_created")]

    def __str__(self) -> str:
        return self.number


class QuoteLine(models.Model):
    """A product on a quote: SKU, name and the reseller's cost copied when it was added."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField(_("amount"))
    # Empty: the quote's profit applies.
    profit_kind = models.CharField(_("profit"), max_length=8, choices=ProfitKind.choices, blank=True)
    profit_value = models.DecimalField(_("profit value"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "product"], name="quoteline_one_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="quoteline_quantity_positive"),
        ]


class QuoteEvent(StateEvent):
    """What happened to a quote, by whom and when, and the state of its PDF before and after: made,
    moved from the cart, activated, saved and moved to the cart leave the PDF as it was (from and to
    are the same); "save and download" moves it (from "Not made", "Ready" or "Failed" to "Queued")."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        FROM_CART = "moved from the cart", _("Moved from the cart")
        ACTIVATED = "activated", _("Activated")
        SAVED = "saved", _("Saved")
        TO_CART = "moved to the cart", _("Moved to the cart")
        PDF_REQUESTED = "PDF requested", _("PDF requested")

    STATES = Quote.PdfState

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("quote event")
        verbose_name_plural = _("quote events")
