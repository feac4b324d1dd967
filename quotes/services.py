"""Every write of the quotes domain: the current quote, Move to quote, Activate Quote, editing,
the customer, Move to cart and the PDF ("save and download").

Each contact has at most one current quote (Quote.current_for, unique): "Add to quote" adds to it and
the first one starts it. Quote numbers come from the row's id. Refusals raise QuoteError naming the
line or the field; nothing is written then.
"""

from __future__ import annotations

import copy
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Contact
from catalog.models import Product
from catalog.selectors import Pricing, products_by_code, products_priced
from orders.models import CartLine
from orders.services import BulkProblem, OrderError, cart_add_many
from quotes.models import Customer, ProfitKind, Quote, QuoteEvent, QuoteLine
from quotes.pricing import PricedQuote, profit_problem, quote_priced
from storefront.errors import DomainError

logger = logging.getLogger(__name__)

MAX_QUANTITY = 9999
NUMBER_PREFIX = "Q"


class QuoteError(DomainError):
    """A quote action refused, with the reason and, where it applies, the line or field."""

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None) -> None:
        super().__init__(message, field=field)
        self.line = line


def _pricing(contact: Contact) -> Pricing:
    pricing = Pricing.for_contact(contact)
    if pricing is None or not contact.can_quote or not contact.is_active:
        raise QuoteError(_("Your user cannot make quotes: ask your account administrator for the permission."))
    return pricing


