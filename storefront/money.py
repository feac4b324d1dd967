"""Money: Decimal only, rounded in this one place."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(amount: Decimal | int) -> Decimal:
    """Round an amount to cents, half up (the way invoices round)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
