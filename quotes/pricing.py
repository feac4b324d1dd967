"""A quote's selling prices: cost plus profit, rounded once per unit, the same for the page and the PDF.

The selling unit price is money(cost × (1 + percentage / 100)) or money(cost + exact value); a line's
total is that price times the amount (already in cents, never rounded again); the quote's total is
the sum of its lines. A line's own profit, when it has one, overrides the quote's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from quotes.models import ProfitKind, Quote, QuoteLine
from storefront.money import money

MAX_PERCENT = Decimal("1000")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def selling_price(*, cost: Decimal, kind: str, value: Decimal) -> Decimal:
    """The reseller's selling unit price for that cost and profit, rounded to cents."""
    if kind == ProfitKind.AMOUNT:
        return money(cost + value)
    return money(cost * (1 + value / HUNDRED))


def profit_problem(*, cost: Decimal | None, kind: str, value: Decimal | None) -> str | None:
    """Why that profit is refused (negative, below cost, over 1000 %), or None."""
    if kind not in ProfitKind.values:
        return _("Choose a percentage or an exact value.")
    if value is None:
        return _("Enter the profit.")
    try:
        if not value.is_finite():
            return _("Enter the profit as a number.")
    except (AttributeError, InvalidOperation):
        return _("Enter the profit as a number.")
    if value < 0:
        return _("The profit cannot be negative: the price would be below your cost.")
    if kind == ProfitKind.PERCENT and value > MAX_PERCENT:
        return _("The profit cannot be over 1000 %.")
    if kind == ProfitKind.AMOUNT and cost is not None and value > cost * MAX_PERCENT / HUNDRED:
        return _("The profit cannot be over 1000 % of the cost.")
    return None


@dataclass
class PricedLine:
    line: QuoteLine
    kind: str
    value: Decimal
    own_profit: bool
    unit_price: Decimal
    line_total: Decimal


@dataclass
class PricedQuote:
    quote: Quote
    lines: list[PricedLine] = field(default_factory=list)
    total: Decimal = ZERO

    @property
    def count(self) -> int:
        return len(self.lines)


def line_profit(line: QuoteLine, quote: Quote) -> tuple[str, Decimal, bool]:
    """The profit a line sells at: its own, or the quote's."""
    if line.profit_kind and line.profit_value is not None:
        return line.profit_kind, line.profit_value, True
    return quote.profit_kind, quote.profit_value, False


def quote_priced(*, quote: Quote, lines: Iterable[QuoteLine]) -> PricedQuote:
    """The quote's lines at the reseller's selling prices, and its total."""
    priced = PricedQuote(quote=quote)
    for line in lines:
        kind, value, own = line_profit(line, quote)
        unit = selling_price(cost=line.cost, kind=kind, value=value)
        total = unit * line.quantity
        priced.lines.append(PricedLine(line=line, kind=kind, value=value, own_profit=own, unit_price=unit, line_total=total))
        priced.total += total
    return priced
