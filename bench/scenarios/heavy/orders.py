"""Placing orders at once: the store's order_place against hand-written SQL, with a ledger after every run."""

from __future__ import annotations

from bench.scenarios.heavy.common import *  # noqa: F403 - the scenarios' shared imports, constants and customers
from bench.scenarios.heavy.common import _result  # noqa: F401


# --- 1. placing orders at once --------------------------------------------------------------------


class Refused(Exception):
    """The hand-written path's refusal (no stock, no credit), as OrderError is the store's."""


class Workers:
    """N threads that live for the whole scenario, each with its own database connection."""

    def __init__(self, n: int) -> None:
        self.inboxes: list[queue.Queue] = [queue.Queue() for _ in range(n)]
        self.outbox: queue.Queue = queue.Queue()
        self.threads = [threading.Thread(target=self._loop, args=(box,), daemon=True) for box in self.inboxes]
        for thread in self.threads:
            thread.start()

    def _loop(self, inbox: queue.Queue) -> None:
        from django.db import connection

        while (job := inbox.get()) is not None:
            index, call = job
            try:
                self.outbox.put((index, call()))
            except BaseException as exc:  # noqa: BLE001 - every outcome goes into the ledger
                self.outbox.put((index, exc))
        connection.close()

    def map(self, calls: list[Callable[[], object]]) -> list[object]:
        for index, call in enumerate(calls):
            self.inboxes[index % len(self.inboxes)].put((index, call))
        out: list[object] = [None] * len(calls)
        for _ in calls:
            index, value = self.outbox.get()
            out[index] = value
        return out

    def close(self) -> None:
        for box in self.inboxes:
            box.put(None)
        for thread in self.threads:
            thread.join(timeout=30)


def store_place(fx: Fixture, contact, key: str) -> Callable[[], object]:
    def call():
        from orders.services import order_place

        return order_place(contact=contact, shipment_type=fx.shipment, payment_method="credit", observations="", submission_key=key)

    return call


