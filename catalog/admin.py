from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from catalog import services
from catalog.models import Brand, Category, Price, PriceList, PriceListExport, Product, Stock, Warehouse
from catalog.selectors import category_tree_forget
from storefront.admin import AccountScoped


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "position", "slug")
    list_filter = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)

    def save_model(self, request: HttpRequest, obj: Category, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        category_tree_forget()

    def delete_model(self, request: HttpRequest, obj: Category) -> None:
        super().delete_model(request, obj)
        category_tree_forget()


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0
    raw_id_fields = ("price_list",)


class StockInline(admin.TabularInline):
    model = Stock
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "brand", "category", "product_type", "is_active")
    list_filter = ("product_type", "is_active", "brand")
    search_fields = ("sku", "mpn", "name")
    list_select_related = ("brand", "category", "category__parent")
    raw_id_fields = ("category",)
    inlines = [PriceInline, StockInline]
    show_full_result_count = False

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # What listings read is derived: the search text, the per-country availability and the
        # subcategory's attribute filters follow every edit made here.
        product = form.instance
        services.product_search_text_refresh(product_ids=[product.pk])
        services.availability_refresh(product_ids=[product.pk])
        services.category_refresh_filters(category_ids=[product.category_id])


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "currency", "base")
    list_select_related = ("base",)


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    """A warehouse's country or existence decides which country's availability its stock counts in:
    changing or deleting one sums its products' availability again."""

    list_display = ("code", "name", "country")
    list_filter = ("country",)

    def save_model(self, request: HttpRequest, obj: Warehouse, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "country" in form.changed_data:
            services.availability_refresh(product_ids=list(obj.stock.values_list("product_id", flat=True)))

    def delete_model(self, request: HttpRequest, obj: Warehouse) -> None:
        product_ids = list(obj.stock.values_list("product_id", flat=True))
        super().delete_model(request, obj)
        services.availability_refresh(product_ids=product_ids)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        product_ids = list(Stock.objects.filter(warehouse__in=queryset).values_list("product_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        services.availability_refresh(product_ids=product_ids)


@admin.register(PriceListExport)
class PriceListExportAdmin(AccountScoped, admin.ModelAdmin):
    """The Price List files contacts asked for: their account's prices, so their account's staff only."""

    account_path = "contact__account"
    list_display = ("created_at", "contact", "title", "file_format", "state", "total_rows")
    list_filter = ("state", "file_format")
    list_select_related = ("contact__user",)
    readonly_fields = [f.name for f in PriceListExport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
