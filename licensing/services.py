"""Every write of volume licensing: placing an order, the sales executive's decisions, the states the
back office moves an order through, cancellation and its 60-day rule, and the eCertificate.

Rows are locked in one order everywhere, the account (its credit line) and then the licensing order,
the same order `orders.services` uses, so a licensing order and a goods order of the same account
never wait on each other in a circle. Refusals raise LicensingError with the reason and, where it
applies, the form field or the line.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Account, Contact, User
from catalog.models import Product
from catalog.selectors import Pricing, products_priced
from licensing.models import LicenceKey, LicenceOrder, LicenceOrderEvent, LicenceOrderLine, LicenceProduct, Program, ProgramOffer
from orders.models import Invoice
from orders.services import MAX_QUANTITY, OrderError, staff_check
from storefront.audit.services import Kind as AuditKind
from storefront.audit.services import security_event_record
from storefront.emails import email_queue
from storefront.errors import DomainError
from storefront.money import money, money_text

State = LicenceOrder.State
# A processed order may be cancelled this many days after it was processed, by a replacement order.
CANCEL_WINDOW_DAYS = 60
MAX_LINES = 100


class LicensingError(DomainError):
    """A licensing action refused, with the reason and, where it applies, the form field or line."""

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None) -> None:
        super().__init__(message, field=field)
        self.line = line


@dataclass(frozen=True)
class LineRequest:
    """One line of the order form: a product, how many, and the special price typed, if any."""

    product_id: int
    quantity: int
    requested_price: Decimal | None = None


def certificate_delay() -> timedelta:
    return timedelta(hours=getattr(settings, "VL_CERTIFICATE_DELAY_HOURS", 24))



def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def licensing_pricing(account: Account) -> Pricing:
    """The account's list prices, which a licensing order starts from."""
    price_list = account.price_list
    return Pricing(
        price_list_id=account.price_list_id,
        base_list_id=price_list.base_id if price_list is not None else None,
        currency=account.currency,
        country=account.country,
    )


def programs_offered(country: str) -> list[str]:
    """The programs the distributor offers in the country, in the order of `Program`."""
    offered = set(ProgramOffer.objects.filter(country=country).values_list("program", flat=True))
    return [value for value, _label in Program.choices if value in offered]


def _check_contact(contact: Contact) -> None:
    if not contact.can_license:
        raise LicensingError(_("Your user cannot order volume licensing: ask your account administrator for the permission."))
    if not contact.is_active:
        raise LicensingError(_("Your user is not active."))


def _number(order: LicenceOrder) -> str:
    return f"VL{order.pk:08d}"


def _event(order: LicenceOrder, *, actor: User | None, from_state: str, note: str = "") -> None:
    LicenceOrderEvent.objects.create(order=order, actor=actor, from_state=from_state, to_state=order.state, note=note[:255])


def _email_contact(order: LicenceOrder, template: str, **context) -> None:
    contact = order.placed_by
    email_queue(
        to=contact.user.email,
        template=template,
        context={"order": order, "contact": contact, "order_url": _url("licensing:order-detail", order.number), **context},
    )


def _email_sales_executive(order: LicenceOrder, template: str, **context) -> None:
    executive = order.account.sales_executive
    if executive is None or not executive.email:
        return
    email_queue(
        to=executive.email,
        template=template,
        context={"order": order, "executive": executive, "console_url": _url("licensing:console-detail", order.number), **context},
    )


# --- placing an order -----------------------------------------------------------------------------


