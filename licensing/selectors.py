"""Reads of volume licensing, already scoped: to the contact's account, or to the sales executive's."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Contact, User
from catalog.models import Product
from catalog.selectors import products_priced
from licensing.models import LicenceKey, LicenceOrder, LicenceOrderEvent, LicenceOrderLine, LicenceProduct
from licensing.services import licensing_pricing


def licence_products_for_order(*, contact: Contact, program: str) -> list[Product]:
    """The program's active products, priced for the account (`price`), by name: two queries."""
    ids = list(
        LicenceProduct.objects.filter(program=program, product__is_active=True)
        .order_by("product__name", "product_id")
        .values_list("product_id", flat=True)
    )
    priced = products_priced(product_ids=ids, pricing=licensing_pricing(contact.account))
    return [priced[pk] for pk in ids if pk in priced]


def vl_order_list_for_account(
    *, contact: Contact, query: str = "", status: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[LicenceOrder]:
    """The repository: the account's licensing orders, newest first, searchable by number, product
    (name or SKU) and date; kept without limit. One query per page, with who placed them."""
    orders = LicenceOrder.objects.filter(account_id=contact.account_id).select_related("placed_by__user", "invoice")
    query = (query or "").strip()
    if query:
        matching_lines = LicenceOrderLine.objects.filter(order=OuterRef("pk")).filter(
            Q(sku__icontains=query) | Q(name__icontains=query)
        )
        orders = orders.filter(Q(number__icontains=query) | Q(end_customer__icontains=query) | Exists(matching_lines))
    if status:
        orders = orders.filter(state=status)
    if date_from:
        orders = orders.filter(placed_at__date__gte=date_from)
    if date_to:
        orders = orders.filter(placed_at__date__lte=date_to)
    return orders.order_by("-placed_at", "-id")


def vl_order_for_page(*, account_id: int, number: str) -> LicenceOrder | None:
    """One licensing order of the account, with its lines, keys, history and invoice: four queries."""
    return (
        LicenceOrder.objects.filter(account_id=account_id, number=number)
        .select_related("placed_by__user", "account__sales_executive", "invoice", "replaced_by", "decided_by")
        .prefetch_related(
            Prefetch("lines", queryset=LicenceOrderLine.objects.order_by("id").prefetch_related("keys")),
            Prefetch("events", queryset=LicenceOrderEvent.objects.select_related("actor").order_by("at", "id")),
        )
        .first()
    )


def purchased_licences_for_account(*, contact: Contact) -> QuerySet[LicenceOrder]:
    """My Downloads, "purchased licenses": the account's processed and received orders with their
    lines and keys, newest first (three queries per page)."""
    return (
        LicenceOrder.objects.filter(account_id=contact.account_id, state__in=(LicenceOrder.State.PROCESSED, LicenceOrder.State.RECEIVED))
        .prefetch_related(Prefetch("lines", queryset=LicenceOrderLine.objects.order_by("id").prefetch_related("keys")))
        .order_by("-placed_at", "-id")
    )


def distributed_keys_for_account(*, contact: Contact, query: str = "") -> QuerySet[LicenceKey]:
    """My Downloads, "Distributed keys": every key handed out to the account, newest first, with its
    product and order: one query per page."""
    keys = (
        LicenceKey.objects.filter(line__order__account_id=contact.account_id, handed_out_at__isnull=False)
        .exclude(line__order__state=LicenceOrder.State.CANCELLED)
        .select_related("line__order")
    )
    query = (query or "").strip()
    if query:
        keys = keys.filter(Q(line__sku__icontains=query) | Q(line__name__icontains=query) | Q(line__order__number__icontains=query))
    return keys.order_by("-handed_out_at", "-id")


def replacement_candidates(*, order: LicenceOrder) -> QuerySet[LicenceOrder]:
    """The account's orders that could replace a processed order: open and not awaiting a decision,
    placed after it was processed, worth as much or more, and not already replacing another order."""
    if order.processed_at is None:
        return LicenceOrder.objects.none()
    return (
        LicenceOrder.objects.filter(account_id=order.account_id, placed_at__gte=order.processed_at, total__gte=order.total)
        .exclude(pk=order.pk)
        .exclude(state__in=LicenceOrder.CLOSED + LicenceOrder.AWAITING_DECISION)
        .filter(replaces__isnull=True)
        .order_by("-placed_at", "-id")
    )


def console_orders_for(*, user: User, held_only: bool = True) -> QuerySet[LicenceOrder]:
    """The sales executive's console: licensing orders of its own accounts (all accounts for a
    superuser), the held ones first by default, with account and contact: one query per page."""
    orders = LicenceOrder.objects.select_related("account", "placed_by__user")
    if not user.is_superuser:
        orders = orders.filter(account__sales_executive=user)
    if held_only:
        orders = orders.filter(state__in=LicenceOrder.AWAITING_DECISION)
    return orders.order_by("placed_at", "id") if held_only else orders.order_by("-placed_at", "-id")


def console_order_for(*, user: User, number: str) -> LicenceOrder | None:
    """One licensing order of the sales executive's accounts, or None (another executive's is not found)."""
    account_filter = {} if user.is_superuser else {"account__sales_executive": user}
    order = LicenceOrder.objects.filter(number=number, **account_filter).values_list("account_id", flat=True).first()
    if order is None:
        return None
    return vl_order_for_page(account_id=order, number=number)


def order_replaced_by(*, order: LicenceOrder) -> str | None:
    """The number of the cancelled order this order replaces, or None: one query. (Added for the
    reseller's order page, which then offers no "Cancel order" the service would refuse.)"""
    return LicenceOrder.objects.filter(replaced_by=order, account_id=order.account_id).values_list("number", flat=True).first()