def _check_quantity(quantity: int, *, field: str = "quantity") -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise QuoteError(_("The amount must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}, field=field)


def _own(contact: Contact, quote: Quote) -> None:
    if quote.account_id != contact.account_id:
        raise QuoteError(_("This quote is not of your account."))


def _event(quote: Quote, contact: Contact | None, action: str, note: str = "", *, from_state: str | None = None) -> None:
    """One row of the quote's history: the PDF's state the action found (`from_state`, when it moved
    it) and the one it left on `quote`; an action that does not touch the PDF records it as both."""
    QuoteEvent.objects.create(
        quote=quote,
        actor=contact.user if contact else None,
        action=action,
        from_state=quote.pdf_state if from_state is None else from_state,
        to_state=quote.pdf_state,
        note=note[:255],
    )


def _number(quote: Quote) -> str:
    return f"{NUMBER_PREFIX}{quote.pk:08d}"


def _quote_new(contact: Contact, pricing: Pricing, *, current: bool) -> Quote:
    quote = Quote.objects.create(
        # A placeholder until the row has its id.
        number=f"new-{uuid.uuid4().hex[:16]}",
        account_id=contact.account_id,
        created_by=contact,
        currency=pricing.currency,
        current_for=contact if current else None,
        valid_until=timezone.localdate() + timedelta(days=settings.QUOTE_VALID_DAYS),
    )
    quote.number = _number(quote)
    quote.save(update_fields=["number"])
    _event(quote, contact, QuoteEvent.Action.CREATED, from_state="")
    return quote


def _priced_product(product: Product, pricing: Pricing) -> Product:
    priced = products_priced(product_ids=[product.pk], pricing=pricing).get(product.pk)
    if not product.is_active:
        raise QuoteError(_("%(sku)s: this product is no longer sold.") % {"sku": product.sku})
    if priced is None or priced.price is None:
        raise QuoteError(_("%(sku)s: this product has no price for your account.") % {"sku": product.sku})
    return priced


def _line_add(quote: Quote, product: Product, quantity: int, cost: Decimal) -> QuoteLine:
    line = QuoteLine.objects.select_for_update().filter(quote=quote, product=product).first()
    if line is None:
        return QuoteLine.objects.create(quote=quote, product=product, sku=product.sku, name=product.name, cost=cost, quantity=quantity)
    if line.quantity + quantity > MAX_QUANTITY:
        raise QuoteError(_("The amount must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}, field="quantity")
    line.quantity += quantity
    line.save(update_fields=["quantity"])
    return line


# --- the current quote ----------------------------------------------------------------------------


def quote_current_get_or_start(*, contact: Contact) -> Quote:
    """The contact's current quote, locked; the first "Add to quote" starts it."""
    pricing = _pricing(contact)
    quote = Quote.objects.select_for_update().filter(current_for=contact).first()
    if quote is not None:
        return quote
    try:
        with transaction.atomic():
            return _quote_new(contact, pricing, current=True)
    except IntegrityError:  # started meanwhile by another request of the same contact
        return Quote.objects.select_for_update().get(current_for=contact)


@transaction.atomic
def quote_add(*, contact: Contact, product: Product, quantity: int) -> QuoteLine:
    """"Add to quote": the product goes on the contact's current quote (more of it if already there)."""
    pricing = _pricing(contact)
    _check_quantity(quantity)
    priced = _priced_product(product, pricing)
    quote = quote_current_get_or_start(contact=contact)
    return _line_add(quote, product, quantity, priced.price)


@transaction.atomic
def quote_add_by_code(*, contact: Contact, quote: Quote, code: str, quantity: int) -> QuoteLine:
    """More products on a quote, by SKU or part number, at today's price."""
    pricing = _pricing(contact)
    _own(contact, quote)
    _check_quantity(quantity)
    product = products_by_code([code]).get(code.strip().upper())
    if product is None:
        raise QuoteError(_("No product has the SKU or part number “%(code)s”.") % {"code": code.strip()[:80]}, field="code")
    priced = _priced_product(product, pricing)
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    return _line_add(locked, product, quantity, priced.price)


@transaction.atomic
def quote_from_cart(*, contact: Contact) -> Quote:
    """"Move to quote": the cart's lines at today's prices become a new quote; the cart empties."""
    pricing = _pricing(contact)
    lines = list(CartLine.objects.select_for_update().filter(cart__contact=contact).select_related("product").order_by("added_at", "id"))
    if not lines:
        raise QuoteError(_("Your cart is empty."))
    priced = products_priced(product_ids=[line.product_id for line in lines], pricing=pricing)
    for line in lines:
        product = priced.get(line.product_id)
        if not line.product.is_active or product is None or product.price is None:
            raise QuoteError(
                _("%(sku)s has no price for your account: remove it from the cart first.") % {"sku": line.product.sku}, line=line.pk
            )
    # The new quote is stored; it becomes the current one only when there is none ("Activate Quote"
    # replaces a current quote, after asking).
    has_current = Quote.objects.select_for_update().filter(current_for=contact).exists()
    quote = _quote_new(contact, pricing, current=not has_current)
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            product=line.product,
            sku=line.product.sku,
            name=line.product.name,
            cost=priced[line.product_id].price,
            quantity=line.quantity,
        )
        for line in lines
    )
    CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
    _event(quote, contact, QuoteEvent.Action.FROM_CART, f"{len(lines)} lines")
    return quote


@transaction.atomic
def quote_activate(*, contact: Contact, quote: Quote) -> Quote:
    """"Activate Quote": a quote of the account becomes the contact's current one (twice is no change)."""
    _pricing(contact)
    _own(contact, quote)
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    if locked.current_for_id == contact.pk:
        return locked
    Quote.objects.select_for_update().filter(current_for=contact).update(current_for=None)
    # A colleague's current quote moves to this contact; the colleague's next "Add to quote" starts anew.
    locked.current_for = contact
    locked.save(update_fields=["current_for", "updated_at"])
    _event(locked, contact, QuoteEvent.Action.ACTIVATED)
    return locked


# --- editing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineChange:
    quantity: int
    profit_kind: str = ""
    profit_value: Decimal | None = None


def _check_profit(*, cost: Decimal | None, kind: str, value: Decimal | None, sku: str | None, field: str, line: int | None = None) -> None:
    problem = profit_problem(cost=cost, kind=kind, value=value)
    if problem:
        message = f"{sku}: {problem}" if sku else _("The quote's profit: %(problem)s") % {"problem": problem}
        raise QuoteError(message, field=field, line=line)


def _changes_apply(
    *, quote: Quote, lines: list[QuoteLine], changes: dict[int, LineChange], profit_kind: str, profit_value: Decimal | None
) -> tuple[list[QuoteLine], list[int]]:
    """Check the page's values and set them on the quote and its lines, in memory; (kept, removed ids)."""
    _check_profit(cost=None, kind=profit_kind, value=profit_value, sku=None, field="profit_value")
    kept: list[QuoteLine] = []
    removed: list[int] = []
    for line in lines:
        change = changes.get(line.pk)
        if change is not None:
            if change.quantity == 0:
                removed.append(line.pk)
                continue
            _check_quantity(change.quantity, field=f"quantity-{line.pk}")
            own = bool(change.profit_kind)
            if own:
                _check_profit(
                    cost=line.cost, kind=change.profit_kind, value=change.profit_value, sku=line.sku, field=f"profit-{line.pk}", line=line.pk
                )
            line.quantity = change.quantity
            line.profit_kind = change.profit_kind if own else ""
            line.profit_value = change.profit_value if own else None
        if not line.profit_kind and profit_kind == ProfitKind.AMOUNT:
            # An exact value is checked against each line's own cost (1000 % of it at most).
            _check_profit(cost=line.cost, kind=profit_kind, value=profit_value, sku=line.sku, field="profit_value", line=line.pk)
        kept.append(line)
    quote.profit_kind = profit_kind
    quote.profit_value = profit_value
    return kept, removed


def quote_preview(*, quote: Quote, changes: dict[int, LineChange], profit_kind: str, profit_value: Decimal | None) -> PricedQuote:
    """The quote as it would be with the page's values, checked, saving nothing (the htmx totals)."""
    draft = copy.copy(quote)
    lines = [copy.copy(line) for line in quote.lines.all()]
    kept, _removed = _changes_apply(quote=draft, lines=lines, changes=changes, profit_kind=profit_kind, profit_value=profit_value)
    return quote_priced(quote=draft, lines=kept)


@transaction.atomic
def quote_update(
    *,
    contact: Contact,
    quote: Quote,
    lines: dict[int, LineChange],
    profit_kind: str,
    profit_value: Decimal | None,
    customer_id: int | None,
    notes: str,
    valid_until: date | None,
) -> Quote:
    """Save the quote page: amounts (0 removes a line), profits, customer, notes and validity."""
    _pricing(contact)
    _own(contact, quote)
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    current = list(QuoteLine.objects.select_for_update().filter(quote=locked).order_by("id"))
    kept, removed = _changes_apply(quote=locked, lines=current, changes=lines, profit_kind=profit_kind, profit_value=profit_value)
    customer = None
    if customer_id is not None:
        customer = Customer.objects.filter(account_id=contact.account_id, pk=customer_id).first()
        if customer is None:
            raise QuoteError(_("Choose one of your customers."), field="customer")
    if valid_until is not None and valid_until < timezone.localdate(locked.created_at):
        raise QuoteError(_("The validity date cannot be before the quote's date."), field="valid_until")

    QuoteLine.objects.bulk_update(kept, ["quantity", "profit_kind", "profit_value"])
    QuoteLine.objects.filter(pk__in=removed).delete()
    locked.customer = customer
    locked.notes = notes.strip()[:2000]
    locked.valid_until = valid_until
    locked.save(update_fields=["profit_kind", "profit_value", "customer", "notes", "valid_until", "updated_at"])
    _event(locked, contact, QuoteEvent.Action.SAVED)
    return locked


@transaction.atomic
def quote_line_remove(*, contact: Contact, quote: Quote, line_id: int) -> None:
    """"remove": the line leaves the quote."""
    _pricing(contact)
    _own(contact, quote)
    QuoteLine.objects.filter(quote=quote, pk=line_id).delete()


CUSTOMER_FIELDS = ("company", "contact_name", "tax_id", "address", "email", "phone")


@transaction.atomic
def customer_save(*, contact: Contact, quote: Quote, customer: Customer | None, data: dict[str, str]) -> Customer:
    """Add a customer (customer None) or edit one of the account's; the quote is then made out to it."""
    _pricing(contact)
    _own(contact, quote)
    if customer is not None and customer.account_id != contact.account_id:
        raise QuoteError(_("Choose one of your customers."), field="customer")
    if not (data.get("company") or "").strip():
        raise QuoteError(_("Enter the customer's company."), field="company")
    customer = customer or Customer(account_id=contact.account_id)
    for name in CUSTOMER_FIELDS:
        setattr(customer, name, (data.get(name) or "").strip()[: Customer._meta.get_field(name).max_length])
    customer.save()
    Quote.objects.filter(pk=quote.pk).update(customer=customer, updated_at=timezone.now())
    return customer


# --- Move to cart ---------------------------------------------------------------------------------


@transaction.atomic
def quote_to_cart(*, contact: Contact, quote: Quote) -> tuple[int, list[BulkProblem]]:
    """"Move to cart": the quote's lines go into the cart (the quote stays); products no longer sold are reported."""
    _own(contact, quote)
    if not contact.can_order:
        raise QuoteError(_("Your user cannot place orders: ask your account administrator for the permission."))
    lines = list(QuoteLine.objects.filter(quote=quote).select_related("product").order_by("id"))
    if not lines:
        raise QuoteError(_("This quote has no products."))
    problems: list[BulkProblem] = []
    rows: list[tuple[int, str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.product.is_active:
            problems.append(BulkProblem(number, f"{line.sku} {line.quantity}", _("This product is no longer sold.")))
        else:
            rows.append((number, line.product.sku, str(line.quantity)))
    if not rows:
        return 0, problems
    try:
        added, more = cart_add_many(contact=contact, rows=rows)
    except OrderError as exc:
        raise QuoteError(exc.message) from exc
    # The history records the PDF's state as it is now (the worker may have moved it since the page
    # was read); locked after the cart's lines, in the order "Move to quote" takes them.
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    _event(locked, contact, QuoteEvent.Action.TO_CART, f"{len(added)} lines")
    return len(added), sorted(problems + more, key=lambda problem: problem.line)


# --- the PDF --------------------------------------------------------------------------------------


def _pdf_move(quote: Quote, to_state: str) -> None:
    if to_state not in Quote.ALLOWED_TRANSITIONS[quote.pdf_state]:
        raise QuoteError(
            _("The PDF of quote %(number)s is “%(from)s”: it cannot become “%(to)s”.")
            % {"number": quote.number, "from": quote.get_pdf_state_display(), "to": Quote.PdfState(to_state).label}
        )


@transaction.atomic
def quote_pdf_request(*, contact: Contact, quote: Quote) -> Quote:
    """"save and download": queue the quote's PDF after the commit (one already on its way is kept)."""
    _pricing(contact)
    _own(contact, quote)
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    if locked.pdf_state in (Quote.PdfState.QUEUED, Quote.PdfState.RUNNING):
        return locked
    lines = list(QuoteLine.objects.filter(quote=locked))
    if not lines:
        raise QuoteError(_("Add at least one product to the quote first."))
    # The saved profits are checked again: the PDF never sells below cost.
    for line in lines:
        kind, value = (line.profit_kind, line.profit_value) if line.profit_kind else (locked.profit_kind, locked.profit_value)
        _check_profit(cost=line.cost, kind=kind, value=value, sku=line.sku, field="profit_value", line=line.pk)
    _pdf_move(locked, Quote.PdfState.QUEUED)
    from_state = locked.pdf_state
    locked.pdf_state = Quote.PdfState.QUEUED
    locked.pdf_token = uuid.uuid4()
    locked.pdf_error = ""
    locked.save(update_fields=["pdf_state", "pdf_token", "pdf_error"])
    _event(locked, contact, QuoteEvent.Action.PDF_REQUESTED, from_state=from_state)
    transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked


def _enqueue(quote_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from quotes.tasks import quote_pdf_build_task

    try:
        quote_pdf_build_task.delay(quote_id)
    except Exception:  # the broker is down: say so on the quote rather than leave it waiting forever
        logger.exception("Could not queue the PDF of quote %s", quote_id)
        Quote.objects.filter(pk=quote_id, pdf_state=Quote.PdfState.QUEUED).update(
            pdf_state=Quote.PdfState.FAILED, pdf_error=_("The PDF could not be started. Please try again in a few minutes.")
        )


def quote_pdf_build(*, quote_id: int) -> bool:
    """Build a queued quote's PDF; False when it was already claimed or finished (idempotent)."""
    # The conditional UPDATE is the claim: of two deliveries of the same task, one builds.
    if not Quote.objects.filter(pk=quote_id, pdf_state=Quote.PdfState.QUEUED).update(pdf_state=Quote.PdfState.RUNNING):
        return False
    from quotes.pdf import quote_pdf_render

    quote = Quote.objects.select_related("account", "customer", "created_by__user").get(pk=quote_id)
    previous = quote.pdf_file.name
    try:
        content = quote_pdf_render(quote=quote)
        quote.pdf_file.save(f"{quote.number}.pdf", ContentFile(content), save=False)
    except Exception:
        logger.exception("The PDF of quote %s failed", quote_id)
        Quote.objects.filter(pk=quote_id, pdf_state=Quote.PdfState.RUNNING).update(
            pdf_state=Quote.PdfState.FAILED, pdf_error=_("The PDF could not be made. Please try again.")
        )
        return True
    Quote.objects.filter(pk=quote_id, pdf_state=Quote.PdfState.RUNNING).update(pdf_state=Quote.PdfState.READY, pdf_file=quote.pdf_file.name)
    if previous and previous != quote.pdf_file.name:
        # Only the latest PDF of a quote is kept: the earlier one showed prices since changed.
        try:
            quote.pdf_file.storage.delete(previous)
        except OSError:
            logger.warning("Could not delete the earlier PDF of quote %s", quote_id, exc_info=True)
    return True