@transaction.atomic
def vl_order_place(
    *,
    contact: Contact,
    program: str,
    end_customer: str,
    lines: list[LineRequest],
    submission_key: str,
    end_customer_tax_id: str = "",
    observations: str = "",
    expected_total: Decimal | None = None,
) -> LicenceOrder:
    """"Finish order": a licensing order on the credit line; held for approval if a special price was typed."""
    _check_contact(contact)
    account = contact.account
    if program not in ProgramOffer.objects.filter(country=account.country).values_list("program", flat=True):
        raise LicensingError(_("This program is not offered in your country."), field="program")
    end_customer = (end_customer or "").strip()
    if not end_customer:
        raise LicensingError(_("Enter the end customer the licences are for."), field="end_customer")
    if not lines:
        raise LicensingError(_("Enter an amount for at least one product."), field="lines")
    if len(lines) > MAX_LINES:
        raise LicensingError(_("An order holds at most %(max)d lines.") % {"max": MAX_LINES}, field="lines")
    if len({line.product_id for line in lines}) != len(lines):
        raise LicensingError(_("Each product may appear once in an order."), field="lines")

    # The account's row is the lock that puts one order at a time on its credit line; a second press
    # of "Finish order" waits here, then finds the order the first one made.
    account = Account.objects.select_for_update().get(pk=contact.account_id)
    existing = LicenceOrder.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.placed_by_id != contact.pk:
            raise LicensingError(_("This order form was already used. Start a new order."))
        return existing
    if account.is_blocked:
        raise LicensingError(_("Your account is blocked: contact your sales executive."))

    product_ids = sorted(line.product_id for line in lines)
    licensing = {
        item.product_id: item
        for item in LicenceProduct.objects.filter(product_id__in=product_ids, program=program).select_related("product")
    }
    priced = products_priced(product_ids=product_ids, pricing=licensing_pricing(account))
    total = list_total = Decimal("0.00")
    rows = []
    special = 0
    for line in lines:
        item = licensing.get(line.product_id)
        if item is None or not item.product.is_active:
            raise LicensingError(_("A product of this order is not sold in this program."), line=line.product_id)
        product = item.product
        product_priced = priced.get(product.pk)
        if product_priced is None or product_priced.price is None:
            raise LicensingError(
                _("%(sku)s has no price for your account: ask your sales executive.") % {"sku": product.sku}, line=product.pk
            )
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_QUANTITY:
            raise LicensingError(
                _("%(sku)s: the amount must be a whole number from 1 to %(max)d.") % {"sku": product.sku, "max": MAX_QUANTITY},
                line=product.pk,
            )
        list_price = product_priced.price
        requested = line.requested_price
        if requested is not None:
            if requested != requested.quantize(Decimal("0.01")) or requested <= 0:
                raise LicensingError(
                    _("%(sku)s: a special price is an amount above zero with at most two decimals.") % {"sku": product.sku},
                    line=product.pk,
                )
            if requested > list_price:
                raise LicensingError(
                    _("%(sku)s: the special price is above the list price (%(price)s %(currency)s); leave it empty to pay the list price.")
                    % {"sku": product.sku, "price": money_text(list_price), "currency": account.currency},
                    line=product.pk,
                )
            if requested == list_price:
                requested = None
            elif account.sales_executive_id is None:
                raise LicensingError(
                    _("%(sku)s: your account has no sales executive to approve a special price; order at the list price or ask the back office.")
                    % {"sku": product.sku},
                    line=product.pk,
                )
            else:
                special += 1
        unit_price = requested if requested is not None else list_price
        line_total = money(unit_price * line.quantity)
        total += line_total
        list_total += money(list_price * line.quantity)
        rows.append((item, line.quantity, list_price, requested, unit_price, line_total))

    if expected_total is not None and total != expected_total:
        raise LicensingError(
            _("Prices changed since this page was shown: the total is now %(total)s %(currency)s. Check it and press Finish order again.")
            % {"total": money_text(total), "currency": account.currency},
            field="expected_total",
        )
    if total > account.credit_available:
        raise LicensingError(
            _("The order (%(total)s %(currency)s) exceeds your available credit (%(available)s %(currency)s) by %(missing)s %(currency)s.")
            % {
                "total": money_text(total),
                "available": money_text(account.credit_available),
                "missing": money_text(total - account.credit_available),
                "currency": account.currency,
            }
        )
    account.credit_used = F("credit_used") + total
    account.save(update_fields=["credit_used"])
    # The returned order carries this account: it must hold the amount, not the expression (saving
    # it again would take the credit twice, and reading credit_available would fail).
    account.refresh_from_db(fields=["credit_used"])

    held = special > 0
    order = LicenceOrder.objects.create(
        # Unique until the row has its id and its real number.
        number=f"new-{secrets.token_hex(8)}",
        account=account,
        placed_by=contact,
        program=program,
        state=State.ON_HOLD if held else State.PLACED,
        end_customer=end_customer[:200],
        end_customer_tax_id=(end_customer_tax_id or "").strip()[:40],
        observations=(observations or "").strip()[:1000],
        currency=account.currency,
        list_total=list_total,
        total=total,
        credit_taken=total,
        hold_reason=(
            ngettext(
                "Special price requested on %(count)d line: awaiting your sales executive's approval.",
                "Special price requested on %(count)d lines: awaiting your sales executive's approval.",
                special,
            )
            % {"count": special}
            if held
            else ""
        ),
        submission_key=submission_key,
    )
    order.number = _number(order)
    order.save(update_fields=["number"])
    # The form's order is kept, not the locking order.
    by_product = {row[0].product_id: row for row in rows}
    for line in lines:
        item, quantity, list_price, requested, unit_price, line_total = by_product[line.product_id]
        LicenceOrderLine.objects.create(
            order=order,
            product=item.product,
            sku=item.product.sku,
            name=item.product.name,
            quantity=quantity,
            list_price=list_price,
            requested_price=requested,
            unit_price=unit_price,
            line_total=line_total,
            windows_legal=item.windows_legal,
            is_cloud=item.product.product_type == Product.Type.CLOUD,
        )
    _event(order, actor=contact.user, from_state="", note="special price requested" if held else "placed")
    order.account = account
    lines_now = list(order.lines.all())
    _email_contact(order, "vl-order-placed", lines=lines_now)
    if held:
        _email_sales_executive(order, "vl-order-held", lines=lines_now, account=account)
    return order