def sql_place(fx: Fixture, contact, key: str) -> Callable[[], object]:
    """The same writes as order_place, hand-written: one transaction, the account row locked first. The
    order's number and the products' availability are written by the database (a generated column, the
    stock trigger), for both sides alike. The order's email, formatted here with its number and lines,
    goes into the outbox row, and its delivery is queued once the transaction commits, as the store's."""

    def call():
        from django.conf import settings
        from django.db import connection, transaction
        from django.utils import timezone

        from accounts.models import Account
        from catalog.models import Availability, Price, Product, Stock, Warehouse
        from orders.models import Cart, CartLine, Order, OrderEvent, OrderLine, StockAllocation
        from storefront.models import OutboundEmail
        from storefront.tasks import email_send

        t = {m.__name__: m._meta.db_table for m in (Account, Availability, Price, Product, Stock, Warehouse, Cart,
                                                    CartLine, Order, OrderEvent, OrderLine, StockAllocation, OutboundEmail)}
        pg = connection.vendor == "postgresql"
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        dec = ops.adapt_decimalfield_value
        with transaction.atomic(), connection.cursor() as cur:
            # SQLite: the IMMEDIATE transaction already holds the write lock; PostgreSQL locks rows.
            cur.execute(f"SELECT credit_limit, credit_used, country, currency, price_list_id FROM {t['Account']} WHERE id = %s"
                        + (" FOR UPDATE" if pg else ""), [contact.account_id])
            limit, used, country, currency, price_list_id = cur.fetchone()
            cur.execute(f"SELECT id FROM {t['Order']} WHERE submission_key = %s", [key])
            if cur.fetchone():
                return key
            cur.execute(
                f"SELECT cl.id, cl.product_id, cl.quantity, p.sku, p.name, pr.amount FROM {t['CartLine']} cl"
                f" JOIN {t['Cart']} c ON c.id = cl.cart_id JOIN {t['Product']} p ON p.id = cl.product_id"
                f" LEFT JOIN {t['Price']} pr ON pr.product_id = cl.product_id AND pr.price_list_id = %s"
                f" WHERE c.contact_id = %s ORDER BY cl.product_id" + (" FOR UPDATE OF cl" if pg else ""),
                [price_list_id, contact.pk])
            lines = cur.fetchall()
            ids = [line[1] for line in lines]
            cur.execute(
                f"SELECT s.id, s.product_id, s.warehouse_id, s.quantity FROM {t['Stock']} s JOIN {t['Warehouse']} w"
                f" ON w.id = s.warehouse_id WHERE s.product_id IN ({', '.join(['%s'] * len(ids))}) AND w.country = %s"
                f" ORDER BY s.product_id, s.warehouse_id" + (" FOR UPDATE OF s" if pg else ""), [*ids, country])
            stock: dict[int, list[list]] = {}
            for row in cur.fetchall():
                stock.setdefault(row[1], []).append(list(row))
            total = Decimal("0.00")
            for _id, product_id, quantity, sku, _name, amount in lines:
                if quantity > sum(row[3] for row in stock.get(product_id, [])):
                    raise Refused(f"{sku}: not enough stock")
                total += Decimal(str(amount)) * quantity
            if total > Decimal(str(limit)) - Decimal(str(used)):
                raise Refused("credit")
            cur.execute(f"UPDATE {t['Account']} SET credit_used = credit_used + %s WHERE id = %s", [dec(total, 14, 2), contact.account_id])
            cur.execute(
                f"INSERT INTO {t['Order']} (account_id, placed_by_id, state, shipment_type, payment_method, observations,"
                f" currency, total, credit_taken, submission_key, placed_at) VALUES (%s, %s, 'placed', %s, 'credit',"
                f" '', %s, %s, %s, %s, %s) RETURNING id, number",
                [contact.account_id, contact.pk, fx.shipment, currency, dec(total, 14, 2), dec(total, 14, 2), key, now])
            order_id, number = cur.fetchone()
            texts, rows = [], []
            for _id, product_id, quantity, sku, name, amount in lines:
                price = Decimal(str(amount))
                texts.append(f"{quantity} × {sku} {name} — {price * quantity} {currency}\n")
                rows.append(f"<tr><td>{quantity} ×</td><td>{sku}</td><td>{name}</td><td>{price * quantity} {currency}</td></tr>")
                cur.execute(
                    f"INSERT INTO {t['OrderLine']} (order_id, product_id, sku, name, unit_price, quantity, line_total)"
                    f" VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                    [order_id, product_id, sku, name, dec(price, 14, 2), quantity, dec(price * quantity, 14, 2)])
                line_id, left = cur.fetchone()[0], quantity
                for row in sorted(stock[product_id], key=lambda r: (-r[3], r[2])):
                    take = min(left, row[3])
                    if take:
                        row[3] -= take
                        left -= take
                        cur.execute(f"UPDATE {t['Stock']} SET quantity = quantity - %s WHERE id = %s", [take, row[0]])
                        cur.execute(f"INSERT INTO {t['StockAllocation']} (line_id, warehouse_id, quantity) VALUES (%s, %s, %s)",
                                    [line_id, row[2], take])
            cur.execute(f"DELETE FROM {t['CartLine']} WHERE id IN ({', '.join(['%s'] * len(lines))})", [line[0] for line in lines])
            cur.execute(f"INSERT INTO {t['OrderEvent']} (order_id, actor_id, at, from_state, to_state, note)"
                        f" VALUES (%s, %s, %s, '', 'placed', 'placed')", [order_id, contact.user_id, now])
            cur.execute(f"INSERT INTO {t['OutboundEmail']} (\"to\", subject, body_text, body_html, state, created_at, attempts,"
                        f" last_error) VALUES (%s, %s, %s, %s, 'queued', %s, 0, '') RETURNING id",
                        [contact.user.email, f"{settings.STORE_NAME}: order {number} received",
                         f"We received your order {number}.\n\n{''.join(texts)}\nTotal: {total} {currency}\n",
                         f"<p>We received your order {number}.</p><table>{''.join(rows)}</table><p>Total: {total} {currency}</p>", now])
            email_id = cur.fetchone()[0]
            transaction.on_commit(lambda: email_send.delay(email_id))
        return key

    return call


@dataclass
class Ledger:
    submitted: int = 0
    placed: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def text(self, label: str) -> str:
        state = "ok" if not self.problems and not self.errors else "FAILED: " + "; ".join((self.problems + self.errors)[:5])
        return f"{label} ledger {state} ({self.submitted} submitted, {self.placed} placed, {self.refused} refused)"


def ledger_check(ledger: Ledger, *, outcomes: list[tuple[str, object]], accounts: list, stock_before: dict[int, int]) -> Ledger:
    """No lost or doubled order, no oversell, no credit overrun, no unexpected error (e.g. a locked database)."""
    from django.db.models import Count, Sum

    from accounts.models import Account
    from catalog.models import Stock
    from orders.models import Order, OrderLine
    from orders.services import OrderError

    keys = [key for key, _ in outcomes]
    counts = dict(Order.objects.filter(submission_key__in=keys).values_list("submission_key").annotate(n=Count("id")))
    for key, outcome in outcomes:
        ledger.submitted += 1
        if isinstance(outcome, (OrderError, Refused)):
            ledger.refused += 1
            if counts.get(key):
                ledger.problems.append(f"refused {key} has an order")
        elif isinstance(outcome, BaseException):
            ledger.errors.append(f"{type(outcome).__name__}: {outcome}"[:160])
        else:
            ledger.placed += 1
            if counts.get(key, 0) != 1:
                ledger.problems.append(f"{key}: {counts.get(key, 0)} orders")
    product_ids = list(stock_before)
    now = dict(Stock.objects.filter(product_id__in=product_ids).values_list("product_id").annotate(q=Sum("quantity")))
    sold = dict(OrderLine.objects.filter(order__submission_key__in=keys, product_id__in=product_ids)
                .values_list("product_id").annotate(q=Sum("quantity")))
    for product_id, before in stock_before.items():
        if now.get(product_id, 0) < 0:
            ledger.problems.append(f"product {product_id}: negative stock")
        if before - now.get(product_id, 0) != sold.get(product_id, 0):
            ledger.problems.append(f"product {product_id}: {before - now.get(product_id, 0)} taken, {sold.get(product_id, 0)} ordered")
    taken = dict(Order.objects.filter(account__in=accounts).values_list("account_id").annotate(t=Sum("credit_taken")))
    for account in Account.objects.filter(pk__in=[a.pk for a in accounts]):
        if account.credit_used > account.credit_limit:
            ledger.problems.append(f"account {account.pk}: credit {account.credit_used} over {account.credit_limit}")
        if account.credit_used != (taken.get(account.pk) or 0):
            ledger.problems.append(f"account {account.pk}: credit used {account.credit_used}, orders took {taken.get(account.pk)}")
    if any("locked" in error for error in ledger.errors):
        ledger.problems.append('"database is locked"')
    return ledger


def _stock(product_ids: list[int]) -> dict[int, int]:
    from django.db.models import Sum

    from catalog.models import Stock

    totals = dict(Stock.objects.filter(product_id__in=product_ids).values_list("product_id").annotate(q=Sum("quantity")))
    return {pk: totals.get(pk, 0) for pk in product_ids}


def orders_scenario(*, tier: str, resellers: int, samples: int, warmup: int = 3) -> Result:
    """N resellers finish their orders at once: order_place against the same writes in hand-written SQL."""
    from django.db import connection

    fx = fixture()
    tag = f"{resellers}"
    rounds = warmup + samples
    # Pairs of contacts share an account (contacts n and n + N/2 of a round), so they wait on its credit lock.
    accounts_per_round = max(1, resellers // 2)
    sides = {}
    for side in ("o", "s"):  # o: order_place, s: hand-written SQL
        accounts = make_accounts(fx, tag=f"{tag}{side}", limits=[Decimal(10**9)] * accounts_per_round)
        buyers = make_buyers(tag=f"{tag}{side}", accounts=accounts, carts=[cart_for(fx, n) for n in range(resellers * rounds)])
        sides[side] = (accounts, [buyers[r * resellers:(r + 1) * resellers] for r in range(rounds)], [])
    workers = Workers(resellers)

    def round_of(side: str, place: Callable) -> Callable[[], None]:
        batches, outcomes = iter(sides[side][1]), sides[side][2]

        def one_round() -> None:
            batch = next(batches)
            keys = [f"bh-{tag}-{side}-{c.pk}" for c in batch]
            outcomes.extend(zip(keys, workers.map([place(fx, c, k) for c, k in zip(batch, keys)])))

        return one_round

    with plenty_of_stock(fx) as before, queued_tasks() as mode:
        try:
            target_ns, base_ns = interleave(round_of("o", store_place), round_of("s", sql_place), samples=samples, warmup=warmup)
            # Both sides took units from the same products: their orders together account for all of them.
            ledger = ledger_check(Ledger(), outcomes=sides["o"][2] + sides["s"][2], accounts=sides["o"][0] + sides["s"][0],
                                  stock_before=before)
            # The timed rounds have stock and credit to spare; one more round per side with scarce stock
            # and tight credit makes the locks refuse, and its ledger checks that refusals leave nothing.
            contention = [contention_round(fx, workers, tag=f"{tag}c{side}", resellers=resellers, place=place)
                          for side, place in (("o", store_place), ("s", sql_place))]
        finally:
            workers.close()
    notes = (f"per order, {resellers} placing at once (threads, each its own {connection.vendor} connection"
             f"{'; pairs of contacts share an account' if resellers > 1 else ''}); {LINES_PER_CART} lines per cart from"
             f" {POOL} shared products, carts filled before timing; baseline: the same writes (credit, stock, allocations,"
             f" availability, order, lines, event, outbox row with the order's email, cart lines) as hand-written SQL in one"
             f" transaction that locks the account row first; order email delivery {mode} after commit, on both sides."
             f" {ledger.text('timed rounds')}. " + " ".join(contention))
    return _result(f"order-place-{resellers}", tier=tier, target_ns=[t / resellers for t in target_ns],
                   base_ns=[b / resellers for b in base_ns], goal=2.0, label=f"hand-written SQL, {resellers} at once", notes=notes)


class plenty_of_stock:
    """The pool's and the scarce product's stock in the country, topped up for the scenario, then put back."""

    def __init__(self, fx: Fixture) -> None:
        self.fx = fx

    def _rows(self):
        from catalog.models import Stock

        ids = [p.pk for p in self.fx.products] + [self.fx.scarce.pk]
        return Stock.objects.filter(product_id__in=ids, warehouse__country=self.fx.country)

    def __enter__(self) -> dict[int, int]:
        from catalog.services import availability_refresh

        self.saved = dict(self._rows().values_list("pk", "quantity"))
        self._rows().update(quantity=100_000)
        availability_refresh(product_ids=[p.pk for p in self.fx.products] + [self.fx.scarce.pk])
        return _stock([p.pk for p in self.fx.products])

    def __exit__(self, *exc) -> None:
        from catalog.models import Stock
        from catalog.services import availability_refresh

        for pk, quantity in self.saved.items():
            Stock.objects.filter(pk=pk).update(quantity=quantity)
        availability_refresh(product_ids=[p.pk for p in self.fx.products] + [self.fx.scarce.pk])


def contention_round(fx: Fixture, workers: Workers, *, tag: str, resellers: int, place: Callable) -> str:
    """One round in which every cart wants the scarce product and each pair's credit pays for one order."""
    from catalog.models import Stock
    from catalog.services import availability_refresh

    carts = [[(fx.scarce, 1), *cart_for(fx, n)[:2]] for n in range(resellers)]
    totals = [sum(fx.prices[p.pk] * q for p, q in cart) for cart in carts]
    pairs = max(1, resellers // 2)
    # Contacts n and n + pairs share account n: its limit is a cent short of paying for both.
    limits = [totals[n] + (totals[n + pairs] - Decimal("0.01") if resellers > 1 else 0) for n in range(pairs)]
    accounts = make_accounts(fx, tag=tag, limits=limits)
    buyers = make_buyers(tag=tag, accounts=accounts, carts=carts)
    scarce = max(1, resellers * 3 // 8)
    rows = list(Stock.objects.filter(product=fx.scarce, warehouse__country=fx.country).order_by("pk").values_list("pk", flat=True))
    Stock.objects.filter(pk__in=rows).update(quantity=0)
    Stock.objects.filter(pk=rows[0]).update(quantity=scarce)
    availability_refresh(product_ids=[fx.scarce.pk])
    before = _stock([fx.scarce.pk] + [p.pk for p in fx.products])
    keys = [f"bh-{tag}-{c.pk}" for c in buyers]
    outcomes = list(zip(keys, workers.map([place(fx, c, k) for c, k in zip(buyers, keys)])))
    ledger = ledger_check(Ledger(), outcomes=outcomes, accounts=accounts, stock_before=before)
    name = "order_place" if place is store_place else "SQL"
    credit = "pairs with credit for one order" if resellers > 1 else "credit for the order"
    return ledger.text(f"contention round ({name}: {resellers} carts wanting 1 of {scarce} units, {credit})")


class queued_tasks:
    """Tasks queued, as in production, rather than run in the caller (the default without REDIS_URL).

    Without a broker configured the store's app publishes to kombu's in-memory transport: the cost of
    .delay() stays in the measurement (serialising, publishing), the email's rendering and sending
    does not (a worker does that after the order, not the reseller's request).
    """

    def __enter__(self) -> str:
        from storefront.celery import app

        self.app, self.eager = app, app.conf.task_always_eager
        app.conf.task_always_eager = False
        return f"queued to the broker ({app.conf.broker_url.split('://')[0]}://)"

    def __exit__(self, *exc) -> None:
        self.app.conf.task_always_eager = self.eager
