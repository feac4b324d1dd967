from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES, CURRENCY_CHOICES


class Category(models.Model):
    """A category (no parent) or one of its subcategories (parent set); products sit in subcategories."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Attribute names offered as listing filters in this subcategory, each with its known values:
    # {"Capacity": ["8 GB", "16 GB"], ...}. Kept by catalog.services.category_refresh_filters.
    attribute_filters = models.JSONField(_("attribute filters"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    @property
    def is_subcategory(self) -> bool:
        return self.parent_id is not None


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Type(models.TextChoices):
        HARDWARE = "hardware", _("Hardware")
        SOFTWARE = "software", _("Software")
        LICENCE = "licence", _("Licence")
        CLOUD = "cloud", _("Cloud")

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    mpn = models.CharField(_("part number"), max_length=80, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(
        Category, verbose_name=_("subcategory"), on_delete=models.PROTECT, related_name="products"
    )
    product_type = models.CharField(_("product type"), max_length=16, choices=Type.choices, default=Type.HARDWARE)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Lower-cased name, brand, part number and SKU: what search matches (indexed for full-text and
    # trigram search on PostgreSQL). Kept by catalog.services.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["category", "name"], name="product_category_name"),
            models.Index(fields=["brand", "name"], name="product_brand_name"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"

    def build_search_text(self) -> str:
        brand = self.brand.name if self.brand_id else ""
        return " ".join(part for part in (self.name, brand, self.mpn, self.sku) if part).lower()


class PriceList(models.Model):
    """A list of prices in one currency; a product it lacks takes its price from the base list."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    base = models.ForeignKey(
        "self", verbose_name=_("base list"), on_delete=models.PROTECT, null=True, blank=True, related_name="derived"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")

    def __str__(self) -> str:
        return f"{self.code} · {self.name} ({self.currency})"

    def clean(self) -> None:
        # A price taken from the base list is shown in this list's currency: both must be the same.
        if self.base_id and self.base.currency != self.currency:
            raise ValidationError({"base": _("The base list must be in %(currency)s too.") % {"currency": self.currency}})
        if self.base_id and self.base_id == self.pk:
            raise ValidationError({"base": _("A list cannot be its own base list.")})


class Price(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    amount = models.DecimalField(_("price"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="price_unique_per_list"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="price_not_negative"),
        ]
        indexes = [models.Index(fields=["price_list", "amount"], name="price_list_amount")]


class SearchWord(models.Model):
    """A word of the catalog's products (letters only, in at least two products): what a mistyped
    search word is corrected to, on PostgreSQL. Rebuilt from the products by
    catalog.services.search_words_refresh (daily, and after a seed), never edited by hand."""

    word = models.CharField(max_length=100, primary_key=True)
    products = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Stock(models.Model):
    """A product's stock in one warehouse, and the next incoming delivery where known."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stock")
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    incoming_quantity = models.PositiveIntegerField(_("incoming quantity"), default=0)
    incoming_date = models.DateField(_("incoming date"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [models.UniqueConstraint(fields=["product", "warehouse"], name="stock_unique_per_warehouse")]


class Availability(models.Model):
    """A product's stock summed over the warehouses of one country; derived from Stock by
    catalog.services.availability_refresh, so a listing joins one row instead of summing."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="availability")
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    quantity = models.PositiveIntegerField(default=0)
    incoming_quantity = models.PositiveIntegerField(default=0)
    incoming_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        constraints = [models.UniqueConstraint(fields=["product", "country"], name="availability_unique_per_country")]
        indexes = [models.Index(fields=["country", "quantity"], name="availability_country_qty")]


def export_path(instance: "PriceListExport", filename: str) -> str:
    return f"exports/{instance.token}/{filename}"


class PriceListExport(models.Model):
    """A Price List file a contact asked for: built by a task when the listing is large."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")
        CSV = "csv", _("CSV")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.ForeignKey("accounts.Contact", on_delete=models.CASCADE, related_name="price_list_exports")
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    title = models.CharField(_("listing"), max_length=255)
    query = models.CharField(max_length=2000, blank=True)
    scope = models.CharField(max_length=200)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_path, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("price list export")
        verbose_name_plural = _("price list exports")

    @property
    def progress(self) -> int:
        if self.state == self.State.READY:
            return 100
        # The catalog may grow while the file is built: never past 99 until it is ready.
        return min(int(self.rows_written * 100 / self.total_rows), 99) if self.total_rows else 0