# --- moving between states ------------------------------------------------------------------------


def _lock(order: LicenceOrder) -> tuple[Account, LicenceOrder]:
    """Lock the account, then the order (the order every writer of the credit line uses)."""
    account = Account.objects.select_for_update().get(pk=order.account_id)
    locked = LicenceOrder.objects.select_for_update().select_related("placed_by__user").get(pk=order.pk)
    locked.account = account
    return account, locked


def _check_move(order: LicenceOrder, to_state: str) -> None:
    if to_state not in State.values or to_state not in LicenceOrder.ALLOWED_TRANSITIONS[order.state]:
        target = State(to_state).label if to_state in State.values else to_state
        raise LicensingError(
            _("A licensing order in status “%(from)s” cannot become “%(to)s”.") % {"from": order.get_state_display(), "to": target}
        )


def _staff(actor: User, account_id: int) -> None:
    try:
        staff_check(actor, account_id)
    except OrderError as exc:
        raise LicensingError(exc.message) from None


def _give_back(account: Account, order: LicenceOrder) -> None:
    if order.credit_taken:
        # Never below zero: the back office may have recorded a payment against the line meanwhile.
        Account.objects.filter(pk=account.pk).update(credit_used=Greatest(F("credit_used") - order.credit_taken, Value(Decimal("0.00"))))
        order.credit_taken = Decimal("0.00")


def _set_state(order: LicenceOrder, to_state: str, *, actor: User | None, note: str, fields: list[str]) -> None:
    from_state = order.state
    order.state = to_state
    order.save(update_fields=["state", *fields])
    _event(order, actor=actor, from_state=from_state, note=note)


def _audit_decision(kind: str, *, actor: User, order: LicenceOrder, **detail) -> None:
    security_event_record(
        kind=kind, actor=actor, account=order.account_id,
        detail={"order": order.number, "total": str(order.total), "currency": order.currency, **detail},
    )


@transaction.atomic
def vl_order_approve(*, actor: User, order: LicenceOrder, note: str = "") -> LicenceOrder:
    """"Approve": the account's sales executive accepts the special prices; the order goes on."""
    _staff(actor, order.account_id)
    _account, locked = _lock(order)
    _check_move(locked, State.APPROVED)
    if locked.state != State.ON_HOLD:
        raise LicensingError(_("Only an order awaiting approval can be approved."))
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.decision_reason = (note or "").strip()[:500]
    locked.hold_reason = ""
    _set_state(locked, State.APPROVED, actor=actor, note=note or "special price approved",
               fields=["decided_by", "decided_at", "decision_reason", "hold_reason"])
    _audit_decision(AuditKind.SPECIAL_PRICE_APPROVED, actor=actor, order=locked)
    _email_contact(locked, "vl-order-status")
    return locked


