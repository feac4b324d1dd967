"""What a fault must leave behind: the order ledger of bench/load.py, and every order's email received
exactly once at the SMTP sink (counted by Message-ID), or refused for good where the fault says so."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bench.load import ledger_check, ledger_snapshot
from faults.shop import Attempt

RESELLER_DOMAIN = "@load-reseller.test"
# ledger_check waits for the database to say "sent"; the suite counts at the sink instead, and a
# refused email is never sent: that one check of ledger_check's is replaced, not skipped.
REPLACED_CHECK = "order emails not delivered by the"  # "...the email worker within ..."


@dataclass
class Figures:
    fault: str
    submitted: int = 0
    placed: int = 0
    emails_expected: int = 0
    emails_sent: int = 0
    duplicates: int = 0
    refused: int = 0
    recovery_seconds: float | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def copies_at_sink(sink: Any, message_ids: Iterable[str], *, copies_before: Counter, wait: float) -> Counter:
    """How many times each message reached the sink since `copies_before`, once every one of
    `message_ids` has arrived or `wait` seconds have passed (the email worker may still be sending)."""
    expected = set(message_ids)
    deadline = time.monotonic() + wait
    while True:
        copies = sink.copies() - copies_before
        if all(copies[mid] for mid in expected) or time.monotonic() > deadline:
            return copies
        time.sleep(0.2)


class Ledger:
    """Taken before a fault; `close()` after it checks orders, credit, stock and emails."""

    def __init__(self, suite: Any, fault: str) -> None:
        self.suite = suite
        self.figures = Figures(fault)
        self.before = ledger_snapshot()
        self.copies_before = suite.stack.sink.copies()
        self.started = time.monotonic()

    def close(
        self,
        attempts: list[Attempt],
        *,
        recover_from: float | None = None,
        refused: set[str] = frozenset(),
        email_wait: float = 60.0,
    ) -> Figures:
        from storefront.emails import email_message_id
        from storefront.models import OutboundEmail

        figures = self.figures
        figures.submitted = len({attempt.submission_key for attempt in attempts})
        answered = [
            {"username": attempt.username, "submission_key": attempt.submission_key, "number": attempt.number}
            for attempt in attempts
            if attempt.placed
        ]
        failed = [attempt for attempt in attempts if not attempt.placed]
        if failed:
            figures.problems.append(f"{len(failed)} Finish orders not placed, first: {failed[0].error}")

        emails = list(OutboundEmail.objects.filter(pk__gt=self.before["last_email"], to__endswith=RESELLER_DOMAIN))
        expected = {email_message_id(email): email for email in emails if email.to not in refused}
        figures.emails_expected = len(expected)

        sink = self.suite.stack.sink
        now_copies = copies_at_sink(sink, expected, copies_before=self.copies_before, wait=email_wait)
        figures.emails_sent = sum(1 for mid in expected if now_copies[mid])
        figures.duplicates = sum(n - 1 for n in now_copies.values() if n > 1)
        missing = [expected[mid].pk for mid in expected if not now_copies[mid]]
        if missing:
            figures.problems.append(f"{len(missing)} order emails never reached the sink within {email_wait:.0f}s (outbox ids {missing[:5]})")
        if figures.duplicates:
            figures.problems.append(f"{figures.duplicates} duplicate emails at the sink")
        arrivals = [message.at for message in sink.received if message.message_id in expected]
        if recover_from is not None and arrivals and not missing:
            figures.recovery_seconds = round(max(0.0, max(arrivals) - recover_from), 1)

        for email in emails:
            if email.to in refused:
                figures.refused += 1
                if email.state != OutboundEmail.State.FAILED or now_copies[email_message_id(email)]:
                    figures.problems.append(f"the email to {email.to} refused for good is {email.state}, received {now_copies[email_message_id(email)]} times")

        ledger = ledger_check(self.before, answered, email_wait=0)
        figures.placed = ledger["orders_in_database"]
        figures.problems += [problem for problem in ledger["problems"] if REPLACED_CHECK not in problem]
        if figures.placed != len(answered):
            figures.problems.append(f"{figures.placed} orders in the database for {len(answered)} answered")
        figures.seconds = round(time.monotonic() - self.started, 1)
        return figures
