from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import Cast, Concat, Right
from django.utils.translation import gettext_lazy as _

from storefront.models import StateEvent


class Cart(models.Model):
    """One cart per contact, kept across sessions."""

    contact = models.OneToOneField("accounts.Contact", on_delete=models.CASCADE, related_name="cart")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="cart_lines")
    quantity = models.PositiveIntegerField(_("amount"))
    # The price when the line was added, so the cart can say when it has changed since.
    price_seen = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cartline_one_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cartline_quantity_positive"),
        ]


class Order(models.Model):
    class State(models.TextChoices):
        PLACED = "placed", _("Placed")
        ON_HOLD = "on_hold", _("On hold (awaiting approval)")
        PROCESSING = "processing", _("Processing")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        State.PLACED: {State.ON_HOLD, State.PROCESSING, State.CANCELLED},
        State.ON_HOLD: {State.PLACED, State.PROCESSING, State.CANCELLED},
        State.PROCESSING: {State.SHIPPED, State.CANCELLED},
        State.SHIPPED: {State.DELIVERED},
        State.DELIVERED: set(),
        State.CANCELLED: set(),
    }

    class Shipment(models.TextChoices):
        PICKUP = "pickup", _("Pickup at the warehouse")
        DELIVERY = "delivery", _("Delivery")
        COURIER = "courier", _("Courier")

    class Payment(models.TextChoices):
        CREDIT = "credit", _("Credit line")
        WIRE = "wire", _("Wire transfer")

    # "SO" and the id, at least eight digits: written by the database with the row, so placing an
    # order needs no second statement to number it.
    number = models.GeneratedField(
        verbose_name=_("order number"),
        expression=Concat(
            Value("SO", output_field=models.TextField()),
            Case(
                When(id__lt=10**8, then=Right(Concat(Value("0000000", output_field=models.TextField()), Cast("id", models.TextField())), 8)),
                default=Cast("id", models.TextField()),
                output_field=models.TextField(),
            ),
        ),
        output_field=models.CharField(max_length=20),
        db_persist=True,
        unique=True,
    )
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="orders")
    placed_by = models.ForeignKey("accounts.Contact", verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="orders")
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.PLACED)
    shipment_type = models.CharField(_("shipment type"), max_length=16, choices=Shipment.choices)
    payment_method = models.CharField(_("payment method"), max_length=16, choices=Payment.choices)
    observations = models.TextField(_("observations"), blank=True, max_length=1000)
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # Credit taken from the account's line by this order (0 for a wire transfer); returned on cancel.
    credit_taken = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # The Generate Order form's key: a second "Finish order" with the same key finds this order.
    submission_key = models.CharField(max_length=64, unique=True)
    placed_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["account", "-placed_at"], name="order_account_placed")]

    def __str__(self) -> str:
        return self.number

    @property
    def can_be_cancelled_by_contact(self) -> bool:
        return self.state == self.State.PLACED


class OrderLine(models.Model):
    """A line as it was ordered: SKU, name and price copied, so history survives catalog changes."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField(_("amount"))
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]


class StockAllocation(models.Model):
    """Units of an order line taken from one warehouse; given back if the order is cancelled."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="allocations")
    warehouse = models.ForeignKey("catalog.Warehouse", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()


class OrderEvent(StateEvent):
    STATES = Order.State

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")


class Invoice(models.Model):
    """The invoice of an order or of a licensing order: issued by the back office, kept without limit.

    It names its account itself, so the account's invoices and statement are one query whichever kind
    of order each invoice bills.
    """

    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="invoices")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice", null=True, blank=True)
    licence_order = models.OneToOneField(
        "licensing.LicenceOrder", on_delete=models.PROTECT, related_name="invoice", null=True, blank=True
    )
    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    pdf = models.FileField(upload_to="invoices/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [models.Index(fields=["account", "-issued_at"], name="invoice_account_issued")]
        constraints = [
            # Exactly one of the two kinds of order.
            models.CheckConstraint(
                condition=(models.Q(order__isnull=False) & models.Q(licence_order__isnull=True))
                | (models.Q(order__isnull=True) & models.Q(licence_order__isnull=False)),
                name="invoice_bills_one_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def billed(self) -> "Order":
        """The order or licensing order this invoice bills (both have number, lines, placed_at, total)."""
        return self.order if self.order_id else self.licence_order