@transaction.atomic
def vl_order_reject(*, actor: User, order: LicenceOrder, reason: str) -> LicenceOrder:
    """"Reject": the order is closed with the reason given, and its credit returns to the account."""
    _staff(actor, order.account_id)
    reason = (reason or "").strip()
    if not reason:
        raise LicensingError(_("Give the reason for the rejection: the reseller reads it."), field="reason")
    account, locked = _lock(order)
    _check_move(locked, State.REJECTED)
    _give_back(account, locked)
    now = timezone.now()
    locked.decided_by, locked.decided_at, locked.cancelled_at = actor, now, now
    locked.decision_reason = reason[:500]
    locked.hold_reason = ""
    _set_state(locked, State.REJECTED, actor=actor, note=reason,
               fields=["decided_by", "decided_at", "cancelled_at", "decision_reason", "hold_reason", "credit_taken"])
    _audit_decision(AuditKind.SPECIAL_PRICE_REJECTED, actor=actor, order=locked, reason=locked.decision_reason)
    _email_contact(locked, "vl-order-status")
    return locked


@transaction.atomic
def vl_order_counter_offer(*, actor: User, order: LicenceOrder, prices: dict[int, Decimal], note: str = "") -> LicenceOrder:
    """Counter-offer: the sales executive proposes a price per line; the reseller accepts or declines."""
    _staff(actor, order.account_id)
    _account, locked = _lock(order)
    _check_move(locked, State.COUNTER_OFFER)
    lines = list(locked.lines.select_for_update().order_by("id"))
    changed = 0
    for line in lines:
        price = prices.get(line.pk)
        if price is None:
            raise LicensingError(_("%(sku)s: enter the price you offer.") % {"sku": line.sku}, field=f"price-{line.pk}", line=line.pk)
        if price <= 0 or price != price.quantize(Decimal("0.01")):
            raise LicensingError(
                _("%(sku)s: a price is an amount above zero with at most two decimals.") % {"sku": line.sku},
                field=f"price-{line.pk}",
                line=line.pk,
            )
        if price > line.list_price:
            raise LicensingError(
                _("%(sku)s: the offer is above the list price (%(price)s %(currency)s).")
                % {"sku": line.sku, "price": money_text(line.list_price), "currency": locked.currency},
                field=f"price-{line.pk}",
                line=line.pk,
            )
        if price != line.unit_price:
            changed += 1
    if not changed:
        raise LicensingError(_("The offer is the price already asked: approve the order instead."), field="prices")
    for line in lines:
        line.counter_price = prices[line.pk]
        line.save(update_fields=["counter_price"])
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.decision_reason = (note or "").strip()[:500]
    locked.hold_reason = _("Your sales executive offers other prices: accept or decline the counter-offer.")
    _set_state(locked, State.COUNTER_OFFER, actor=actor, note=note or "counter-offer",
               fields=["decided_by", "decided_at", "decision_reason", "hold_reason"])
    _audit_decision(
        AuditKind.SPECIAL_PRICE_COUNTER_OFFERED, actor=actor, order=locked,
        prices=[{"line": line.pk, "sku": line.sku, "asked": str(line.unit_price), "offered": str(line.counter_price)} for line in lines],
    )
    _email_contact(locked, "vl-order-status", lines=lines)
    return locked


def _contact_owns(contact: Contact, order: LicenceOrder) -> None:
    _check_contact(contact)
    if order.account_id != contact.account_id:
        raise LicensingError(_("This order is not your account's."))


