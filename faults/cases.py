"""The faults, one function each: break something the suite started, keep ordering, mend it, and
return the ledger's figures. Each takes the suite (its stack, resellers and settings)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg

from faults.ledger import Figures, Ledger
from faults.shop import Attempt, Reseller
from faults.stack import EMAIL_TIMEOUT, OUTBOX_CLAIM_SECONDS, OUTBOX_RETRY_AFTER_SECONDS, OUTBOX_SWEEP_SECONDS, WORKER_CONCURRENCY

# What Celery logs when an ack fails (kombu's Message.ack_log_error).
NOT_ACKED = "Couldn't ack"
# While Redis is down, each reseller places at most one order in this many seconds.
ORDER_EVERY_SECONDS = 0.25


def _in_threads(resellers: list[Reseller], work: Callable[[Reseller], list[Attempt]]) -> list[Attempt]:
    """Each reseller on its own thread (and its own database connection in this process)."""
    from django.db import connection

    def run(reseller: Reseller) -> list[Attempt]:
        try:
            return work(reseller)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(resellers)) as pool:
        return [attempt for attempts in pool.map(run, resellers) for attempt in attempts]


def _not_acked(suite: Any) -> int:
    """How many acks the email worker has logged as failed."""
    return suite.stack.worker.log.read_text(errors="replace").count(NOT_ACKED)


def redis_down(suite: Any) -> Figures:
    """Redis stopped for a while as resellers order: every order saved, its email sent once Redis is back."""
    seconds = suite.redis_down_seconds
    ledger = Ledger(suite, f"Redis down {seconds:.0f}s")
    shoppers = suite.resellers[:4]
    suite.stack.stop_redis()
    down_until = time.monotonic() + seconds

    def shop(reseller: Reseller) -> list[Attempt]:
        attempts = []
        while time.monotonic() < down_until:
            started = time.monotonic()
            attempts.append(reseller.order())
            # With Redis down a Finish order takes no longer than with it up (the outbox doesn't try
            # to publish): unpaced, four resellers place thousands in the minute, and the time the
            # worker then needs to send them all would be what the ledger's wait measures.
            time.sleep(max(0.0, ORDER_EVERY_SECONDS - (time.monotonic() - started)))
        return attempts

    try:
        attempts = _in_threads(shoppers, shop)
    finally:
        suite.stack.start_redis()
    back = time.monotonic()
    figures = ledger.close(attempts, recover_from=back)
    slowest = max((attempt.seconds for attempt in attempts), default=0.0)
    figures.notes.append(f"slowest Finish order with Redis down {slowest:.2f}s")
    if slowest > 10:
        figures.problems.append(f"a Finish order took {slowest:.1f}s with Redis down: publishing must fail fast")
    return figures


def redis_frozen(suite: Any) -> Figures:
    """Redis frozen (SIGSTOP: connections open, nothing answered) for a while as resellers order: the
    timeouts, not the operating system, decide how long a Finish order waits (Celery #4296); and the
    email worker, whose acks met the frozen Redis, goes on sending once Redis is back."""
    seconds = 10.0
    ledger = Ledger(suite, f"Redis frozen {seconds:.0f}s")
    shoppers = suite.resellers[4:6]
    sink = suite.stack.sink
    not_acked_before = _not_acked(suite)
    # Freeze Redis while each of the email worker's threads holds a message it has just sent, so their
    # acks meet the frozen Redis: kombu kept an ack's prefetch slot when Redis didn't answer, and a
    # worker with every slot so held never took another message (once, after the Redis fault above).
    # A web process that found Redis unreachable in a fault before leaves emails to the sweep for
    # RETRY_AFTER seconds (storefront/cache.py): the staged emails must reach the worker at once.
    from storefront.cache import RETRY_AFTER

    time.sleep(RETRY_AFTER)
    sink.delay_next_data(EMAIL_TIMEOUT - 0.5, count=WORKER_CONCURRENCY)
    attempts = _in_threads(suite.resellers[6 : 6 + WORKER_CONCURRENCY], lambda reseller: [reseller.order()])
    if not sink.data_pending.wait(timeout=30):
        ledger.figures.problems.append(f"the worker never held {WORKER_CONCURRENCY} emails at once at DATA")
    redis_pid = suite.stack.redis.popen.pid
    os.kill(redis_pid, signal.SIGSTOP)
    frozen_until = time.monotonic() + seconds

    def shop(reseller: Reseller) -> list[Attempt]:
        attempts = [reseller.order()]
        while time.monotonic() < frozen_until:
            attempts.append(reseller.order())
        return attempts

    try:
        frozen = _in_threads(shoppers, shop)
    finally:
        sink.data_delay = 0.0
        os.kill(redis_pid, signal.SIGCONT)
    figures = ledger.close(attempts + frozen, recover_from=time.monotonic())
    slowest = max((attempt.seconds for attempt in frozen), default=0.0)
    figures.notes.append(f"slowest Finish order with Redis frozen {slowest:.2f}s")
    not_acked = _not_acked(suite) - not_acked_before
    figures.notes.append(f"{not_acked} acks Redis didn't answer; the worker took the next emails all the same")
    if not_acked < WORKER_CONCURRENCY:
        figures.problems.append(f"{not_acked} acks met the frozen Redis, staged {WORKER_CONCURRENCY}: the freeze missed the worker's acks")
    if slowest > 10:
        figures.problems.append(f"a Finish order took {slowest:.1f}s with Redis frozen: the Redis timeouts must bound it")
    return figures


def worker_stopped(suite: Any) -> Figures:
    """The worker stopped while `orders` orders are placed, then started: as many emails, none twice."""
    count = suite.orders
    ledger = Ledger(suite, f"worker stopped, {count} orders")
    suite.stack.stop_worker()
    shoppers = suite.resellers[:8]
    per = [count // len(shoppers) + (1 if index < count % len(shoppers) else 0) for index in range(len(shoppers))]
    quota = dict(zip((reseller.username for reseller in shoppers), per, strict=True))
    try:
        attempts = _in_threads(shoppers, lambda reseller: [reseller.order() for _ in range(quota[reseller.username])])
        received_while_down = sum((suite.stack.sink.copies() - ledger.copies_before).values())
    finally:
        restarted = time.monotonic()
        suite.stack.start_worker()
    figures = ledger.close(attempts, recover_from=restarted)
    figures.notes.append(f"{received_while_down} emails sent while the worker was stopped")
    if figures.placed != count:
        figures.problems.append(f"{figures.placed} orders placed of {count}")
    return figures


def worker_killed_mid_send(suite: Any) -> Figures:
    """SIGKILL the worker while the sink holds its message's DATA: the email is sent once, later."""
    ledger = Ledger(suite, "worker SIGKILLed mid-send")
    sink = suite.stack.sink
    aborted_before = sink.aborted
    sink.delay_next_data(EMAIL_TIMEOUT - 0.5)
    try:
        attempts = [suite.resellers[0].order()]
        if not sink.data_pending.wait(timeout=30):
            ledger.figures.problems.append("the worker never reached DATA")
        suite.stack.kill_worker()
        killed = time.monotonic()
    finally:
        sink.data_delay = 0.0
        if suite.stack.worker.popen.poll() is not None:
            suite.stack.start_worker()
    figures = ledger.close(attempts, recover_from=killed)
    aborted = sink.aborted - aborted_before
    figures.notes.append(f"{aborted} message cut mid-DATA; resent after the claim ({OUTBOX_CLAIM_SECONDS}s) expired")
    if aborted != 1:
        figures.problems.append(f"{aborted} messages cut mid-DATA, expected 1: the kill missed the send")
    return figures


def smtp_temporary_failure(suite: Any) -> Figures:
    """SMTP answers 451 for a while, then 250: every email retried and delivered once."""
    from storefront.models import OutboundEmail

    seconds = 8.0
    ledger = Ledger(suite, f"SMTP 451 for {seconds:.0f}s")
    suite.stack.sink.temporary_failure(seconds)
    until = time.monotonic() + seconds
    attempts = _in_threads(suite.resellers[:3], lambda reseller: [reseller.order()])
    figures = ledger.close(attempts, recover_from=until)
    tries = list(OutboundEmail.objects.filter(pk__gt=ledger.before["last_email"]).values_list("attempts", flat=True))
    figures.notes.append(f"attempts per email {min(tries, default=0)}-{max(tries, default=0)}")
    if tries and max(tries) < 2:
        figures.problems.append("no email met the 451: the fault was not exercised")
    return figures


def smtp_refused(suite: Any) -> Figures:
    """SMTP answers 550 for one recipient: that email is failed, shown in the admin, never retried."""
    from storefront.models import OutboundEmail

    ledger = Ledger(suite, "SMTP 550 for one recipient")
    refused_reseller, other = suite.resellers[-1], suite.resellers[1]
    address = suite.email_of(refused_reseller)
    suite.stack.sink.refuse(address)
    attempts = [refused_reseller.order(), other.order()]
    # Long enough for several sweeps to have retried it, were it retried.
    time.sleep(OUTBOX_RETRY_AFTER_SECONDS + 3 * OUTBOX_SWEEP_SECONDS)
    figures = ledger.close(attempts, refused={address})
    email = OutboundEmail.objects.filter(pk__gt=ledger.before["last_email"], to=address).first()
    tries = suite.stack.sink.rcpt_attempts[address]
    figures.notes.append(f"refused recipient tried {tries} time(s), state {email.state if email else None}")
    if email is None or email.attempts != 1 or tries != 1:
        figures.problems.append(f"the refused email was tried {tries} times at the sink ({email.attempts if email else 0} in the outbox): it must be tried once")
    shown = suite.admin_failed_emails_page()
    if address not in shown or "550" not in shown:
        figures.problems.append("the failed email and its 550 are not shown in the admin's failed emails")
    else:
        figures.notes.append("shown in the admin's failed emails with its 550")
    return figures


def smtp_hang(suite: Any) -> Figures:
    """SMTP accepts connections and says nothing for a while: each attempt cut by EMAIL_TIMEOUT, then sent."""
    seconds = 8.0
    ledger = Ledger(suite, f"SMTP silent for {seconds:.0f}s")
    sink = suite.stack.sink
    cut_before = len(sink.hung_cut_after)
    sink.hang(seconds)
    until = time.monotonic() + seconds
    attempts = [suite.resellers[2].order()]
    figures = ledger.close(attempts, recover_from=until)
    cuts = sink.hung_cut_after[cut_before:]
    figures.notes.append(f"hung connections cut by the client after {', '.join(f'{c:.1f}s' for c in cuts) or 'never'} (EMAIL_TIMEOUT {EMAIL_TIMEOUT}s)")
    if not cuts:
        figures.problems.append("no hung connection was cut by the client's timeout")
    elif max(cuts) > EMAIL_TIMEOUT + 2:
        figures.problems.append(f"a hung connection lasted {max(cuts):.1f}s, past EMAIL_TIMEOUT ({EMAIL_TIMEOUT}s)")
    return figures


def database_killed(suite: Any) -> Figures:
    """The web worker's database connection terminated mid-order: nothing of it kept; the same form again
    places one order, and a third press answers with that same order."""
    from catalog.models import Stock
    from orders.models import CartLine, Order

    ledger = Ledger(suite, "DB connection killed mid-order")
    figures = ledger.figures
    reseller = suite.resellers[3]
    reseller.fill_cart()
    data = reseller.checkout_form()
    line = CartLine.objects.select_related("cart__contact__account").get(cart__contact__user__username=reseller.username)
    account = line.cart.contact.account
    credit_before = account.credit_used
    stock_before = sorted(Stock.objects.filter(product_id=line.product_id).values_list("pk", "quantity"))

    # Another session holds the cart line's row, which the order deletes last: the order waits there
    # with its credit taken, order, lines and allocations inserted and stock lowered, uncommitted.
    # The watcher is a connection of its own, in autocommit: inside the blocker's transaction
    # pg_stat_activity would be one snapshot, taken before the order started waiting.
    with psycopg.connect(suite.psycopg_url) as blocker, psycopg.connect(suite.psycopg_url, autocommit=True) as watcher:
        blocker.execute("SELECT 1 FROM orders_cartline WHERE id = %s FOR UPDATE", (line.pk,))
        blocker_pid = blocker.info.backend_pid
        result: dict[str, Attempt] = {}
        request = threading.Thread(target=lambda: result.update(first=reseller.finish(data)))
        request.start()
        waiting = None
        deadline = time.monotonic() + 20
        while waiting is None and time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT a.pid, left(a.query, 60), l.locktype, l.relation::regclass::text FROM pg_stat_activity a "
                "LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted "
                "WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(a.pid))",
                (blocker_pid,),
            ).fetchone()
            time.sleep(0.05)
        if waiting is None:
            figures.problems.append("the order never waited on the held row")
        else:
            watcher.execute("SELECT pg_terminate_backend(%s)", (waiting[0],))
            figures.notes.append(f"killed backend {waiting[0]} waiting for a {waiting[2]} lock ({waiting[3]}) in {waiting[1]!r}")
        blocker.rollback()
        request.join(timeout=60)
    first = result.get("first")
    if first is None or first.placed:
        figures.problems.append(f"the request whose connection was killed answered {first.status if first else 'nothing'}, as placed")
    else:
        figures.notes.append(f"the cut request answered {first.status or first.error}")
    account.refresh_from_db()
    if Order.objects.filter(submission_key=data["submission_key"]).exists():
        figures.problems.append("the killed transaction left an order")
    if account.credit_used != credit_before:
        figures.problems.append(f"the killed transaction changed credit used: {credit_before} -> {account.credit_used}")
    if sorted(Stock.objects.filter(product_id=line.product_id).values_list("pk", "quantity")) != stock_before:
        figures.problems.append("the killed transaction changed stock")
    if not CartLine.objects.filter(pk=line.pk).exists():
        figures.problems.append("the killed transaction emptied the cart")

    again = reseller.finish(data)
    third = reseller.finish(data)
    if not third.placed or third.number != again.number:
        figures.problems.append(f"a third press answered {third.status} {third.number}, not the order {again.number}")
    if Order.objects.filter(submission_key=data["submission_key"]).count() != 1:
        figures.problems.append("the submission key does not have exactly one order")
    closed = ledger.close([again])
    closed.submitted = 1
    closed.notes.append("same form sent again: one order; a third time: the same order")
    return closed


FAULTS: dict[str, Callable[[Any], Figures]] = {
    "redis": redis_down,
    "redis-frozen": redis_frozen,
    "worker-stopped": worker_stopped,
    "worker-killed": worker_killed_mid_send,
    "smtp-451": smtp_temporary_failure,
    "smtp-550": smtp_refused,
    "smtp-hang": smtp_hang,
    "db-killed": database_killed,
}
