"""The reliability load (`make reliability`, `python -m bench.reliability`): resellers in pairs that
share tight credit lines, all after the same few scarce products, some pressing Finish order twice,
for two minutes against the store in production shape; then the ledger, in the database and at the
mail server. docs/reliability.md has what it does, how to run it and the figures of a run.

1. The fault suite's stack (faults/stack.py) prepares a PostgreSQL database of its own
   (storefront_reliability, dropped and created): migrate, seed_demo, bench/load.py's reseller
   contacts (two per account), then `seed_contention`: every reseller account's credit limit set to
   a few typical orders (--credit-orders) with nothing used, and a few scarce products
   (--scarce-products) held at a handful of units (--scarce-units) in each country's stock.
2. The stack starts gunicorn (2 workers), the two Celery workers and beat under production settings,
   with production's outbox timings and email worker, on a Redis database of its own (db 11 of the
   machine's Redis, emptied first), and the fault suite's SMTP sink as the mail server: every email
   delivered is counted there by Message-ID.
3. bench/contention.py's resellers (Locust, in a child process) shop for the given time, while a
   thread here samples the limits every half second (`LimitWatch`).
4. `reliability_check` checks the ledger; the figures are printed; any broken invariant exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import threading
import traceback
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.load import TEST_ONLY_ENV, LoadError, _drive, _load_redis_url, seed_resellers
from faults.ledger import copies_at_sink
from faults.stack import Stack, _say

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/storefront_reliability"
# Its own database of the machine's Redis (bench/load.py has 13; the fault suite runs a redis-server
# of its own): emptied at the start, so no task of an earlier run is delivered into this one.
RELIABILITY_REDIS_DB = 11
USERS = 50
SECONDS = 120
SCARCE_PRODUCTS = 6
SCARCE_UNITS = 4
SCARCE_MAX_QUANTITY = 2
CREDIT_ORDERS = 3
SCARCE_SHARE = 0.3
DOUBLE_SHARE = 0.2
CANCEL_SHARE = 0.7
SAMPLE_SECONDS = 0.5
RESELLER_DOMAIN = "@load-reseller.test"
MARKER = "reliability"


def say(message: str) -> None:
    _say(message, MARKER)


# --- inside Django: the seed (run through `manage.py shell`), the watch and the ledger --------------


def seed_contention(
    count: int, *, scarce_products: int = SCARCE_PRODUCTS, scarce_units: int = SCARCE_UNITS, credit_orders: float = CREDIT_ORDERS
) -> dict[str, Any]:
    """bench/load.py's resellers, then the contention: tight credit lines and a few scarce products.

    A typical order is two units (the mean of the one to three a reseller orders) at the median price,
    for the account's price list, of the products in stock in the categories the resellers browse;
    each account's limit is `credit_orders` typical orders. The scarce products are hardware priced
    at or under the median in every country the resellers buy in (so refusing them is about stock,
    not credit), each held at `scarce_units` units in one warehouse of each country (its other
    warehouses there at 0)."""
    from django.db import transaction

    from accounts.models import Account, Contact
    from catalog.models import Availability, Product, Stock
    from catalog.selectors import Pricing, products_priced
    from catalog.services import availability_refresh
    from storefront.money import money

    plan = seed_resellers(count)
    accounts = list(Account.objects.filter(customer_code__startswith="LOAD-").order_by("customer_code"))
    # One contact per account stands for its pricing (the pair shares it).
    pricing_of = {account.pk: Pricing.for_contact(Contact.objects.filter(account=account).order_by("pk").first()) for account in accounts}
    by_list = {}  # price list -> the country and pricing of an account that buys from it
    for account in accounts:
        by_list.setdefault(account.price_list_id, (account.country, pricing_of[account.pk]))
    currency_of = {account.price_list_id: account.currency for account in accounts}
    countries = sorted({country for country, _pricing in by_list.values()})

    browsed = list(
        Product.objects.filter(category__slug__in=plan["categories"], product_type=Product.Type.HARDWARE, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    prices: dict[int, dict[int, Decimal]] = {}  # price list -> product -> price
    for list_id, (country, pricing) in by_list.items():
        in_stock = set(Availability.objects.filter(product_id__in=browsed, country=country, quantity__gt=0).values_list("product_id", flat=True))
        priced = products_priced(product_ids=browsed, pricing=pricing)
        prices[list_id] = {
            pk: product.price for pk, product in priced.items() if pk in in_stock and product.price is not None and not product.licensing_program
        }
    medians = {list_id: statistics.median(table.values()) for list_id, table in prices.items()}

    limits = {}
    with transaction.atomic():
        for account in accounts:
            limit = money(Decimal(credit_orders) * 2 * medians[account.price_list_id])
            Account.objects.filter(pk=account.pk).update(credit_limit=limit, credit_used=Decimal("0.00"))
            limits[account.customer_code] = str(limit)

        cheap_everywhere = sorted(set.intersection(*(
            {pk for pk, price in table.items() if price <= medians[list_id]} for list_id, table in prices.items()
        )))
        scarce = list(Product.objects.filter(pk__in=cheap_everywhere).order_by("pk")[:scarce_products])
        for product in scarce:
            for country in countries:
                rows = list(Stock.objects.filter(product=product, warehouse__country=country).order_by("warehouse_id"))
                for index, row in enumerate(rows):
                    row.quantity = scarce_units if index == 0 else 0
                Stock.objects.bulk_update(rows, ["quantity"])
    availability_refresh(product_ids=[product.pk for product in scarce])
    return {
        **plan,
        "scarce": [product.sku for product in scarce],
        "countries": countries,
        "credit_limits": limits,
        "typical_order": {currency_of[list_id]: str(money(2 * median)) for list_id, median in medians.items()},
    }


def _run_orders(last_order: int) -> Any:
    from orders.models import Order

    return Order.objects.filter(pk__gt=last_order, placed_by__user__username__startswith="load.")


def scarce_units(*, skus: list[str], countries: list[str], last_order: int) -> dict[str, dict[str, int]]:
    """For each scarce product, in one statement (one snapshot, so it holds mid-run too): units held
    in the resellers' countries, and units in the run's open (not cancelled) orders taken from there."""
    from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from catalog.models import Product, Stock
    from orders.models import Order, StockAllocation

    held = (
        Stock.objects.filter(product=OuterRef("pk"), warehouse__country__in=countries)
        .order_by().values("product").annotate(n=Sum("quantity")).values("n")
    )
    in_open_orders = (
        StockAllocation.objects.filter(line__product=OuterRef("pk"), warehouse__country__in=countries, line__order__pk__gt=last_order)
        .exclude(line__order__state=Order.State.CANCELLED)
        .order_by().values("line__product").annotate(n=Sum("quantity")).values("n")
    )
    zero = Value(0, output_field=IntegerField())
    rows = Product.objects.filter(sku__in=skus).annotate(
        held=Coalesce(Subquery(held, output_field=IntegerField()), zero),
        open=Coalesce(Subquery(in_open_orders, output_field=IntegerField()), zero),
    )
    return {row.sku: {"held": row.held, "open": row.open} for row in rows}


def credit_over_limit() -> dict[str, str] | None:
    """max(credit used - limit) over the reseller accounts, with the account and its currency
    (negative: every account is within its limit)."""
    from django.db.models import F

    from accounts.models import Account

    row = (
        Account.objects.filter(customer_code__startswith="LOAD-")
        .annotate(over=F("credit_used") - F("credit_limit"))
        .order_by("-over", "customer_code")
        .values("over", "currency", "customer_code")
        .first()
    )
    if row is None:
        return None
    return {"over": str(Decimal(row["over"]).quantize(Decimal("0.01"))), "currency": row["currency"], "account": row["customer_code"]}


def over_text(over: dict[str, str] | None) -> str:
    return "-" if over is None else f"{over['over']} {over['currency']} ({over['account']})"


def reliability_snapshot(*, skus: list[str], countries: list[str]) -> dict[str, Any]:
    """Before the run: bench/load.py's snapshot, the scarce products' units and the credit limits."""
    from accounts.models import Account
    from bench.load import ledger_snapshot

    before = ledger_snapshot()
    before["scarce"] = {sku: units["held"] for sku, units in scarce_units(skus=skus, countries=countries, last_order=before["last_order"]).items()}
    before["countries"] = countries
    before["credit_limit"] = {code: str(limit) for code, limit in Account.objects.filter(customer_code__startswith="LOAD-").values_list("customer_code", "credit_limit")}
    return before


class LimitWatch(threading.Thread):
    """Samples the limits while the resellers shop: the largest credit used over its limit, and for
    each scarce product, units in open orders over its initial stock and units unaccounted for."""

    def __init__(self, before: dict[str, Any], interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(name="limit-watch", daemon=True)
        self.before = before
        self.interval = interval
        self.done = threading.Event()
        self.samples = 0
        self.max_credit_over: dict[str, str] | None = None
        self.max_oversold = 0
        self.unaccounted: list[str] = []
        self.error = ""

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.done.wait(self.interval):
                self.sample()
        except Exception as exc:  # reported with the figures: a watch that stopped proved nothing
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    def sample(self) -> None:
        over = credit_over_limit()
        if over is not None and (self.max_credit_over is None or Decimal(over["over"]) > Decimal(self.max_credit_over["over"])):
            self.max_credit_over = over
        units = scarce_units(skus=list(self.before["scarce"]), countries=self.before["countries"], last_order=self.before["last_order"])
        for sku, now in units.items():
            initial = self.before["scarce"][sku]
            self.max_oversold = max(self.max_oversold, now["open"] - initial)
            if now["held"] + now["open"] != initial and len(self.unaccounted) < 5:
                self.unaccounted.append(f"{sku}: {now['held']} held + {now['open']} in open orders, of {initial}")
        self.samples += 1

    def stop(self) -> dict[str, Any]:
        self.done.set()
        if self.ident is not None:  # started (a test samples by hand)
            self.join(timeout=30)
        return {
            "samples": self.samples,
            "max_credit_over_limit": self.max_credit_over,
            "max_oversold_units": self.max_oversold,
            "unaccounted": self.unaccounted,
            "error": self.error,
        }


def submission_outcome(answers: list[dict[str, Any]]) -> str:
    """A submission's outcome over its answers: placed if any answer was its order's page."""
    if any(answer["outcome"] == "placed" for answer in answers):
        return "placed"
    if any(answer["outcome"] == "failed" for answer in answers):
        return "failed"
    return answers[0]["outcome"]


def double_outcome(answers: list[dict[str, Any]], *, at_once: bool) -> str:
    """What the two presses of one form were answered. Sent at once, either may be served first: one
    refused and the other placed means credit or stock was freed in between (a Cancel order of the
    partner's). Back to back, the second press of a placed form must show that order again, so
    "placed, then refused" is a broken promise."""
    numbers = {answer["number"] for answer in answers if answer["outcome"] == "placed"}
    placed = [answer["outcome"] == "placed" for answer in answers]
    if any(answer["outcome"] == "failed" for answer in answers):
        return "failed"
    if len(numbers) > 1:
        return "two orders"
    if all(placed):
        return "one order, both pages"
    if not any(placed):
        return "refused twice"
    if at_once:
        return "one order and a refusal"
    return "placed, then refused" if placed[0] else "refused, then placed"


BROKEN_DOUBLES = ("two orders", "placed, then refused")


def reliability_check(before: dict[str, Any], driven: dict[str, Any], *, sink: Any, copies_before: Counter, email_wait: float = 60.0) -> dict[str, Any]:
    """After the run: every invariant of the reliability load, with its figures and its problems."""
    from django.db.models import Count, F

    from accounts.models import Account
    from bench.load import ledger_check
    from orders.models import Order, OrderEvent, OrderLine
    from storefront.emails import email_message_id
    from storefront.models import OutboundEmail

    problems: list[str] = []
    submissions, cancellations = driven["submissions"], driven["cancellations"]

    # HTTP: no server error, no request without an answer, no page other than the expected ones.
    for what, count in (("server errors (5xx)", driven["server_errors"]), ("transport errors", driven["transport_errors"]), ("failed requests", driven["failures"])):
        if count:
            problems.append(f"{count} {what}")

    # Submissions: at most one order each; every confirmed one exists once, every refused one has none.
    outcomes = Counter(submission_outcome(s["answers"]) for s in submissions)
    answered, refused_keys = [], []
    for submission in submissions:
        numbers = sorted({a["number"] for a in submission["answers"] if a["outcome"] == "placed"})
        if len(numbers) > 1:
            problems.append(f"one form ({submission['submission_key']}) was answered with two orders: {numbers}")
        if numbers:
            answered.append({"username": submission["username"], "submission_key": submission["submission_key"], "number": numbers[0]})
        elif submission_outcome(submission["answers"]) != "failed":
            refused_keys.append(submission["submission_key"])
    # The store's own ledger of bench/load.py: confirmed orders present and matching their forms, no
    # order unseen, no key with two orders, stock and credit moved by exactly the open orders, every
    # order's email stored and marked sent.
    ledger = ledger_check(before, answered, email_wait=email_wait)
    problems += ledger["problems"]
    orders = _run_orders(before["last_order"])
    per_key = Counter(orders.filter(submission_key__in=[s["submission_key"] for s in submissions]).values_list("submission_key", flat=True))
    refused_with_order = [key for key in refused_keys if per_key[key]]
    if refused_with_order:
        problems.append(f"{len(refused_with_order)} forms refused in every answer have an order: {refused_with_order[:5]}")
    orders_per_placed = (sum(per_key[a["submission_key"]] for a in answered) / len(answered)) if answered else None
    lost = sum(1 for a in answered if not per_key[a["submission_key"]])
    # An order beyond one for a form, or one no form was answered with.
    duplicated = sum(max(0, n - 1) for n in per_key.values()) + orders.exclude(submission_key__in=[a["submission_key"] for a in answered]).count()
    if any(per_key[a["submission_key"]] != 1 for a in answered):
        problems.append("a confirmed form does not have exactly one order")

    doubles: dict[str, Counter] = {}
    for submission in submissions:
        if submission["double"]:
            outcome = double_outcome(submission["answers"], at_once=submission["double"] == "at once")
            doubles.setdefault(submission["double"], Counter())[outcome] += 1
            if outcome == "placed, then refused":
                problems.append(f"the second press of a placed form ({submission['submission_key']}) was refused instead of shown its order")

    # Cancellations: each one confirmed is a cancelled order, and no order was cancelled twice (credit
    # and stock given back twice would also break the conservation above).
    confirmed = {c["number"] for c in cancellations if c["outcome"] == "cancelled"}
    not_cancelled = list(orders.filter(number__in=confirmed).exclude(state=Order.State.CANCELLED).values_list("number", flat=True)[:5])
    if not_cancelled:
        problems.append(f"orders shown as cancelled are not: {not_cancelled}")
    twice = list(
        OrderEvent.objects.filter(order__in=orders, to_state=Order.State.CANCELLED).values("order__number").annotate(n=Count("pk")).filter(n__gt=1).values_list("order__number", flat=True)[:5]
    )
    if twice:
        problems.append(f"orders cancelled twice: {twice}")
    cancelled_orders = orders.filter(state=Order.State.CANCELLED).count()

    # Limits: credit used within every limit; no scarce product in open orders beyond its stock.
    over = credit_over_limit()
    for account in Account.objects.filter(customer_code__startswith="LOAD-", credit_used__gt=F("credit_limit")):
        problems.append(f"{account.customer_code} uses {account.credit_used} of a {account.credit_limit} credit line")
    scarce_now = scarce_units(skus=list(before["scarce"]), countries=before["countries"], last_order=before["last_order"])
    # Units ordered over the run, cancelled orders included (a cancelled unit is sold again).
    ordered: Counter = Counter()
    for sku, quantity in OrderLine.objects.filter(order__in=orders, product__sku__in=list(before["scarce"])).values_list("product__sku", "quantity"):
        ordered[sku] += quantity
    scarce = {}
    for sku, initial in before["scarce"].items():
        now = scarce_now.get(sku, {"held": 0, "open": 0})
        oversold = max(0, now["open"] - initial)
        scarce[sku] = {"initial": initial, "ordered": ordered[sku], "open": now["open"], "held": now["held"], "oversold": oversold}
        if oversold:
            problems.append(f"{sku}: {now['open']} units in open orders of {initial} in stock")
        if now["held"] + now["open"] != initial:
            problems.append(f"{sku}: {now['held']} held + {now['open']} in open orders, of {initial}")

    # Emails: one per order (cancelled ones too), each received exactly once at the sink, none for a
    # refused form (ledger_check counts the stored ones against the orders).
    emails = list(OutboundEmail.objects.filter(pk__gt=before["last_email"], to__endswith=RESELLER_DOMAIN))
    expected = [email_message_id(email) for email in emails]
    copies = copies_at_sink(sink, expected, copies_before=copies_before, wait=email_wait)
    received_once = sum(1 for mid in expected if copies[mid] == 1)
    missing = sum(1 for mid in expected if not copies[mid])
    duplicates = sum(n - 1 for n in copies.values() if n > 1)
    if missing:
        problems.append(f"{missing} order emails never reached the mail server")
    if duplicates:
        problems.append(f"{duplicates} duplicate emails at the mail server")
    known = set(expected)
    strangers = sum(n for mid, n in copies.items() if mid not in known)
    if strangers:
        problems.append(f"{strangers} emails at the mail server that no order stored")
    placed_orders = orders.count()

    return {
        "submissions": len(submissions),
        "outcomes": dict(outcomes),
        "retries": sum(1 for s in submissions if s["retry"]),
        "scarce_submissions": sum(1 for s in submissions if s["scarce"]),
        "orders_placed": placed_orders,
        "orders_cancelled": cancelled_orders,
        "orders_per_placed_submission": orders_per_placed,
        "refused_with_order": len(refused_with_order),
        "lost": lost,
        "duplicated": duplicated,
        "double_submits": {kind: dict(counts) for kind, counts in sorted(doubles.items())},
        "cancellations": dict(Counter(c["outcome"] for c in cancellations)),
        "max_credit_over_limit": over,
        "scarce": scarce,
        "oversold_units": sum(row["oversold"] for row in scarce.values()),
        "emails": {"stored": len(emails), "received_once": received_once, "missing": missing, "duplicates": duplicates},
        "store_ledger": {key: ledger[key] for key in ("orders_answered", "orders_in_database", "order_lines", "units_allocated", "emails_sent")},
        "ok": not problems,
        "problems": problems,
    }


# --- outside Django: the run -----------------------------------------------------------------------


def run(
    *,
    users: int = USERS,
    seconds: int = SECONDS,
    database_url: str | None = None,
    scarce_products: int = SCARCE_PRODUCTS,
    scarce_units_each: int = SCARCE_UNITS,
    credit_orders: float = CREDIT_ORDERS,
    scarce_share: float = SCARCE_SHARE,
    double_share: float = DOUBLE_SHARE,
    cancel_share: float = CANCEL_SHARE,
    think: float = 0.0,
    keep_logs: bool = False,
) -> dict[str, Any]:
    """Prepare, start, drive the resellers, check the ledger, stop; the figures and the ledger."""
    import redis

    database_url = database_url or os.environ.get("RELIABILITY_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = _load_redis_url(RELIABILITY_REDIS_DB)
    redis.Redis.from_url(redis_url, socket_connect_timeout=5).flushdb()
    stack = Stack(database_url=database_url, marker=MARKER, external_redis_url=redis_url, fast_outbox=False)
    failed = False
    try:
        plan = stack.prepare(
            users, seed="bench.reliability.seed_contention",
            scarce_products=scarce_products, scarce_units=scarce_units_each, credit_orders=credit_orders,
        )
        plan.update(
            scarce_share=scarce_share, double_share=double_share, cancel_share=cancel_share,
            scarce_max_quantity=SCARCE_MAX_QUANTITY, think=think,
        )
        # This process watches and checks the same database with the store's own models and settings.
        for key in TEST_ONLY_ENV:
            os.environ.pop(key, None)
        os.environ.update(stack.env())
        import django

        django.setup()
        stack.start()
        plan["web_group"] = stack.web.popen.pid  # the driver measures the CPU of gunicorn's workers
        plan_path = stack.workdir / "plan.json"
        plan_path.write_text(json.dumps(plan))

        before = reliability_snapshot(skus=plan["scarce"], countries=plan["countries"])
        copies_before = stack.sink.copies()
        watch = LimitWatch(before)
        watch.start()
        load_before = round(os.getloadavg()[0], 2)
        say(f"{users} resellers for {seconds}s: {len(plan['scarce'])} scarce products of {scarce_units_each} units a country, "
            f"credit lines of {credit_orders:g} typical orders")
        try:
            driven = _drive(stack.web_port, users, seconds, plan_path, stack.workdir, stack.started, module="bench.contention")
        finally:
            watched = watch.stop()
        say(f"{driven['requests']} requests, {len(driven['submissions'])} Finish order forms; checking the ledger")
        ledger = reliability_check(before, driven, sink=stack.sink, copies_before=copies_before)
        ledger["problems"] += watch_problems(watched)
        dead = stack.check_alive()
        if dead:
            ledger["problems"].append(f"processes died: {dead}")
        ledger["ok"] = not ledger["problems"]
        figures = {key: value for key, value in driven.items() if key not in {"placed", "submissions", "cancellations", "orders_answered"}}
        return {
            **figures,
            "load_average_before": load_before,
            "cpus": os.cpu_count(),
            "setup": {
                "accounts": len(plan["credit_limits"]),
                "scarce": plan["scarce"],
                "scarce_units": scarce_units_each,
                "credit_orders": credit_orders,
                "typical_order": plan["typical_order"],
                "scarce_share": scarce_share,
                "double_share": double_share,
                "cancel_share": cancel_share,
            },
            "watch": watched,
            "ledger": ledger,
        }
    except BaseException:
        failed = True
        for process in stack.started:
            print(f"----- {process.name} (exit {process.popen.poll()}) -----\n{process.output()}", file=sys.stderr)
        raise
    finally:
        say("stopping the processes")
        stack.close(keep_logs=keep_logs or failed)


def watch_problems(watched: dict[str, Any]) -> list[str]:
    """What the samples taken during the run found."""
    problems = []
    if watched["error"]:
        problems.append(f"the limit watch stopped: {watched['error']}")
    elif not watched["samples"]:
        problems.append("the limit watch took no sample")
    over = watched["max_credit_over_limit"]
    if over is not None and Decimal(over["over"]) > 0:
        problems.append(f"during the run {over['account']} used {over['over']} {over['currency']} over its credit limit")
    if watched["max_oversold_units"] > 0:
        problems.append(f"during the run {watched['max_oversold_units']} units of a scarce product were in open orders beyond its stock")
    problems += [f"during the run: {line}" for line in watched["unaccounted"]]
    return problems


# --- the report -------------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> str:
    """The figures as plain text: the load, the outcomes, the double submits, the ledger, the steps."""
    ledger, watch, setup = result["ledger"], result["watch"], result["setup"]
    outcomes = ledger["outcomes"]
    lines = [
        f"{result['users']} resellers ({setup['accounts']} accounts in pairs) for {result['seconds']} s on {result['cpus']} CPUs "
        f"(load average {result['load_average_before']} before); sign-in took {result['sign_in_seconds']} s before the window",
        "",
        f"{'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'5xx':>5} {'transport':>9} {'failed':>6} {'web CPU ms/req':>14}",
        f"{result['requests']:>8} {result['throughput']:>7.1f} {result['p50_ms']!s:>8} {result['p95_ms']!s:>8} {result['p99_ms']!s:>8} "
        f"{result['max_ms']!s:>8} {result['server_errors']:>5} {result['transport_errors']:>9} {result['failures']:>6} "
        f"{result.get('web_cpu_ms_per_request')!s:>14}",
        "answers by status: " + ", ".join(f"{kind} {count}" for kind, count in result["statuses"].items()),
        "",
        f"Finish order forms submitted       {ledger['submissions']:>6}  ({ledger['scarce_submissions']} for a scarce product, "
        f"{ledger['retries']} again after Cancel order)",
        f"  placed                           {outcomes.get('placed', 0):>6}",
        f"  refused for credit               {outcomes.get('refused_credit', 0):>6}",
        f"  refused for stock                {outcomes.get('refused_stock', 0):>6}",
        f"  failed                           {outcomes.get('failed', 0):>6}",
        f"orders in the database             {ledger['orders_placed']:>6}  (orders per placed form: {ledger['orders_per_placed_submission']}; "
        f"{ledger['orders_cancelled']} cancelled since)",
        f"Cancel order                       {sum(ledger['cancellations'].values()):>6}  "
        + ", ".join(f"{outcome} {count}" for outcome, count in sorted(ledger["cancellations"].items())),
        f"double submits                     {sum(sum(c.values()) for c in ledger['double_submits'].values()):>6}",
    ]
    for kind, counts in ledger["double_submits"].items():
        lines.append(f"  {kind:<12} {sum(counts.values()):>4}: " + ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items())))
    emails = ledger["emails"]
    broken_doubles = sum(counts.get(broken, 0) for counts in ledger["double_submits"].values() for broken in BROKEN_DOUBLES)
    rows = [
        ("server errors (5xx) / transport errors", f"{result['server_errors']} / {result['transport_errors']}"),
        ("confirmed orders lost / duplicated", f"{ledger['lost']} / {ledger['duplicated']}"),
        ("orders per placed form", ledger["orders_per_placed_submission"]),
        ("double submits answered with two orders, or placed then refused", broken_doubles),
        ("refused forms that have an order", ledger["refused_with_order"]),
        ("max(credit used - limit) at the end", over_text(ledger["max_credit_over_limit"])),
        (f"max(credit used - limit) in {watch['samples']} samples during the run", over_text(watch["max_credit_over_limit"])),
        ("oversold units at the end / during the run", f"{ledger['oversold_units']} / {max(0, watch['max_oversold_units'])}"),
        ("order emails stored / received once / missing / duplicated", f"{emails['stored']} / {emails['received_once']} / {emails['missing']} / {emails['duplicates']}"),
        ("result", "ok" if ledger["ok"] else "PROBLEMS"),
    ]
    lines += ["", "ledger"] + [f"  {label:<66} {value}" for label, value in rows]
    lines += [f"  PROBLEM {problem}" for problem in ledger["problems"]]
    lines += ["", f"scarce products ({setup['scarce_units']} units a country): units ordered over the run / in open orders / held at the end, of the initial"]
    for sku, row in ledger["scarce"].items():
        lines.append(f"  {sku:<24} {row['ordered']:>4} / {row['open']:>3} / {row['held']:>3}, of {row['initial']}")
    lines += ["", f"  {'step':<28} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'failures':>8}"]
    for name, step in result["steps"].items():
        lines.append(
            f"  {name:<28} {step['requests']:>8} {step['throughput']:>7.1f} {step['p50_ms']!s:>8} {step['p95_ms']!s:>8} {step['p99_ms']!s:>8} {step['failures']:>8}"
        )
    lines += [f"  error x{error['count']}: {error['message']}" for error in result["errors"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The reliability load: resellers contending for credit and stock, double submits, the ledger.")
    parser.add_argument("--users", type=int, default=USERS, help=f"simulated resellers, two per account (default {USERS})")
    parser.add_argument("--seconds", type=int, default=SECONDS, help=f"length of the run (default {SECONDS})")
    parser.add_argument("--database-url", default=None, help=f"its own database, dropped and created; the name must contain {MARKER!r} (default {DEFAULT_DATABASE_URL})")
    parser.add_argument("--scarce-products", type=int, default=SCARCE_PRODUCTS, help=f"how many scarce products (default {SCARCE_PRODUCTS})")
    parser.add_argument("--scarce-units", type=int, default=SCARCE_UNITS, help=f"units of each in each country (default {SCARCE_UNITS})")
    parser.add_argument("--credit-orders", type=float, default=CREDIT_ORDERS, help=f"credit limit, in typical orders (default {CREDIT_ORDERS})")
    parser.add_argument("--scarce-share", type=float, default=SCARCE_SHARE, help=f"share of rounds after a scarce product (default {SCARCE_SHARE})")
    parser.add_argument("--double-share", type=float, default=DOUBLE_SHARE, help=f"share of Finish orders pressed twice (default {DOUBLE_SHARE})")
    parser.add_argument("--cancel-share", type=float, default=CANCEL_SHARE, help=f"share of credit refusals followed by Cancel order (default {CANCEL_SHARE})")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each reseller waits between rounds (default 0)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs (kept anyway on failure)")
    args = parser.parse_args(argv)
    # A SIGTERM ends the run through run()'s cleanup, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        result = run(
            users=args.users, seconds=args.seconds, database_url=args.database_url, scarce_products=args.scarce_products,
            scarce_units_each=args.scarce_units, credit_orders=args.credit_orders, scarce_share=args.scarce_share,
            double_share=args.double_share, cancel_share=args.cancel_share, think=args.think, keep_logs=args.keep_logs,
        )
    except LoadError:
        traceback.print_exc()
        return 1
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))
    return 0 if result["ledger"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