@transaction.atomic
def vl_counter_offer_accept(*, contact: Contact, order: LicenceOrder) -> LicenceOrder:
    """The reseller accepts the counter-offer: its prices become the order's, and the order is approved."""
    _contact_owns(contact, order)
    account, locked = _lock(order)
    if locked.state != State.COUNTER_OFFER:
        raise LicensingError(_("There is no counter-offer to answer on this order."))
    lines = list(locked.lines.select_for_update().order_by("id"))
    total = Decimal("0.00")
    for line in lines:
        line.unit_price = line.counter_price
        line.line_total = money(line.unit_price * line.quantity)
        total += line.line_total
    # The counter-offer may cost more than the price asked: the credit line must hold the difference.
    extra = total - locked.credit_taken
    if extra > 0 and account.is_blocked:
        raise LicensingError(_("Your account is blocked: contact your sales executive."))
    if extra > 0 and extra > account.credit_available:
        raise LicensingError(
            _("Accepting needs %(extra)s %(currency)s more credit; %(available)s %(currency)s are available.")
            % {"extra": money_text(extra), "available": money_text(account.credit_available), "currency": locked.currency}
        )
    for line in lines:
        line.save(update_fields=["unit_price", "line_total"])
    Account.objects.filter(pk=account.pk).update(credit_used=Greatest(F("credit_used") + extra, Value(Decimal("0.00"))))
    locked.total = total
    locked.credit_taken = total
    locked.hold_reason = ""
    _set_state(locked, State.APPROVED, actor=contact.user, note="counter-offer accepted",
               fields=["total", "credit_taken", "hold_reason"])
    _email_sales_executive(locked, "vl-counter-answered", accepted=True)
    return locked


@transaction.atomic
def vl_counter_offer_decline(*, contact: Contact, order: LicenceOrder, reason: str = "") -> LicenceOrder:
    """The reseller declines the counter-offer: the order is cancelled and its credit returns."""
    _contact_owns(contact, order)
    account, locked = _lock(order)
    if locked.state != State.COUNTER_OFFER:
        raise LicensingError(_("There is no counter-offer to answer on this order."))
    _give_back(account, locked)
    locked.cancelled_at = timezone.now()
    locked.decision_reason = (reason or "").strip()[:500] or locked.decision_reason
    locked.hold_reason = ""
    _set_state(locked, State.CANCELLED, actor=contact.user, note=("counter-offer declined " + (reason or "").strip()).strip(),
               fields=["cancelled_at", "credit_taken", "decision_reason", "hold_reason"])
    _email_sales_executive(locked, "vl-counter-answered", accepted=False)
    return locked


# --- cancellation ---------------------------------------------------------------------------------

# States a reseller may cancel by itself: nothing has reached the manufacturer yet.
CONTACT_CANCELLABLE = (State.PLACED, State.ON_HOLD, State.COUNTER_OFFER, State.APPROVED)


def cancel_deadline(order: LicenceOrder):
    """The last moment a processed order may be cancelled (by a replacement order), or None."""
    if order.processed_at is None:
        return None
    return order.processed_at + timedelta(days=CANCEL_WINDOW_DAYS)


def cancel_refusal(order: LicenceOrder, *, now=None) -> str | None:
    """Why a processed or received order can never be cancelled, or None if a replacement may cancel it."""
    now = now or timezone.now()
    try:
        invoice = order.invoice
    except ObjectDoesNotExist:
        invoice = None
    if invoice is not None:
        return _("Order %(number)s is invoiced (%(invoice)s): ask your sales executive to cancel it with a credit note.") % {
            "number": order.number,
            "invoice": invoice.number,
        }
    lines = list(order.lines.all())
    if any(line.windows_legal for line in lines):
        return _("Windows Legal licences are never returned nor cancelled.")
    if any(line.is_cloud and line.activated_at for line in lines):
        return _("A cloud product of this order is already activated: it cannot be returned.")
    deadline = cancel_deadline(order)
    if deadline is not None and now > deadline:
        return _("The order was processed more than %(days)d days ago: it can no longer be cancelled.") % {"days": CANCEL_WINDOW_DAYS}
    return None


