"""The RMA part of the demo data: service centres for the demo countries, and for each demo account
delivered orders whose lines carry serial numbers, plus one request in each state.

Idempotent: centres are found by country and name, the orders by their submission key, and the
requests are made only for an account that has none yet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from django.db import transaction

from accounts.models import Account, Contact, User
from catalog.models import Price, Product
from orders.models import Order, OrderEvent, OrderLine
from rma import services
from rma.models import RmaRequest, ServiceCentre, ShippedSerials
from storefront.money import money

SERVICE_CENTRES = [
    {
        "country": "MX", "name": "Service Centre Ciudad de México", "address": "Calz. de Tlalpan 1250", "city": "Ciudad de México",
        "phone": "+52 55 5555 0300", "email": "rma.mx@distributor.test", "hours": "Mon–Fri 9:00–18:00, Sat 9:00–13:00", "position": 1,
    },
    {
        "country": "MX", "name": "Service Centre Monterrey", "address": "Av. Constitución 400", "city": "Monterrey",
        "phone": "+52 81 5555 0310", "email": "rma.mty@distributor.test", "hours": "Mon–Fri 9:00–18:00", "position": 2,
    },
    {
        "country": "CO", "name": "Centro de Servicio Bogotá", "address": "Calle 26 # 68C-61", "city": "Bogotá",
        "phone": "+57 601 555 0300", "email": "rma.co@distributor.test", "hours": "Lun–Vie 8:00–17:00", "position": 1,
    },
]

# Each demo order: (units per line); the products are the account's first priced hardware.
DEMO_ORDERS = [(4, 2), (3, 2)]
STATE_PATH = [Order.State.PROCESSING, Order.State.SHIPPED, Order.State.DELIVERED]


def _hardware(account: Account, count: int) -> list[tuple[Product, Decimal]]:
    # The account's own list first, then the list it extends.
    lists = [pk for pk in (account.price_list_id, account.price_list.base_id) if pk]
    found: dict[int, tuple[Product, Decimal]] = {}
    for price_list_id in lists:
        prices = (
            Price.objects.filter(price_list_id=price_list_id, product__is_active=True, product__product_type=Product.Type.HARDWARE)
            .exclude(product_id__in=list(found))
            .select_related("product")
            .order_by("product__sku")[: count - len(found)]
        )
        for price in prices:
            found[price.product_id] = (price.product, price.amount)
        if len(found) >= count:
            break
    return list(found.values())


def _delivered_order(account: Account, contact: Contact, actor: User, index: int, units: tuple[int, ...]) -> Order | None:
    key = f"demo-rma-{account.customer_code}-{index}"
    order = Order.objects.filter(submission_key=key).first()
    if order is not None:
        return order
    products = _hardware(account, len(units))
    if len(products) < len(units):
        return None
    order = Order.objects.create(
        account=account, placed_by=contact, shipment_type=Order.Shipment.DELIVERY,
        payment_method=Order.Payment.WIRE, currency=account.currency, submission_key=key, state=Order.State.DELIVERED,
    )
    total = Decimal("0.00")
    for (product, price), quantity in zip(products, units):
        line = OrderLine.objects.create(
            order=order, product=product, sku=product.sku, name=product.name, unit_price=price, quantity=quantity,
            line_total=money(price * quantity),
        )
        total += line.line_total
        ShippedSerials.objects.create(
            order_line=line, serials=[f"{account.country}{order.pk:04d}{line.pk:04d}{n:02d}" for n in range(1, quantity + 1)]
        )
    order.total = total
    order.save(update_fields=["total"])
    OrderEvent.objects.create(order=order, actor=contact.user, to_state=Order.State.PLACED, note="placed")
    previous = Order.State.PLACED
    for state in STATE_PATH:
        OrderEvent.objects.create(order=order, actor=actor, from_state=previous, to_state=state, note="demo data")
        previous = state
    return order


def _one_in_each_state(account: Account, contact: Contact, actor: User, order: Order) -> int:
    centre = ServiceCentre.objects.filter(country=account.country).order_by("position", "id").first()
    claims = [(line, serial) for line in order.lines.select_related("shipped_serials") for serial in line.shipped_serials.serials]
    paths = {
        RmaRequest.State.SUBMITTED: [],
        RmaRequest.State.UNDER_REVIEW: [("under_review", {})],
        RmaRequest.State.APPROVED: [("under_review", {}), ("approved", {"service_centre": centre, "return_instructions": services.return_instructions_default()})],
        RmaRequest.State.RECEIVED: [("under_review", {}), ("approved", {"service_centre": centre, "return_instructions": services.return_instructions_default()}), ("received", {})],
        RmaRequest.State.RESOLVED: [("under_review", {}), ("approved", {"service_centre": centre, "return_instructions": services.return_instructions_default()}), ("received", {}), ("resolved", {"resolution": "repaired"})],
        RmaRequest.State.REJECTED: [("under_review", {}), ("rejected", {"rejection_reason": "Physical damage is not covered by the warranty."})],
    }
    made = 0
    for (state, path), (line, serial) in zip(paths.items(), claims):
        rma = services.rma_submit(
            contact=contact, order_number=order.number, order_line_id=line.pk, quantity=1,
            claim_type=RmaRequest.ClaimType.DEFECTIVE, details=f"Demo request, now {RmaRequest.State(state).label.lower()}.",
            serial_number=serial, contact_name=contact.full_name, contact_email=contact.user.email, contact_phone=contact.telephone,
        )
        for to_state, extra in path:
            if to_state == "approved" and centre is None:
                break
            rma = services.rma_move(actor=actor, rma=rma, to_state=to_state, note="demo data", **extra)
        made += 1
    return made


@transaction.atomic
def rma_demo_seed(*, actor: User, customer_codes: list[str], stdout: TextIO) -> None:
    """Service centres, delivered orders with serial numbers, and one request in each state per account."""
    for spec in SERVICE_CENTRES:
        ServiceCentre.objects.get_or_create(country=spec["country"], name=spec["name"], defaults=spec)
    for account in Account.objects.filter(customer_code__in=customer_codes, price_list__isnull=False).order_by("customer_code"):
        contact = account.contacts.filter(is_admin=True, can_rma=True).select_related("user").order_by("id").first()
        if contact is None:
            continue
        orders = [_delivered_order(account, contact, actor, n, units) for n, units in enumerate(DEMO_ORDERS, start=1)]
        if orders[0] is None or RmaRequest.objects.filter(account=account).exists():
            continue
        made = _one_in_each_state(account, contact, actor, orders[0])
        stdout.write(f"  {account.customer_code}: delivered orders {', '.join(o.number for o in orders if o)}; {made} RMA requests")
