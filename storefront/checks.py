"""System checks of settings that only fail under a fault."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

# A delivery's socket operations, each bounded by EMAIL_TIMEOUT: connect and greeting, EHLO, MAIL,
# RCPT, DATA, the message, its final ".", QUIT.
SMTP_ROUNDS = 8


@register()
def outbox_claim_outlasts_a_send(**kwargs: Any) -> list[Warning]:
    """The claim must outlast the slowest send, or a second worker sends the same email meanwhile."""
    slowest = SMTP_ROUNDS * settings.EMAIL_TIMEOUT
    if settings.OUTBOX_CLAIM_SECONDS > slowest:
        return []
    return [
        Warning(
            f"OUTBOX_CLAIM_SECONDS ({settings.OUTBOX_CLAIM_SECONDS}) is not longer than the slowest send "
            f"({SMTP_ROUNDS} x EMAIL_TIMEOUT = {slowest}s): a slow send can be claimed and sent again.",
            hint="Raise OUTBOX_CLAIM_SECONDS or lower EMAIL_TIMEOUT.",
            id="storefront.W001",
        )
    ]
