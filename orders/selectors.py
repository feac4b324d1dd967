"""Reads of the orders domain, scoped to the contact's account."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from accounts.models import Contact
from catalog.models import Product
from catalog.selectors import Pricing, products_priced, rows_priced
from orders.models import CartLine, Invoice, Order, OrderEvent, OrderLine
from storefront.money import money


@dataclass
class CartRow:
    line: CartLine
    product: Product
    price: Decimal | None
    line_total: Decimal | None
    price_changed: bool
    available: int


@dataclass
class CartView:
    rows: list[CartRow] = field(default_factory=list)
    total: Decimal = Decimal("0.00")
    currency: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)


def cart_lines_priced(*, contact: Contact, pricing: Pricing) -> QuerySet[CartLine]:
    """The contact's cart lines with their products, each priced and stocked for the account: one query."""
    lines = CartLine.objects.filter(cart__contact=contact).select_related("product")
    return rows_priced(lines, pricing=pricing, via="product__")


def cart_for_page(*, contact: Contact, pricing: Pricing) -> CartView:
    """The contact's cart at today's prices and availability: two queries whatever its size."""
    lines = list(CartLine.objects.filter(cart__contact=contact).select_related("product").order_by("added_at", "id"))
    priced = products_priced(product_ids=[line.product_id for line in lines], pricing=pricing)
    view = CartView(currency=pricing.currency)
    for line in lines:
        product = priced.get(line.product_id, line.product)
        price = getattr(product, "price", None)
        total = money(price * line.quantity) if price is not None else None
        view.rows.append(
            CartRow(
                line=line,
                product=product,
                price=price,
                line_total=total,
                price_changed=price is not None and line.price_seen is not None and price != line.price_seen,
                available=getattr(product, "stock_quantity", 0) or 0,
            )
        )
        if total is not None:
            view.total += total
    return view


def order_list_for_account(*, contact: Contact, status: str = "", date_from=None, date_to=None) -> QuerySet[Order]:
    """The account's orders (every contact's), newest first, with who placed them."""
    orders = Order.objects.filter(account_id=contact.account_id).select_related("placed_by__user")
    if status:
        orders = orders.filter(state=status)
    if date_from:
        orders = orders.filter(placed_at__date__gte=date_from)
    if date_to:
        orders = orders.filter(placed_at__date__lte=date_to)
    return orders.order_by("-placed_at", "-id")


def order_for_page(*, contact: Contact, number: str) -> Order | None:
    """One order of the contact's account, with its lines and history: three queries."""
    return (
        Order.objects.filter(account_id=contact.account_id, number=number)
        .select_related("placed_by__user", "account", "invoice")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("at", "id")),
        )
        .first()
    )


def invoice_list_for_account(*, contact: Contact) -> QuerySet[Invoice]:
    """The account's invoices, newest first, with the number of the order or licensing order each bills: one query per page."""
    return (
        Invoice.objects.filter(account_id=contact.account_id)
        .select_related("order", "licence_order")
        .only(
            "number", "issued_at", "due_date", "amount", "currency", "paid_at", "order__number", "licence_order__number"
        )
        .order_by("-issued_at", "-id")
    )


def invoice_for_contact(*, contact: Contact, number: str) -> Invoice | None:
    """One invoice of the contact's account, or None (another account's invoice is not found)."""
    return Invoice.objects.filter(account_id=contact.account_id, number=number).first()