@transaction.atomic
def vl_order_cancel(
    *, actor: User, order: LicenceOrder, replacement: LicenceOrder | None = None, reason: str = ""
) -> LicenceOrder:
    """Cancel a licensing order under the rules of its state; the credit it took returns to the account.

    Before the manufacturer has it (placed, held, approved) the reseller or its sales executive
    cancels; once sent, only the sales executive or the back office; once processed, only within
    60 days, by a replacement order of equal or greater value, never for Windows Legal or activated
    cloud products.
    """
    contact = getattr(actor, "contact", None) if not actor.is_staff else None
    if contact is not None:
        _contact_owns(contact, order)
    else:
        _staff(actor, order.account_id)
    account, locked = _lock(order)
    if locked.state in LicenceOrder.CLOSED:
        raise LicensingError(_("Order %(number)s is already %(status)s.") % {"number": locked.number, "status": locked.get_state_display().lower()})
    invoice_number = Invoice.objects.filter(licence_order=locked).values_list("number", flat=True).first()
    if invoice_number is not None:
        # Its credit is now owed on the invoice: cancelling it is settled with a credit note by the
        # back office, not by returning the credit here.
        raise LicensingError(
            _("Order %(number)s is invoiced (%(invoice)s): ask your sales executive to cancel it with a credit note.")
            % {"number": locked.number, "invoice": invoice_number}
        )
    replaced = LicenceOrder.objects.filter(replaced_by=locked).values_list("number", flat=True).first()
    if replaced is not None and contact is not None:
        # Cancelling the replacement too would return the processed order without one, the very thing
        # the 60-day rule forbids; the sales executive decides such a case.
        raise LicensingError(
            _("Order %(number)s replaces the cancelled order %(replaced)s: ask your sales executive to cancel it.")
            % {"number": locked.number, "replaced": replaced}
        )
    if locked.state in (State.PROCESSED, State.RECEIVED):
        refusal = cancel_refusal(locked)
        if refusal:
            raise LicensingError(refusal)
        if replacement is None:
            raise LicensingError(
                _("A processed order is cancelled only by a replacement order of equal or greater value (%(total)s %(currency)s or more).")
                % {"total": money_text(locked.total), "currency": locked.currency},
                field="replacement",
            )
        replacement = LicenceOrder.objects.select_for_update().filter(pk=replacement.pk, account_id=locked.account_id).first()
        if replacement is None or replacement.pk == locked.pk:
            raise LicensingError(_("Choose one of your account's other licensing orders as the replacement."), field="replacement")
        if replacement.state in LicenceOrder.CLOSED:
            raise LicensingError(_("The replacement order is %(status)s.") % {"status": replacement.get_state_display().lower()}, field="replacement")
        if replacement.state in LicenceOrder.AWAITING_DECISION:
            # An order still awaiting a decision could be rejected or declined later, leaving the
            # processed order cancelled with no replacement at all.
            raise LicensingError(
                _("The replacement order still awaits a decision on its prices: it can replace this one once approved."),
                field="replacement",
            )
        if replacement.placed_at < locked.processed_at:
            raise LicensingError(_("The replacement must be an order placed after this one was processed."), field="replacement")
        if replacement.total < locked.total:
            raise LicensingError(
                _("The replacement order (%(replacement)s %(currency)s) is worth less than this order (%(total)s %(currency)s).")
                % {"replacement": money_text(replacement.total), "total": money_text(locked.total), "currency": locked.currency},
                field="replacement",
            )
        if LicenceOrder.objects.filter(replaced_by=replacement).exclude(pk=locked.pk).exists():
            raise LicensingError(_("That order already replaces another cancelled order."), field="replacement")
        locked.replaced_by = replacement
    elif locked.state == State.SENT and contact is not None:
        executive = locked.account.sales_executive
        raise LicensingError(
            _("The order is already with the manufacturer: ask your sales executive %(name)s to cancel it.")
            % {"name": (executive.get_full_name() or executive.email) if executive else ""}
        )
    elif replacement is not None:
        raise LicensingError(_("Only a processed order needs a replacement order."), field="replacement")
    _check_move(locked, State.CANCELLED)
    _give_back(account, locked)
    locked.cancelled_at = timezone.now()
    locked.decision_reason = (reason or "").strip()[:500] or locked.decision_reason
    locked.hold_reason = ""
    note = (reason or "").strip() or "cancelled"
    if locked.replaced_by_id:
        note = f"{note}; replaced by {locked.replaced_by.number}"
    _set_state(locked, State.CANCELLED, actor=actor, note=note,
               fields=["cancelled_at", "credit_taken", "decision_reason", "hold_reason", "replaced_by"])
    _email_contact(locked, "vl-order-status")
    return locked


# --- the back office ------------------------------------------------------------------------------


