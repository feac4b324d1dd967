"""Every write of the orders domain: the cart, placing an order on the credit line, its states.

Placing an order is one transaction that locks, in this order, the account (its credit), the cart's
lines and the stock rows of the ordered products (sorted by product and warehouse, so two orders never
wait on each other in a circle). Prices are read again inside it. Refusals raise OrderError with the
line and the reason, and leave the cart as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, User
from catalog.models import Product, Stock
from catalog.selectors import Pricing, products_by_code, products_priced
from catalog.services import availability_refresh
from orders.models import Cart, CartLine, Order, OrderEvent, OrderLine, StockAllocation
from orders.shipping import shipment_types_for
from storefront.emails import email_queue
from storefront.errors import DomainError
from storefront.money import money

MAX_QUANTITY = 9999


class OrderError(DomainError):
    """A cart or order action refused, with the reason and, where it applies, the cart line or field."""

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None) -> None:
        super().__init__(message, field=field)
        self.line = line


@dataclass(frozen=True)
class BulkProblem:
    line: int
    text: str
    reason: str


# --- the cart -------------------------------------------------------------------------------------


def _pricing(contact: Contact) -> Pricing:
    pricing = Pricing.for_contact(contact)
    if pricing is None or not (contact.can_order or contact.can_quote):
        raise OrderError(_("Your user cannot buy: ask your account administrator for the permission."))
    return pricing


def _check_quantity(quantity: int, *, field: str = "quantity") -> None:
    if not isinstance(quantity, int) or quantity < 1 or quantity > MAX_QUANTITY:
        raise OrderError(_("The amount must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}, field=field)


def _cart(contact: Contact) -> Cart:
    cart, _created = Cart.objects.get_or_create(contact=contact)
    return cart


def _orderable(product: Product, priced: Product | None) -> str | None:
    """Why the product cannot go in the cart, or None."""
    if not product.is_active:
        return _("This product is no longer sold.")
    if priced is None or priced.price is None:
        return _("This product has no price for your account: ask your sales executive.")
    if getattr(priced, "licensing_program", None):
        return _("Volume licensing is ordered from the Volume Licensing page, not through the cart.")
    return None


def _add(cart: Cart, product: Product, quantity: int, price: Decimal) -> CartLine:
    line = CartLine.objects.select_for_update().filter(cart=cart, product=product).first()
    if line is None:
        try:
            with transaction.atomic():
                return CartLine.objects.create(cart=cart, product=product, quantity=quantity, price_seen=price)
        except IntegrityError:  # added meanwhile by another request of the same contact
            line = CartLine.objects.select_for_update().get(cart=cart, product=product)
    if line.quantity + quantity > MAX_QUANTITY:
        raise OrderError(_("The amount must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}, field="quantity")
    line.quantity = F("quantity") + quantity
    line.save(update_fields=["quantity"])
    line.refresh_from_db(fields=["quantity"])
    return line


@transaction.atomic
def cart_add(*, contact: Contact, product: Product, quantity: int) -> CartLine:
    """Add to cart: a new line, or more of a product already in the cart."""
    pricing = _pricing(contact)
    _check_quantity(quantity)
    priced = products_priced(product_ids=[product.pk], pricing=pricing).get(product.pk)
    reason = _orderable(product, priced)
    if reason:
        raise OrderError(reason)
    return _add(_cart(contact), product, quantity, priced.price)


@transaction.atomic
def cart_add_by_code(*, contact: Contact, code: str, quantity: int) -> CartLine:
    """Add item to cart: by SKU or part number."""
    _pricing(contact)
    product = products_by_code([code]).get(code.strip().upper())
    if product is None:
        raise OrderError(_("No product has the SKU or part number “%(code)s”.") % {"code": code.strip()}, field="code")
    return cart_add(contact=contact, product=product, quantity=quantity)


def cart_add_many(*, contact: Contact, rows: list[tuple[int, str, str]]) -> tuple[list[CartLine], list[BulkProblem]]:
    """Add multiple products: every good row is added (all together), every bad one is reported."""
    pricing = _pricing(contact)
    products = products_by_code([code for _line, code, _qty in rows])
    priced = products_priced(product_ids=[p.pk for p in products.values()], pricing=pricing)
    good: list[tuple[int, str, Product, int]] = []
    problems: list[BulkProblem] = []
    for number, code, raw_quantity in rows:
        text = f"{code} {raw_quantity}".strip()
        product = products.get(code.strip().upper())
        if product is None:
            problems.append(BulkProblem(number, text, _("Unknown SKU or part number.")))
            continue
        try:
            quantity = int(raw_quantity.strip())
        except ValueError:
            quantity = 0
        if not 1 <= quantity <= MAX_QUANTITY or not raw_quantity.strip().isdigit():
            problems.append(BulkProblem(number, text, _("The amount is not a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}))
            continue
        reason = _orderable(product, priced.get(product.pk))
        if reason:
            problems.append(BulkProblem(number, text, reason))
            continue
        good.append((number, text, product, quantity))
    if not rows:
        raise OrderError(_("Enter at least one line: a SKU or part number and an amount."), field="lines")
    added: list[CartLine] = []
    with transaction.atomic():
        cart = _cart(contact)
        for number, text, product, quantity in good:
            try:
                with transaction.atomic():
                    added.append(_add(cart, product, quantity, priced[product.pk].price))
            except OrderError as exc:  # e.g. the cart would hold more than the maximum
                problems.append(BulkProblem(number, text, exc.message))
    problems.sort(key=lambda problem: problem.line)
    return added, problems


@transaction.atomic
def cart_update(*, contact: Contact, quantities: dict[int, int]) -> None:
    """"update": set the amounts of the cart's lines (0 removes a line)."""
    lines = {line.pk: line for line in CartLine.objects.select_for_update().filter(cart__contact=contact, pk__in=quantities)}
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            continue  # removed meanwhile, or not this contact's
        if quantity == 0:
            line.delete()
            continue
        _check_quantity(quantity, field=f"quantity-{line_id}")
        if line.quantity != quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])


