from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES
from storefront.models import StateEvent


class ServiceCentre(models.Model):
    """Where a country's resellers send approved returns."""

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("email"))
    hours = models.CharField(_("opening hours"), max_length=160)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["country", "position", "id"]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class ShippedSerials(models.Model):
    """The serial numbers shipped on an order line, when the warehouse recorded them."""

    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.CASCADE, related_name="shipped_serials")
    serials = models.JSONField(_("serial numbers"), default=list, blank=True)

    class Meta:
        verbose_name = _("shipped serial numbers")
        verbose_name_plural = _("shipped serial numbers")


class RmaRequest(models.Model):
    class ClaimType(models.TextChoices):
        DEFECTIVE = "defective", _("Defective")
        DAMAGED_IN_TRANSIT = "damaged_in_transit", _("Damaged in transit")
        WRONG_PRODUCT = "wrong_product", _("Wrong product")
        MISSING_PARTS = "missing_parts", _("Missing parts")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        RECEIVED = "received", _("Received")
        RESOLVED = "resolved", _("Resolved")
        REJECTED = "rejected", _("Rejected")

    class Resolution(models.TextChoices):
        REPAIRED = "repaired", _("Repaired")
        REPLACED = "replaced", _("Replaced")
        CREDITED = "credited", _("Credited")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        State.SUBMITTED: {State.UNDER_REVIEW, State.REJECTED},
        State.UNDER_REVIEW: {State.APPROVED, State.REJECTED},
        State.APPROVED: {State.RECEIVED, State.REJECTED},
        State.RECEIVED: {State.RESOLVED, State.REJECTED},
        State.RESOLVED: set(),
        State.REJECTED: set(),
    }
    CLOSED_STATES = frozenset({State.RESOLVED, State.REJECTED})

    number = models.CharField(_("RMA number"), max_length=20, unique=True)
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="rma_requests")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="rma_requests")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT, related_name="rma_requests")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=40)
    product_name = models.CharField(_("product"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"))
    claim_type = models.CharField(_("type of claim"), max_length=24, choices=ClaimType.choices)
    details = models.TextField(_("details of the problem"), max_length=4000)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    service_centre = models.ForeignKey(
        ServiceCentre, verbose_name=_("service centre"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_instructions = models.TextField(_("return instructions"), blank=True)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_by = models.ForeignKey("accounts.Contact", verbose_name=_("created by"), on_delete=models.PROTECT, related_name="rma_requests")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("RMA request")
        verbose_name_plural = _("RMA requests")
        indexes = [
            models.Index(fields=["account", "-created_at"], name="rma_account_created"),
            models.Index(fields=["product", "serial_number"], name="rma_product_serial"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="rma_quantity_positive"),
            # A serial number is under at most one open request, even when two are filed at once.
            models.UniqueConstraint(
                fields=["product", "serial_number"],
                condition=~models.Q(serial_number="") & ~models.Q(state__in=["resolved", "rejected"]),
                name="rma_one_open_request_per_serial",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state not in self.CLOSED_STATES


def _attachment_path(instance: RmaAttachment, filename: str) -> str:
    # The stored name never comes from the upload: the request's number and a checked extension.
    return f"rma/{instance.rma.number}/{instance.stored_name}"


class RmaAttachment(models.Model):
    """A photo or document a contact added to its request (PDF, JPG or PNG, checked by content)."""

    rma = models.ForeignKey(RmaRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class RmaEvent(StateEvent):
    STATES = RmaRequest.State

    rma = models.ForeignKey(RmaRequest, on_delete=models.CASCADE, related_name="events")
