"""Volume licensing: the programs each country offers, their products, and the licensing orders.

A licensing order is its own record, with its own states (a licence is not shipped: it is sent to
the manufacturer, processed, received), but it buys on the same credit line as any order and is
invoiced with the same invoices (`orders.Invoice.licence_order`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES
from storefront.models import StateEvent
from storefront.money import money


class Program(models.TextChoices):
    OPEN_BUSINESS = "open_business", _("Open Business")
    OPEN_VALUE = "open_value", _("Open Value")
    OPEN_VALUE_SUBSCRIPTION = "open_value_subscription", _("Open Value Subscription")
    SCHOOL = "school", _("School")


class ProgramOffer(models.Model):
    """A licensing program the distributor offers in one country."""

    program = models.CharField(_("program"), max_length=32, choices=Program.choices)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)

    class Meta:
        ordering = ["country", "program"]
        verbose_name = _("program offered in a country")
        verbose_name_plural = _("programs offered per country")
        constraints = [models.UniqueConstraint(fields=["program", "country"], name="programoffer_once_per_country")]

    def __str__(self) -> str:
        return f"{self.get_program_display()} ({self.country})"


class LicenceProduct(models.Model):
    """A catalog product sold as volume licensing, in one program."""

    product = models.OneToOneField("catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="licensing")
    program = models.CharField(_("program"), max_length=32, choices=Program.choices)
    # Windows Legal (legalisation) licences are never returned nor cancelled once processed.
    windows_legal = models.BooleanField(_("Windows Legal"), default=False)
    # A product whose licence comes with a software key, handed out when the order is received.
    delivers_key = models.BooleanField(_("delivers a software key"), default=False)

    class Meta:
        ordering = ["program", "product__name"]
        verbose_name = _("volume licensing product")
        verbose_name_plural = _("volume licensing products")

    def __str__(self) -> str:
        return f"{self.get_program_display()} · {self.product_id}"


class LicenceOrder(models.Model):
    class State(models.TextChoices):
        PLACED = "placed", _("Placed")
        ON_HOLD = "on_hold", _("On hold, awaiting approval")
        COUNTER_OFFER = "counter_offer", _("Counter-offer, awaiting your answer")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SENT = "sent", _("Sent to the manufacturer")
        PROCESSED = "processed", _("Processed")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        State.PLACED: {State.SENT, State.CANCELLED},
        State.ON_HOLD: {State.APPROVED, State.REJECTED, State.COUNTER_OFFER, State.CANCELLED},
        State.COUNTER_OFFER: {State.APPROVED, State.CANCELLED},
        State.APPROVED: {State.SENT, State.CANCELLED},
        State.REJECTED: set(),
        State.SENT: {State.PROCESSED, State.CANCELLED},
        State.PROCESSED: {State.RECEIVED, State.CANCELLED},
        State.RECEIVED: {State.CANCELLED},
        State.CANCELLED: set(),
    }
    # Held for a decision of the sales executive or of the reseller.
    AWAITING_DECISION = (State.ON_HOLD, State.COUNTER_OFFER)
    # Not yet processed by the manufacturer.
    BEFORE_PROCESSING = (State.PLACED, State.ON_HOLD, State.COUNTER_OFFER, State.APPROVED, State.SENT)
    CLOSED = (State.REJECTED, State.CANCELLED)

    number = models.CharField(_("order number"), max_length=20, unique=True)
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="licence_orders")
    placed_by = models.ForeignKey("accounts.Contact", verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="licence_orders")
    program = models.CharField(_("program"), max_length=32, choices=Program.choices)
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.PLACED)
    end_customer = models.CharField(_("end customer"), max_length=200)
    end_customer_tax_id = models.CharField(_("end customer tax id"), max_length=40, blank=True)
    observations = models.TextField(_("observations"), blank=True, max_length=1000)
    currency = models.CharField(_("currency"), max_length=3)
    # At the account's list prices, and at the prices now agreed (requested, countered or list).
    list_total = models.DecimalField(_("list total"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # Credit taken from the account's line by this order; returned when it is rejected or cancelled.
    credit_taken = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # Why the order waits (special prices asked), why it was rejected or cancelled: shown to the reseller.
    hold_reason = models.CharField(_("why it is held"), max_length=255, blank=True)
    decision_reason = models.CharField(_("reason given"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The manufacturer's licence authorisation number, recorded by the back office on "processed".
    authorization_number = models.CharField(_("authorization number"), max_length=40, blank=True)
    submission_key = models.CharField(max_length=64, unique=True)
    placed_at = models.DateTimeField(_("date"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    # received_at + 24 hours; the scheduled task releases the eCertificate once it has passed.
    certificate_due_at = models.DateTimeField(_("eCertificate due"), null=True, blank=True)
    certificate_released_at = models.DateTimeField(_("eCertificate available"), null=True, blank=True)
    certificate = models.FileField(_("eCertificate"), upload_to="licensing/certificates/%Y/%m/", blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # A processed order is cancelled only by a replacement order of equal or greater value.
    replaced_by = models.OneToOneField(
        "self", verbose_name=_("replacement order"), on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("licensing order")
        verbose_name_plural = _("licensing orders")
        indexes = [
            models.Index(fields=["account", "-placed_at"], name="licenceorder_account_placed"),
            models.Index(fields=["state", "certificate_due_at"], name="licenceorder_certificate_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="licenceorder_total_not_negative"),
            models.CheckConstraint(condition=models.Q(credit_taken__gte=0), name="licenceorder_credit_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_awaiting_decision(self) -> bool:
        return self.state in self.AWAITING_DECISION

    @property
    def counter_total(self) -> Decimal | None:
        """The order's total at the counter-offer's prices (from the lines already loaded), or None."""
        lines = list(self.lines.all())
        if not lines or any(line.counter_price is None for line in lines):
            return None
        return sum((money(line.counter_price * line.quantity) for line in lines), Decimal("0.00"))

    @property
    def certificate_available(self) -> bool:
        # A cancelled order's licences are returned: its eCertificate is no longer the reseller's proof.
        return self.state == self.State.RECEIVED and self.certificate_released_at is not None and bool(self.certificate)


class LicenceOrderLine(models.Model):
    """A line as ordered: SKU, name and prices copied, so history survives catalog changes."""

    order = models.ForeignKey(LicenceOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    quantity = models.PositiveIntegerField(_("amount"))
    list_price = models.DecimalField(_("list price"), max_digits=14, decimal_places=2)
    # The reseller's special price, if it typed one; the sales executive's counter-offer, if any.
    requested_price = models.DecimalField(_("requested price"), max_digits=14, decimal_places=2, null=True, blank=True)
    counter_price = models.DecimalField(_("counter-offer"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)
    windows_legal = models.BooleanField(_("Windows Legal"), default=False)
    is_cloud = models.BooleanField(_("cloud product"), default=False)
    # A cloud subscription activated by the end customer can no longer be returned.
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="licenceline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="licenceline_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def has_special_price(self) -> bool:
        return self.requested_price is not None and self.requested_price != self.list_price

    @property
    def difference(self) -> Decimal:
        """Requested minus list price, per unit (negative: the reseller asks for less)."""
        return (self.requested_price if self.requested_price is not None else self.list_price) - self.list_price


class LicenceKey(models.Model):
    """A software key handed out to the account for a line of a received order."""

    line = models.ForeignKey(LicenceOrderLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(_("key"), max_length=100)
    handed_out_at = models.DateTimeField(_("handed out"), null=True, blank=True)

    class Meta:
        ordering = ["line_id", "id"]
        verbose_name = _("software key")
        verbose_name_plural = _("software keys")
        constraints = [models.UniqueConstraint(fields=["line", "key"], name="licencekey_once_per_line")]

    def __str__(self) -> str:
        return self.key


class LicenceOrderEvent(StateEvent):
    STATES = LicenceOrder.State

    order = models.ForeignKey(LicenceOrder, on_delete=models.CASCADE, related_name="events")
