"""Money: Decimal only, rounded in this one place."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

CENT = Decimal("0.01")


def money(amount: Decimal | int) -> Decimal:
    """Round an amount to cents, half up (the way invoices round)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(amount: Decimal) -> str:
    """An amount as messages show it: two decimals, grouped, in the reader's locale (1,234.50)."""
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
