"""Volume licensing of Mexico (all four programs) and of Colombia (Open Value only), with prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.models import Product
from licensing import services
from licensing.models import LicenceOrder, LicenceProduct, Program, ProgramOffer
from tests.catalog.factories import BrandFactory, CategoryFactory, PriceFactory, ProductFactory, SubcategoryFactory

VL_PRODUCTS = {
    # key: (sku, name, program, product type, list price in the base list, Windows Legal, delivers a key)
    "office": ("VL-MS-0001", "Office LTSC Standard 2024 Open Value", Program.OPEN_VALUE, Product.Type.LICENCE, "9000.00", False, True),
    "server": ("VL-MS-0002", "Windows Server 2022 Standard Open Value", Program.OPEN_VALUE, Product.Type.LICENCE, "18000.00", False, True),
    "legal": ("VL-MS-0003", "Windows 11 Pro Legalization Open Value", Program.OPEN_VALUE, Product.Type.LICENCE, "4500.00", True, False),
    "m365": ("VL-MS-0004", "Microsoft 365 Business Standard Open Value Subscription", Program.OPEN_VALUE_SUBSCRIPTION, Product.Type.CLOUD, "2500.00", False, False),
    "school": ("VL-MS-0005", "Microsoft 365 A3 School", Program.SCHOOL, Product.Type.CLOUD, "1200.00", False, False),
    "cal": ("VL-MS-0006", "Windows Server 2022 User CAL Open Business", Program.OPEN_BUSINESS, Product.Type.LICENCE, "900.00", False, False),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Invoices and eCertificates written by these tests land in a folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def vl_catalog(db, price_lists) -> dict[str, Product]:
    """The six licensing products, priced in the base list (Acme's gold list inherits) and in pesos."""
    for program in Program.values:
        ProgramOffer.objects.create(program=program, country="MX")
    ProgramOffer.objects.create(program=Program.OPEN_VALUE, country="CO")
    licensing = CategoryFactory(name="Licensing", slug="licensing")
    volume = SubcategoryFactory(name="Volume Licensing", slug="volume-licensing", parent=licensing)
    microsoft = BrandFactory(name="Microsoft", slug="microsoft")
    products = {}
    for key, (sku, name, program, kind, price, legal, key_delivered) in VL_PRODUCTS.items():
        product = ProductFactory(sku=sku, mpn=sku.replace("-", ""), name=name, brand=microsoft, category=volume, product_type=kind)
        LicenceProduct.objects.create(product=product, program=program, windows_legal=legal, delivers_key=key_delivered)
        PriceFactory(price_list=price_lists["base"], product=product, amount=Decimal(price))
        PriceFactory(price_list=price_lists["cop"], product=product, amount=Decimal(price) * 220)
        products[key] = product
    return products


def place_vl(contact, *, items, program: str = Program.OPEN_VALUE, key: str = "k" * 32, end_customer: str = "Colegio Azteca") -> LicenceOrder:
    """Place a licensing order through the service: items are (product, quantity, special price or None)."""
    return services.vl_order_place(
        contact=contact,
        program=program,
        end_customer=end_customer,
        lines=[
            services.LineRequest(product_id=product.pk, quantity=quantity, requested_price=Decimal(price) if price else None)
            for product, quantity, price in items
        ],
        submission_key=key,
    )


@pytest.fixture
def licensing_contact(contact):
    """The ordinary contact of Acme, allowed volume licensing and downloads."""
    contact.can_license = True
    contact.can_download = True
    contact.save(update_fields=["can_license", "can_download"])
    return contact


@pytest.fixture
def held_order(licensing_contact, vl_catalog) -> LicenceOrder:
    """10 Office at a special 8,000.00 (list 9,000.00) and 2 Windows Server at list: on hold."""
    return place_vl(licensing_contact, items=[(vl_catalog["office"], 10, "8000.00"), (vl_catalog["server"], 2, None)])


# --- added with the service tests: orders brought to each state through the services --------------


@pytest.fixture
def vl_order_in(licensing_contact, vl_catalog, sales_executive, back_office):
    """A function making an order of Acme in the state asked, each step through its own service.

    The order is 1 Office LTSC (list 9,000.00): at list price unless the path goes through "on hold",
    where 8,000.00 is asked. Each call uses a new submission key.
    """
    from licensing.models import LicenceKey

    made = iter(range(1, 1000))

    def make(state: str, *, items=None, program: str = Program.OPEN_VALUE) -> LicenceOrder:
        key = f"state-{next(made):03d}-" + "k" * 20
        held_path = state in (LicenceOrder.State.ON_HOLD, LicenceOrder.State.COUNTER_OFFER, LicenceOrder.State.APPROVED, LicenceOrder.State.REJECTED)
        if items is None:
            items = [(vl_catalog["office"], 1, "8000.00" if held_path else None)]
        order = place_vl(licensing_contact, items=items, key=key, program=program)
        if state == LicenceOrder.State.COUNTER_OFFER:
            prices = {line.pk: line.unit_price + Decimal("500.00") for line in order.lines.all()}
            order = services.vl_order_counter_offer(actor=sales_executive, order=order, prices=prices)
        elif state == LicenceOrder.State.APPROVED:
            order = services.vl_order_approve(actor=sales_executive, order=order)
        elif state == LicenceOrder.State.REJECTED:
            order = services.vl_order_reject(actor=sales_executive, order=order, reason="Price too low")
        elif state == LicenceOrder.State.CANCELLED:
            order = services.vl_order_cancel(actor=licensing_contact.user, order=order)
        elif state in (LicenceOrder.State.SENT, LicenceOrder.State.PROCESSED, LicenceOrder.State.RECEIVED):
            order = services.vl_order_move(actor=back_office, order=order, to_state=LicenceOrder.State.SENT)
            if state in (LicenceOrder.State.PROCESSED, LicenceOrder.State.RECEIVED):
                # The back office records the manufacturer's number on the order before "processed".
                LicenceOrder.objects.filter(pk=order.pk).update(authorization_number=f"AUTH-{order.pk}")
                order = services.vl_order_move(actor=back_office, order=order, to_state=LicenceOrder.State.PROCESSED)
            if state == LicenceOrder.State.RECEIVED:
                for line in order.lines.all():
                    if line.product.licensing.delivers_key:
                        LicenceKey.objects.create(line=line, key=f"KEY-{line.pk}-0001")
                order = services.vl_order_move(actor=back_office, order=order, to_state=LicenceOrder.State.RECEIVED)
        order.refresh_from_db()
        assert order.state == state
        return order

    return make
