"""Every write of the orders domain: the cart, placing an order on the credit line, its states.

Placing an order is one transaction that locks, in this order, the account (its credit: one order at
a time per account) and the stock rows of the ordered products (sorted by product and warehouse, so two
orders never wait on each other in a circle), read in one query with the cart's lines at prices read
again inside it. Refusals raise OrderError with the line and the reason, and leave the cart as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal
from itertools import chain

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Model, Subquery, Value
from django.db.models.expressions import Col
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, User
from catalog.models import Availability, Product, Stock, Warehouse
from catalog.selectors import (
    Pricing,
    PricingShape,
    pricing_fields,
    pricing_shape,
    pricing_values,
    products_by_code,
    products_priced,
    rows_priced,
)
from catalog.services import availability_refresh
from orders.models import Cart, CartLine, Order, OrderEvent, OrderLine, StockAllocation
from orders.selectors import cart_lines_priced
from orders.shipping import shipment_types_for
from storefront.emails import email_queue
from storefront.errors import DomainError
from storefront.money import money, money_text
from storefront.prepared import PreparedInsert, PreparedQuery

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


def _names(model: type[Model], *fields: str) -> tuple[str, ...]:
    """The model's table and the named fields' columns, quoted for the connection's SQL."""
    quote = connection.ops.quote_name
    return (quote(model._meta.db_table), *(quote(model._meta.get_field(name).column) for name in fields))