@transaction.atomic
def vl_order_move(
    *, actor: User, order: LicenceOrder, to_state: str, note: str = "", authorization_number: str = ""
) -> LicenceOrder:
    """The back office moves an order on: sent to the manufacturer, processed (with the manufacturer's
    authorization number, given here or recorded on the order before), received."""
    if to_state not in (State.SENT, State.PROCESSED, State.RECEIVED):
        raise LicensingError(_("Approve, reject or cancel an order with its own action."))
    _staff(actor, order.account_id)
    _account, locked = _lock(order)
    _check_move(locked, to_state)
    now = timezone.now()
    fields: list[str] = []
    if to_state == State.PROCESSED:
        authorization_number = (authorization_number or "").strip()
        if authorization_number:
            if len(authorization_number) > 40:
                raise LicensingError(_("An authorization number has at most 40 characters."), field="authorization_number")
            locked.authorization_number = authorization_number
            fields.append("authorization_number")
        if not locked.authorization_number.strip():
            raise LicensingError(_("Record the manufacturer's authorization number before marking the order processed."), field="authorization_number")
        locked.processed_at = now
        fields.append("processed_at")
    elif to_state == State.RECEIVED:
        lines = list(locked.lines.select_related("product__licensing").prefetch_related("keys").order_by("id"))
        missing = [
            line.sku
            for line in lines
            if getattr(getattr(line.product, "licensing", None), "delivers_key", False) and not line.keys.all()
        ]
        if missing:
            raise LicensingError(
                _("Record the software keys of %(skus)s before marking the order received.") % {"skus": ", ".join(missing)},
                field="keys",
            )
        LicenceKey.objects.filter(line__order=locked, handed_out_at__isnull=True).update(handed_out_at=now)
        locked.received_at = now
        locked.certificate_due_at = now + certificate_delay()
        fields += ["received_at", "certificate_due_at"]
    _set_state(locked, to_state, actor=actor, note=note, fields=fields)
    _email_contact(locked, "vl-order-status")
    return locked


@transaction.atomic
def vl_order_authorization_set(*, actor: User, order: LicenceOrder, authorization_number: str) -> LicenceOrder:
    """The back office records the manufacturer's authorization number, until the order is processed."""
    _staff(actor, order.account_id)
    _account, locked = _lock(order)
    number = (authorization_number or "").strip()
    if len(number) > 40:
        raise LicensingError(_("An authorization number has at most 40 characters."), field="authorization_number")
    if locked.state not in (State.PLACED, State.APPROVED, State.SENT):
        raise LicensingError(
            _("Order %(number)s is %(status)s: its authorization number can no longer change.")
            % {"number": locked.number, "status": locked.get_state_display().lower()},
            field="authorization_number",
        )
    if number != locked.authorization_number:
        locked.authorization_number = number
        locked.save(update_fields=["authorization_number"])
        _event(locked, actor=actor, from_state=locked.state, note=f"authorization number {number or '-'}")
    return locked


@transaction.atomic
def vl_line_mark_activated(*, actor: User, line: LicenceOrderLine) -> LicenceOrderLine:
    """The back office records that the end customer activated a cloud product (no return after)."""
    _staff(actor, line.order.account_id)
    # Account, then order, then line: a cancellation of the same order waits, or is waited for.
    _account, order = _lock(line.order)
    locked = LicenceOrderLine.objects.select_for_update().get(pk=line.pk)
    if not locked.is_cloud:
        raise LicensingError(_("Only a cloud product is activated."))
    if order.state not in (State.PROCESSED, State.RECEIVED):
        raise LicensingError(
            _("Only a processed or received order's product is activated; this order is %(status)s.")
            % {"status": order.get_state_display().lower()}
        )
    if locked.activated_at is None:
        locked.activated_at = timezone.now()
        locked.save(update_fields=["activated_at"])
        _event(order, actor=actor, from_state=order.state, note=f"{locked.sku} activated")
    return locked


# --- the eCertificate -----------------------------------------------------------------------------