@transaction.atomic
def cart_remove(*, contact: Contact, line_id: int) -> None:
    """"remove": the line leaves the cart."""
    CartLine.objects.filter(cart__contact=contact, pk=line_id).delete()


def cart_count(*, contact: Contact) -> int:
    return CartLine.objects.filter(cart__contact=contact).count()


# --- placing an order -----------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _number(order: Order) -> str:
    return f"SO{order.pk:08d}"


@transaction.atomic
def order_place(
    *,
    contact: Contact,
    shipment_type: str,
    payment_method: str,
    observations: str,
    submission_key: str,
    expected_total: Decimal | None = None,
) -> Order:
    """"Finish order": the cart becomes an order, with stock reserved and credit taken, or nothing."""
    if not contact.can_order:
        raise OrderError(_("Your user cannot place orders: ask your account administrator for the permission."))
    pricing = _pricing(contact)
    if shipment_type not in Order.Shipment.values:
        raise OrderError(_("Choose a shipment type."), field="shipment_type")
    if payment_method not in Order.Payment.values:
        raise OrderError(_("Choose a payment method."), field="payment_method")
    # The account's row is the lock that puts one order at a time on its credit line; a second press
    # of "Finish order" waits here, then finds the order the first one made.
    account = Account.objects.select_for_update().get(pk=contact.account_id)
    if shipment_type not in dict(shipment_types_for(account.country)):
        raise OrderError(_("This shipment type is not offered in your country."), field="shipment_type")
    existing = Order.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.placed_by_id != contact.pk:
            raise OrderError(_("This order form was already used. Start again from your cart."))
        return existing
    if account.is_blocked:
        raise OrderError(_("Your account is blocked: contact your sales executive."))

    # of=("self",): lock the lines, not the products and cart they join; in product order, like the stock.
    lines = list(
        CartLine.objects.select_for_update(of=("self",)).filter(cart__contact=contact).select_related("product").order_by("product_id")
    )
    if not lines:
        raise OrderError(_("Your cart is empty."))
    product_ids = sorted({line.product_id for line in lines})
    priced = products_priced(product_ids=product_ids, pricing=pricing)
    stock_rows = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(product_id__in=product_ids, warehouse__country=account.country)
        .select_related("warehouse")
        .order_by("product_id", "warehouse_id")
    )
    stock_by_product: dict[int, list[Stock]] = {}
    for row in stock_rows:
        stock_by_product.setdefault(row.product_id, []).append(row)

    total = Decimal("0.00")
    for line in lines:
        reason = _orderable(line.product, priced.get(line.product_id))
        if reason:
            raise OrderError(f"{line.product.sku}: {reason}", line=line.pk)
        available = sum(row.quantity for row in stock_by_product.get(line.product_id, []))
        if line.quantity > available:
            raise OrderError(
                _("%(sku)s: you asked for %(asked)d, only %(available)d are available.")
                % {"sku": line.product.sku, "asked": line.quantity, "available": available},
                line=line.pk,
            )
        total += money(priced[line.product_id].price * line.quantity)

    if expected_total is not None and total != expected_total:
        # The page showed another total (a price changed meanwhile): the reseller confirms the new one.
        raise OrderError(
            _("Prices changed since this page was shown: the total is now %(total)s %(currency)s. Check it and press Finish order again.")
            % {"total": _amount(total), "currency": account.currency},
            field="expected_total",
        )
    credit_taken = Decimal("0.00")
    if payment_method == Order.Payment.CREDIT:
        if total > account.credit_available:
            raise OrderError(
                _("The order (%(total)s %(currency)s) exceeds your available credit (%(available)s %(currency)s) by %(missing)s %(currency)s.")
                % {
                    "total": _amount(total),
                    "available": _amount(account.credit_available),
                    "missing": _amount(total - account.credit_available),
                    "currency": account.currency,
                },
                field="payment_method",
            )
        credit_taken = total
        account.credit_used = F("credit_used") + total
        account.save(update_fields=["credit_used"])

    order = Order.objects.create(
        number=submission_key[:20],
        account=account,
        placed_by=contact,
        shipment_type=shipment_type,
        payment_method=payment_method,
        observations=observations.strip()[:1000],
        currency=account.currency,
        total=total,
        credit_taken=credit_taken,
        submission_key=submission_key,
    )
    order.number = _number(order)
    order.save(update_fields=["number"])
    # Locked in product order; the order keeps the cart's order.
    for line in sorted(lines, key=lambda cart_line: (cart_line.added_at, cart_line.pk)):
        price = priced[line.product_id].price
        order_line = OrderLine.objects.create(
            order=order,
            product=line.product,
            sku=line.product.sku,
            name=line.product.name,
            unit_price=price,
            quantity=line.quantity,
            line_total=money(price * line.quantity),
        )
        _reserve(order_line, stock_by_product[line.product_id], line.quantity)
    CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
    availability_refresh(product_ids=product_ids)
    OrderEvent.objects.create(order=order, actor=contact.user, to_state=order.state, note="placed")
    email_queue(to=contact.user.email, template="order-placed", context={"order": order, "lines": order.lines.all(), "contact": contact})
    return order


