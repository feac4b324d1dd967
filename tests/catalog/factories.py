from __future__ import annotations

from decimal import Decimal

import factory

from catalog.models import Availability, Brand, Category, Price, PriceList, Product, Stock, Warehouse


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class SubcategoryFactory(CategoryFactory):
    parent = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Subcategory {n}")
    slug = factory.Sequence(lambda n: f"subcategory-{n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU{n:06d}")
    mpn = factory.Sequence(lambda n: f"MPN-{n:06d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(SubcategoryFactory)
    attributes = factory.LazyFunction(dict)
    search_text = factory.LazyAttribute(lambda p: " ".join([p.name, p.brand.name, p.mpn, p.sku]).lower())


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    code = factory.Sequence(lambda n: f"PL{n}")
    name = factory.Sequence(lambda n: f"Price list {n}")
    currency = "MXN"


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.SubFactory(ProductFactory)
    amount = Decimal("100.00")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    country = "MX"


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    product = factory.SubFactory(ProductFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    quantity = 10


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    product = factory.SubFactory(ProductFactory)
    country = "MX"
    quantity = 10