def _add(cart_id: int, product: Product, quantity: int, price: Decimal) -> CartLine:
    """A new line, or more of the product on the line the cart has: one statement, safe when the
    same contact adds from two tabs at once (the unique line per product decides, the amounts add up)."""
    table, pk, cart, product_column, amount, price_seen, added_at = _names(
        CartLine, "id", "cart", "product", "quantity", "price_seen", "added_at"
    )
    # An upsert that adds (the ORM's would overwrite the amount), and says what the line now holds:
    # ON CONFLICT ... RETURNING, on PostgreSQL and SQLite (3.35 and later) alike.
    sql = (
        f"INSERT INTO {table} ({cart}, {product_column}, {amount}, {price_seen}, {added_at}) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({cart}, {product_column}) DO UPDATE SET {amount} = {table}.{amount} + excluded.{amount} "
        f"WHERE {table}.{amount} + excluded.{amount} <= %s "
        f"RETURNING {pk}, {amount}, {price_seen}, {added_at}"
    )
    params = [
        cart_id,
        product.pk,
        quantity,
        connection.ops.adapt_decimalfield_value(price, 14, 2),
        connection.ops.adapt_datetimefield_value(timezone.now()),
        MAX_QUANTITY,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # the line would hold more than the maximum: it is left as it was
        raise OrderError(_("The amount must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}, field="quantity")
    line_id, total, seen, added = (_from_db(name, value) for name, value in zip(("id", "quantity", "price_seen", "added_at"), row))
    return CartLine(pk=line_id, cart_id=cart_id, product=product, quantity=total, price_seen=seen, added_at=added)


def _from_db(name: str, value: object) -> object:
    """A value read by raw SQL from a cart line's column, converted as the ORM would."""
    field = CartLine._meta.get_field(name)
    column = Col(CartLine._meta.db_table, field)
    for converter in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


@lru_cache(maxsize=None)
def _product_to_add_query(shape: PricingShape) -> PreparedQuery[Product]:
    """The product with the account's price and the id of the contact's cart, for one shape of pricing,
    compiled once per connection: every "Add to cart" runs it, and building and compiling it cost more
    than running it."""

    def build(pk, contact_id, country, price_list_id=None, base_list_id=None):
        pricing = Pricing(price_list_id=price_list_id, base_list_id=base_list_id, currency="", country=country)
        cart = Cart.objects.filter(contact_id=contact_id).values("pk")[:1]
        return rows_priced(Product.objects.filter(pk=pk), pricing=pricing, via="").annotate(cart_id=Subquery(cart)).order_by()

    fields = {
        "pk": Product._meta.pk,
        "contact_id": Cart._meta.get_field("contact"),
        "country": Availability._meta.get_field("country"),
        **pricing_fields(shape),
    }
    return PreparedQuery(build, **fields)


def cart_add(*, contact: Contact, product: Product | int, quantity: int) -> CartLine:
    """Add to cart: a new line, or more of a product already in the cart.

    The product may be given by its id (the add-to-cart form posts one): it is read once, priced. The
    line returned says with `is_new` whether the add made it (rather than adding to a line the cart had).
    """
    pricing = _pricing(contact)
    _check_quantity(quantity)
    product_id = product if isinstance(product, int) else product.pk
    priced = _product_to_add_query(pricing_shape(pricing)).first(
        pk=product_id, contact_id=contact.pk, country=pricing.country, **pricing_values(pricing)
    )
    if priced is None:
        raise OrderError(_("This product is no longer sold."))
    reason = _orderable(priced, priced)
    if reason:
        raise OrderError(reason)
    cart_id = priced.cart_id if priced.cart_id is not None else _cart(contact).pk
    line = _add(cart_id, priced, quantity, priced.price)
    # A line that was in the cart holds at least one unit more than this add brought.
    line.is_new = line.quantity == quantity
    return line


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
                added.append(_add(cart.pk, product, quantity, priced[product.pk].price))
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
    try:
        return _order_place(
            contact=contact,
            pricing=pricing,
            shipment_type=shipment_type,
            payment_method=payment_method,
            observations=observations,
            submission_key=submission_key,
            expected_total=expected_total,
        )
    except (OrderError, IntegrityError):
        # The form's key may already have made an order, and then that order is the answer, whatever
        # else went wrong: a second press of "Finish order" waits on the account's lock, then finds
        # the cart emptied by the first; a form sent again with a placed order's key fails on the
        # key's unique constraint, and its writes are rolled back. Looked up here, after the refusal,
        # so that placing an order does not pay for it.
        existing = Order.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        if existing.placed_by_id != contact.pk:
            raise OrderError(_("This order form was already used. Start again from your cart.")) from None
        return existing


# The account's row, locked (the credit line's lock), and the rows an order adds: compiled once per
# connection, as building each statement cost more than running it.
_ACCOUNT_LOCKED: PreparedQuery[Account] = PreparedQuery(
    lambda account_id: Account.objects.select_for_update().filter(pk=account_id), account_id=Account._meta.pk
)
_ORDER_INSERT: PreparedInsert[Order] = PreparedInsert(Order)
_ORDER_LINE_INSERT: PreparedInsert[OrderLine] = PreparedInsert(OrderLine)
_ALLOCATION_INSERT: PreparedInsert[StockAllocation] = PreparedInsert(StockAllocation)
_EVENT_INSERT: PreparedInsert[OrderEvent] = PreparedInsert(OrderEvent)


@transaction.atomic
def _order_place(
    *,
    contact: Contact,
    pricing: Pricing,
    shipment_type: str,
    payment_method: str,
    observations: str,
    submission_key: str,
    expected_total: Decimal | None,
) -> Order:
    # The account's row is the lock that puts one order at a time on its credit line; a second press
    # of "Finish order" waits here.
    account = _ACCOUNT_LOCKED.first(account_id=contact.account_id)
    if account is None:
        raise Account.DoesNotExist("The contact's account does not exist.")
    if shipment_type not in dict(shipment_types_for(account.country)):
        raise OrderError(_("This shipment type is not offered in your country."), field="shipment_type")
    if account.is_blocked:
        raise OrderError(_("Your account is blocked: contact your sales executive."))

    lines, stock_by_product = _cart_locked(contact=contact, pricing=pricing, country=account.country)
    total = _checked_total(lines, stock_by_product)

    if expected_total is not None and total != expected_total:
        # The page showed another total (a price changed meanwhile): the reseller confirms the new one.
        raise OrderError(
            _("Prices changed since this page was shown: the total is now %(total)s %(currency)s. Check it and press Finish order again.")
            % {"total": money_text(total), "currency": account.currency},
            field="expected_total",
        )
    credit_taken = Decimal("0.00")
    if payment_method == Order.Payment.CREDIT:
        if total > account.credit_available:
            raise OrderError(
                _("The order (%(total)s %(currency)s) exceeds your available credit (%(available)s %(currency)s) by %(missing)s %(currency)s.")
                % {
                    "total": money_text(total),
                    "available": money_text(account.credit_available),
                    "missing": money_text(total - account.credit_available),
                    "currency": account.currency,
                },
                field="payment_method",
            )
        credit_taken = total
        _credit_take(account, total)

    order = _ORDER_INSERT.create(
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
    # Locked in product order; the order keeps the cart's order. One INSERT for the lines, one UPDATE
    # for the stock rows and one INSERT for the allocations, whatever the number of lines.
    in_cart_order = sorted(lines, key=lambda cart_line: (cart_line.added_at, cart_line.pk))
    order_lines = _ORDER_LINE_INSERT.insert([
        OrderLine(
            order=order,
            product=line.product,
            sku=line.product.sku,
            name=line.product.name,
            unit_price=line.price,
            quantity=line.quantity,
            line_total=money(line.price * line.quantity),
        )
        for line in in_cart_order
    ])
    allocations: list[StockAllocation] = []
    for order_line in order_lines:
        allocations += _reserve(order_line, stock_by_product[order_line.product_id], order_line.quantity)
    taken: dict[int, int] = {}
    for allocation in allocations:
        taken[allocation.stock_row.pk] = taken.get(allocation.stock_row.pk, 0) + allocation.quantity
    _stock_take(taken)
    _ALLOCATION_INSERT.insert(allocations)
    _cart_lines_delete([line.pk for line in lines])
    _EVENT_INSERT.create(order=order, actor=contact.user, to_state=order.state, note="placed")
    email_queue(to=contact.user.email, template="order-placed", context={"order": order, "lines": order_lines, "contact": contact})
    return order


# Three writes of order placement are SQL written here: building the ORM's statements (an F()
# expression saved, bulk_update's CASE, a delete's collector) cost several times what running them
# does, on every order. The rows are those locked above.


def _credit_take(account: Account, amount: Decimal) -> None:
    """The account's credit line takes the amount; the locked instance is kept in step."""
    table, pk, used = _names(Account, "id", "credit_used")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {used} = {used} + %s WHERE {pk} = %s",
            [connection.ops.adapt_decimalfield_value(amount, 14, 2), account.pk],
        )
    account.credit_used += amount


def _stock_take(taken: dict[int, int]) -> None:
    """The stock rows lowered by the units taken from each ({row id: units}): one UPDATE, whatever the
    number of rows. The availability of the products follows: a trigger of the database keeps it
    (catalog migration 0003), in the same statement."""
    table, pk, quantity = _names(Stock, "id", "quantity")
    whens = " ".join(["WHEN %s THEN %s"] * len(taken))
    ids = ", ".join(["%s"] * len(taken))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quantity} = {quantity} - CASE {pk} {whens} END WHERE {pk} IN ({ids})",
            [*chain.from_iterable(taken.items()), *taken],
        )


def _cart_lines_delete(line_ids: list[int]) -> None:
    """The ordered lines leave the cart (nothing refers to a cart line: one DELETE)."""
    table, pk = _names(CartLine, "id")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({', '.join(['%s'] * len(line_ids))})", line_ids)


def _reserve(line: OrderLine, rows: list[Stock], quantity: int) -> list[StockAllocation]:
    """Take the units from the warehouses that hold most first; the allocations say where they came
    from (each keeps its stock row, already lowered here, in `stock_row` for the one UPDATE)."""
    allocations = []
    left = quantity
    for row in sorted(rows, key=lambda r: (-r.quantity, r.warehouse_id)):
        if left == 0:
            break
        take = min(left, row.quantity)
        if take == 0:
            continue
        row.quantity -= take
        allocation = StockAllocation(line=line, warehouse_id=row.warehouse_id, quantity=take)
        allocation.stock_row = row  # type: ignore[attr-defined]
        allocations.append(allocation)
        left -= take
    return allocations


@lru_cache(maxsize=None)
def _cart_locked_query(shape: PricingShape) -> PreparedQuery[Stock]:
    """_cart_locked's query for one shape of pricing, compiled once per connection: building and
    compiling it cost more than running it."""

    def build(contact_id, size_contact_id, country, price_list_id=None, base_list_id=None):
        cart_size = (
            CartLine.objects.filter(cart__contact=size_contact_id).order_by().values("cart").annotate(n=Count("pk")).values("n")
        )
        return rows_priced(
            Stock.objects.select_for_update(of=("self",))
            .filter(warehouse__country=country, product__cart_lines__cart__contact=contact_id)
            .select_related("product")
            # What placing the order reads of a row and its product (a product's description,
            # attributes and search text are long, and decoding them cost more than the query).
            .only("product_id", "warehouse_id", "quantity", "product__sku", "product__name", "product__is_active")
            .annotate(
                line_id=F("product__cart_lines__id"),
                line_quantity=F("product__cart_lines__quantity"),
                line_added_at=F("product__cart_lines__added_at"),
                cart_size=Subquery(cart_size),
            ),
            pricing=Pricing(price_list_id=price_list_id, base_list_id=base_list_id, currency="", country=country),
            via="product__",
            with_stock=False,
        ).order_by("product_id", "warehouse_id")

    # The contact twice: the stock rows' join to its cart, and the count of the cart's lines.
    contact = Cart._meta.get_field("contact")
    fields = {"contact_id": contact, "size_contact_id": contact, "country": Warehouse._meta.get_field("country"), **pricing_fields(shape)}
    return PreparedQuery(build, **fields)


def _cart_locked(*, contact: Contact, pricing: Pricing, country: str) -> tuple[list[CartLine], dict[int, list[Stock]]]:
    """The cart's lines, priced for the account, and the stock rows of their products in its country,
    locked: one query, from the stock rows (locked in product and warehouse order, so two orders
    never wait on each other in a circle), each joined to its cart line and product.

    A line whose product has no stock row in the country brings no row: the count of the cart's
    lines, carried by every row, tells, and the cart is read again to say which line (a refusal,
    so its cost is not the order's)."""
    rows = _cart_locked_query(pricing_shape(pricing)).all(
        contact_id=contact.pk, size_contact_id=contact.pk, country=country, **pricing_values(pricing)
    )
    lines: dict[int, CartLine] = {}
    stock_by_product: dict[int, list[Stock]] = {}
    for row in rows:
        if row.line_id not in lines:
            line = CartLine(pk=row.line_id, product=row.product, quantity=row.line_quantity, added_at=row.line_added_at)
            line.price = row.price  # type: ignore[attr-defined]
            line.licensing_program = row.licensing_program  # type: ignore[attr-defined]
            lines[row.line_id] = line
        stock_by_product.setdefault(row.product_id, []).append(row)
    if not rows or len(lines) < rows[0].cart_size:
        _refuse_unstocked(contact=contact, pricing=pricing, stock_by_product=stock_by_product)
    return list(lines.values()), stock_by_product


def _refuse_unstocked(*, contact: Contact, pricing: Pricing, stock_by_product: dict[int, list[Stock]]) -> None:
    """Some line of the cart has no stock row in the account's country (or the cart is empty): the
    reason, for the first line in product order that cannot be ordered."""
    lines = list(cart_lines_priced(contact=contact, pricing=pricing).order_by("product_id"))
    if not lines:
        raise OrderError(_("Your cart is empty."))
    _checked_total(lines, stock_by_product)
    # Every line can be ordered: the cart changed while it was read (a line added from another tab).
    raise OrderError(_("Your cart changed while the order was being placed: check it and press Finish order again."))


def _checked_total(lines: list[CartLine], stock_by_product: dict[int, list[Stock]]) -> Decimal:
    """The order's total at the lines' prices, or the first line's reason it cannot be ordered."""
    total = Decimal("0.00")
    for line in lines:
        reason = _orderable(line.product, line)
        if reason:
            raise OrderError(f"{line.product.sku}: {reason}", line=line.pk)
        available = sum(row.quantity for row in stock_by_product.get(line.product_id, []))
        if line.quantity > available:
            raise OrderError(
                _("%(sku)s: you asked for %(asked)d, only %(available)d are available.")
                % {"sku": line.product.sku, "asked": line.quantity, "available": available},
                line=line.pk,
            )
        total += money(line.price * line.quantity)
    return total


# --- states ---------------------------------------------------------------------------------------


def _transition(*, order: Order, to_state: str, actor: User | None, note: str = "") -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if to_state not in Order.State.values or to_state not in Order.ALLOWED_TRANSITIONS[locked.state]:
        # A name that is no state is refused like a forbidden move (not a ValueError from its label).
        target = Order.State(to_state).label if to_state in Order.State.values else to_state
        raise OrderError(
            _("An order in status “%(from)s” cannot become “%(to)s”.") % {"from": locked.get_state_display(), "to": target}
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