def _reserve(line: OrderLine, rows: list[Stock], quantity: int) -> None:
    """Take the units from the warehouses that hold most first, and record where they came from."""
    left = quantity
    for row in sorted(rows, key=lambda r: (-r.quantity, r.warehouse_id)):
        if left == 0:
            break
        take = min(left, row.quantity)
        if take == 0:
            continue
        row.quantity -= take
        row.save(update_fields=["quantity"])
        StockAllocation.objects.create(line=line, warehouse=row.warehouse, quantity=take)
        left -= take


# --- states ---------------------------------------------------------------------------------------


def _transition(*, order: Order, to_state: str, actor: User | None, note: str = "") -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if to_state not in Order.ALLOWED_TRANSITIONS[locked.state]:
        raise OrderError(
            _("An order in status “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_state_display(), "to": Order.State(to_state).label}
        )
    from_state = locked.state
    locked.state = to_state
    locked.save(update_fields=["state"])
    OrderEvent.objects.create(order=locked, actor=actor, from_state=from_state, to_state=to_state, note=note[:255])
    if to_state == Order.State.CANCELLED:
        _give_back(locked)
    return locked


def _give_back(order: Order) -> None:
    """A cancelled order returns its stock to the warehouses it came from and its credit to the line."""
    allocations = list(StockAllocation.objects.filter(line__order=order).select_related("line"))
    product_ids = sorted({a.line.product_id for a in allocations})
    for allocation in sorted(allocations, key=lambda a: (a.line.product_id, a.warehouse_id)):
        Stock.objects.filter(product_id=allocation.line.product_id, warehouse_id=allocation.warehouse_id).update(
            quantity=F("quantity") + allocation.quantity
        )
    if order.credit_taken:
        # Never below zero: the back office may have recorded a payment against the line meanwhile.
        Account.objects.filter(pk=order.account_id).update(credit_used=Greatest(F("credit_used") - order.credit_taken, Value(Decimal("0.00"))))
    availability_refresh(product_ids=product_ids)


@transaction.atomic
def order_cancel(*, contact: Contact, order: Order) -> Order:
    """A contact cancels its account's order while it is still "placed"; stock and credit return."""
    if order.account_id != contact.account_id or not contact.can_order:
        raise OrderError(_("Your user cannot cancel this order."))
    Account.objects.select_for_update().get(pk=order.account_id)
    current = Order.objects.select_for_update().get(pk=order.pk)
    if Order.objects.filter(pk=current.pk, invoice__isnull=False).exists():
        raise OrderError(_("Order %(number)s is invoiced: ask your sales executive to cancel it.") % {"number": current.number})
    if current.state != Order.State.PLACED:
        raise OrderError(
            _("An order in status “%(status)s” cannot be cancelled here: ask your sales executive.")
            % {"status": current.get_state_display()}
        )
    return _transition(order=current, to_state=Order.State.CANCELLED, actor=contact.user, note="cancelled by the reseller")


def staff_check(actor: User, account_id: int) -> None:
    """Distributor staff in charge of the account: a superuser, or the account's sales executive."""
    if not (actor.is_active and actor.is_staff):
        raise OrderError(_("Only distributor staff can do this."))
    if not actor.is_superuser and not Account.objects.filter(pk=account_id, sales_executive=actor).exists():
        raise OrderError(_("Only the account's sales executive or the back office can do this."))


@transaction.atomic
def order_move(*, actor: User, order: Order, to_state: str, note: str = "") -> Order:
    """The back office moves an order along (processing, shipped, delivered, on hold, cancelled)."""
    staff_check(actor, order.account_id)
    if to_state == Order.State.CANCELLED:
        Account.objects.select_for_update().get(pk=order.account_id)
        if Order.objects.filter(pk=order.pk, invoice__isnull=False).exists():
            raise OrderError(_("Order %(number)s is invoiced: it cannot be cancelled.") % {"number": order.number})
    return _transition(order=order, to_state=to_state, actor=actor, note=note)