def vl_certificates_due_ids(*, now=None) -> list[int]:
    """Received orders whose eCertificate is due and not yet released."""
    now = now or timezone.now()
    return list(
        LicenceOrder.objects.filter(state=State.RECEIVED, certificate_released_at__isnull=True, certificate_due_at__lte=now)
        .order_by("certificate_due_at", "id")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def vl_certificate_release(*, order_id: int) -> bool:
    """Render and store the eCertificate of a received order once 24 hours have passed, and tell the
    contact; False when it is not due or already released (so a second run does nothing)."""
    from licensing.certificates import certificate_pdf_render

    locked = (
        LicenceOrder.objects.select_for_update(of=("self",))
        .select_related("account", "placed_by__user")
        .filter(pk=order_id)
        .first()
    )
    if (
        locked is None
        or locked.state != State.RECEIVED
        or locked.certificate_released_at is not None
        or locked.certificate_due_at is None
        or locked.certificate_due_at > timezone.now()
    ):
        return False
    locked.certificate_released_at = timezone.now()
    _event(locked, actor=None, from_state=locked.state, note="eCertificate available")
    _email_contact(locked, "vl-certificate-available", downloads_url=_url("licensing:downloads"))
    # The file is written last: storage is not transactional, so a failure before this point leaves
    # no stray PDF behind.
    locked.certificate.save(f"{locked.number}-ecertificate.pdf", ContentFile(certificate_pdf_render(order=locked)), save=False)
    locked.save(update_fields=["certificate_released_at", "certificate"])
    return True


# --- software keys --------------------------------------------------------------------------------

# A software key as manufacturers print them: letters, digits and hyphens (XXXXX-XXXXX-...).
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{4,99}")
KEYS_STATES = (State.PROCESSED, State.RECEIVED)


@transaction.atomic
def vl_keys_record(*, actor: User, order: LicenceOrder, keys: dict[int, list[str]]) -> list[LicenceKey]:
    """The back office records the software keys the manufacturer gave, per key-delivering line."""
    _staff(actor, order.account_id)
    _account, locked = _lock(order)
    if locked.state not in KEYS_STATES:
        raise LicensingError(_("Software keys are recorded once the manufacturer has processed the order."))
    lines = {line.pk: line for line in locked.lines.select_related("product__licensing").prefetch_related("keys")}
    # A key is never given twice in one order, whatever its case.
    seen = {key.key.upper() for line in lines.values() for key in line.keys.all()}
    new: list[tuple[LicenceOrderLine, str]] = []
    for line_id, values in sorted(keys.items()):
        line = lines.get(line_id)
        if line is None:
            raise LicensingError(_("That line is not this order's."), field="keys")
        if not getattr(getattr(line.product, "licensing", None), "delivers_key", False):
            raise LicensingError(_("%(sku)s does not deliver a software key.") % {"sku": line.sku}, field=f"keys-{line.pk}", line=line.pk)
        cleaned = [value.strip() for value in values if value.strip()]
        for key in cleaned:
            if not KEY_PATTERN.fullmatch(key):
                raise LicensingError(
                    _("%(sku)s: “%(key)s” is not a software key (5 to 100 letters, digits and hyphens).") % {"sku": line.sku, "key": key[:40]},
                    field=f"keys-{line.pk}",
                    line=line.pk,
                )
            if key.upper() in seen:
                raise LicensingError(
                    _("%(sku)s: the key %(key)s is already recorded on this order.") % {"sku": line.sku, "key": key},
                    field=f"keys-{line.pk}",
                    line=line.pk,
                )
            seen.add(key.upper())
            new.append((line, key))
        if len(line.keys.all()) + len(cleaned) > line.quantity:
            raise LicensingError(
                _("%(sku)s: at most %(count)d keys, one per licence ordered.") % {"sku": line.sku, "count": line.quantity},
                field=f"keys-{line.pk}",
                line=line.pk,
            )
    if not new:
        raise LicensingError(_("Enter at least one software key."), field="keys")
    # Keys recorded after "received" go to the reseller at once; before, "received" hands them out.
    handed_out_at = timezone.now() if locked.state == State.RECEIVED else None
    created = LicenceKey.objects.bulk_create([LicenceKey(line=line, key=key, handed_out_at=handed_out_at) for line, key in new])
    _event(locked, actor=actor, from_state=locked.state, note=f"{len(created)} software key(s) recorded")
    return created
