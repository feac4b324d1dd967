"""The volume licensing part of the demo data: the programs each country offers, licensing products of
every program priced in the base lists, and for Acme Reseller a special-price order held for its
sales executive and a received order with its authorization number, keys, invoice and eCertificate.

Orders go through the services, as a reseller and the back office would make them. Idempotent:
offers are found by program and country, products by SKU, prices by list and product, and each
order by its submission key (an order already made is left as it is).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Account, Contact, User
from catalog.models import Brand, Category, Price, PriceList, Product, Stock, Warehouse
from catalog.selectors import products_priced
from catalog.services import availability_refresh
from licensing import services
from licensing.models import LicenceOrder, LicenceProduct, Program, ProgramOffer
from orders.invoices import invoice_issue

# Mexico offers every program; the others only some, and most countries none.
PROGRAMS_BY_COUNTRY = {
    "MX": [Program.OPEN_BUSINESS, Program.OPEN_VALUE, Program.OPEN_VALUE_SUBSCRIPTION, Program.SCHOOL],
    "CO": [Program.OPEN_BUSINESS, Program.OPEN_VALUE],
    "CL": [Program.OPEN_VALUE, Program.OPEN_VALUE_SUBSCRIPTION],
    "PE": [Program.OPEN_VALUE],
    "US": [Program.OPEN_VALUE, Program.SCHOOL],
}

# (SKU, name, program, subcategory under "Licensing", product type, USD price, Windows Legal, delivers a key)
PRODUCTS = [
    ("VL-OB-0001", "Office LTSC Standard 2024 Open Business", Program.OPEN_BUSINESS, "Open Business", Product.Type.LICENCE, "410.00", False, True),
    ("VL-OB-0002", "Windows Server 2022 User CAL Open Business", Program.OPEN_BUSINESS, "Open Business", Product.Type.LICENCE, "48.00", False, False),
    ("VL-OV-0001", "Office LTSC Standard 2024 Open Value", Program.OPEN_VALUE, "Open Value", Product.Type.LICENCE, "495.00", False, True),
    ("VL-OV-0002", "Windows Server 2022 Standard 16 Core Open Value", Program.OPEN_VALUE, "Open Value", Product.Type.LICENCE, "990.00", False, True),
    ("VL-OV-0003", "Windows 11 Pro Legalization Get Genuine Open Value", Program.OPEN_VALUE, "Windows Legalization", Product.Type.LICENCE, "245.00", True, False),
    ("VL-OS-0001", "Microsoft 365 Business Standard Open Value Subscription (1 year)", Program.OPEN_VALUE_SUBSCRIPTION, "Open Value Subscription", Product.Type.CLOUD, "150.00", False, False),
    ("VL-OS-0002", "Windows 11 Enterprise E3 Open Value Subscription (1 year)", Program.OPEN_VALUE_SUBSCRIPTION, "Open Value Subscription", Product.Type.LICENCE, "96.00", False, True),
    ("VL-SC-0001", "Microsoft 365 A3 for Students School (1 year)", Program.SCHOOL, "School Agreements", Product.Type.CLOUD, "30.00", False, False),
    ("VL-SC-0002", "Windows 11 Education Upgrade School", Program.SCHOOL, "School Agreements", Product.Type.LICENCE, "62.00", False, True),
]
# Local prices from the USD list price, as the catalog seed converts them.
RATES = {"USD": Decimal("1"), "MXN": Decimal("18.20"), "COP": Decimal("3640")}
DIGITAL_STOCK = 999

AUTHORIZATION_NUMBER = "V4418290"
# Made up, in the manufacturers' five-by-five shape.
OFFICE_KEYS = ["8NWQF-3TJ7C-KX2PV-9HM4R-6YGDB", "Q4D7M-XC9VB-72JTR-HP3WK-8FNGY", "T2KXB-J7VRM-4WQ9C-D8G6P-3HYFN"]


def _subcategory(name: str) -> Category:
    """The subcategory of the catalog's "Licensing" category, made if the catalog lacks it."""
    parent = Category.objects.filter(name="Licensing", parent__isnull=True).first()
    if parent is None:
        parent = Category.objects.create(name="Licensing", slug=_free_slug("licensing"))
    child = Category.objects.filter(name=name, parent=parent).first()
    if child is None:
        child = Category.objects.create(name=name, slug=_free_slug(f"licensing-{slugify(name)}"), parent=parent)
    return child


def _free_slug(slug: str) -> str:
    candidate, n = slug, 1
    while Category.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _products() -> dict[str, Product]:
    brand = Brand.objects.filter(name="Microsoft").first() or Brand.objects.create(name="Microsoft", slug=_brand_slug())
    made: dict[str, Product] = {}
    for sku, name, program, subcategory, kind, usd, legal, key in PRODUCTS:
        product = Product.objects.filter(sku=sku).first()
        if product is None:
            product = Product(
                sku=sku, mpn=sku.replace("-", ""), name=name, brand=brand, category=_subcategory(subcategory), product_type=kind,
                attributes={"Programme": str(Program(program).label)},
                description="Licence delivered to My Downloads, with its eCertificate 24 hours after it is received.",
            )
            product.search_text = product.build_search_text()
            product.save()
        LicenceProduct.objects.get_or_create(product=product, defaults={"program": program, "windows_legal": legal, "delivers_key": key})
        for price_list in PriceList.objects.filter(base__isnull=True, currency__in=RATES):
            Price.objects.get_or_create(price_list=price_list, product=product, defaults={"amount": (Decimal(usd) * RATES[price_list.currency]).quantize(Decimal("0.01"))})
        made[sku] = product
    _stock(made.values())
    return made


def _brand_slug() -> str:
    slug, n = "microsoft", 1
    while Brand.objects.filter(slug=slug).exists():
        n += 1
        slug = f"microsoft-{n}"
    return slug


def _stock(products) -> None:
    """Licences never run out: they show the digital stock in one warehouse of each country."""
    warehouses: dict[str, Warehouse] = {}
    for warehouse in Warehouse.objects.order_by("country", "code"):
        warehouses.setdefault(warehouse.country, warehouse)
    changed = []
    for product in products:
        for warehouse in warehouses.values():
            _row, made = Stock.objects.get_or_create(product=product, warehouse=warehouse, defaults={"quantity": DIGITAL_STOCK})
            if made:
                changed.append(product.pk)
    if changed:
        availability_refresh(product_ids=sorted(set(changed)))


def _licensing_contact(account: Account) -> Contact | None:
    """The account's contact allowed volume licensing; its administrator is given the permission if none has it."""
    contacts = account.contacts.filter(state=Contact.State.ACTIVE).select_related("user").order_by("-is_admin", "id")
    contact = contacts.filter(can_license=True).first()
    if contact is None:
        contact = contacts.first()
        if contact is None:
            return None
        contact.can_license = True
    if not contact.can_download:
        contact.can_download = True
    contact.save(update_fields=["can_license", "can_download"])
    return contact


def _held_order(contact: Contact, products: dict[str, Product]) -> LicenceOrder:
    """Ten Office licences at a special price below the list price, and two servers at list: on hold."""
    key = f"demo-vl-{contact.account.customer_code}-held"
    existing = LicenceOrder.objects.filter(submission_key=key).first()
    if existing is not None:
        return existing
    office, server = products["VL-OV-0001"], products["VL-OV-0002"]
    list_price = products_priced(product_ids=[office.pk], pricing=services.licensing_pricing(contact.account))[office.pk].price
    return services.vl_order_place(
        contact=contact, program=Program.OPEN_VALUE, end_customer="Colegio Azteca de Coyoacán", end_customer_tax_id="CAC850101KJ3",
        lines=[
            services.LineRequest(product_id=office.pk, quantity=10, requested_price=(list_price * Decimal("0.88")).quantize(Decimal("0.01"))),
            services.LineRequest(product_id=server.pk, quantity=2),
        ],
        observations="Renewal for the school's admin offices; the customer's budget is fixed.",
        submission_key=key,
    )


def _received_order(contact: Contact, actor: User, products: dict[str, Product]) -> LicenceOrder:
    """An order at list prices taken all the way: sent, processed, keys, received, invoiced, eCertificate."""
    key = f"demo-vl-{contact.account.customer_code}-received"
    existing = LicenceOrder.objects.filter(submission_key=key).first()
    if existing is not None:
        return existing
    office, legal = products["VL-OV-0001"], products["VL-OV-0003"]
    order = services.vl_order_place(
        contact=contact, program=Program.OPEN_VALUE, end_customer="Despacho Contable Reforma SC", end_customer_tax_id="DCR100315QW8",
        lines=[services.LineRequest(product_id=office.pk, quantity=3), services.LineRequest(product_id=legal.pk, quantity=5)],
        submission_key=key,
    )
    order = services.vl_order_move(actor=actor, order=order, to_state=LicenceOrder.State.SENT, note="demo data")
    # The authorization number is what the back office types on the order's page before "Mark processed".
    LicenceOrder.objects.filter(pk=order.pk).update(authorization_number=AUTHORIZATION_NUMBER)
    order = services.vl_order_move(actor=actor, order=order, to_state=LicenceOrder.State.PROCESSED, note="demo data")
    office_line = order.lines.get(product=office)
    services.vl_keys_record(actor=actor, order=order, keys={office_line.pk: OFFICE_KEYS})
    order = services.vl_order_move(actor=actor, order=order, to_state=LicenceOrder.State.RECEIVED, note="demo data")
    invoice_issue(actor=actor, licence_order=order)
    # The demo shows the eCertificate at once: its 24 hours are taken as passed.
    LicenceOrder.objects.filter(pk=order.pk).update(certificate_due_at=timezone.now() - timedelta(minutes=1))
    services.vl_certificate_release(order_id=order.pk)
    order.refresh_from_db()
    return order


@transaction.atomic
def licensing_demo_seed(*, actor: User, customer_codes: list[str], stdout: TextIO) -> None:
    """Programs per country, licensing products of each program, and Acme's held and received orders."""
    for country, programs in PROGRAMS_BY_COUNTRY.items():
        for program in programs:
            ProgramOffer.objects.get_or_create(country=country, program=program)
    products = _products()
    # The orders are Mexican: every program is offered there.
    for account in Account.objects.filter(customer_code__in=customer_codes, country="MX", price_list__isnull=False).order_by("customer_code"):
        contact = _licensing_contact(account)
        if contact is None:
            continue
        held = _held_order(contact, products)
        received = _received_order(contact, actor, products)
        stdout.write(f"  {account.customer_code}: licensing orders {held.number} ({held.state}), {received.number} ({received.state})")
