"""HTTP load: resellers browse, search, add to cart and order against the store in production shape.

`python -m bench.load --users 8,32 --seconds 60` (or `run()`):

1. prepares its own PostgreSQL database (storefront_load, dropped and created again): migrate,
   seed_demo, then one reseller contact per simulated user (two contacts per account, so pairs share
   a credit line), each account with a generous credit line, and the stock of the products on sale
   topped up so that a refusal for stock never mixes with the figures;
2. starts gunicorn with 2 workers and the two Celery workers (the default one, prefork; the email
   one, threads) with the commands docker-compose.yml gives them, under the production settings:
   DEBUG off, a fresh SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, PostgreSQL and Redis; emails go through
   the outbox and the email worker to Django's locmem backend, so nothing leaves the machine;
3. for each user count, runs bench/locustfile.py's resellers (Locust as a library, headless, in a
   child process): all sign in, then they shop for the given time, the window the overall figures
   cover; then it checks the ledger in the database;
4. stops every process it started, also when something fails.

Plain HTTP on loopback, so three settings differ from production, through the environment the
settings read: SECURE_SSL_REDIRECT=0 (no TLS proxy in front to send X-Forwarded-Proto), and
SESSION_COOKIE_SECURE=0 and CSRF_COOKIE_SECURE=0 (a client sends secure cookies only over HTTPS).
Everything else is production's: the same middleware, CSRF checks, sign-in rate limits, static files
from the manifest storage, the Redis cache and broker.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/storefront_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# A Redis database of its own: the load's queue and cache keys never meet another store's worker.
LOAD_REDIS_DB = 13
WEB_WORKERS = 2
WORKER_CONCURRENCY = 2
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# Set by tests/environment.py for the test process only; a process standing for production must not
# inherit them (tests/storefront/production.py uses this list too).
TEST_ONLY_ENV = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "STATICFILES_STORAGE",
    "EMAIL_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "LOCAL_CACHE",
)
# The accounts the resellers buy for: country, currency, price list, credit limit (no credit used).
LOAD_ACCOUNTS = [
    ("MX", "MXN", "GOLD-MXN", "900000000.00"),
    ("CO", "COP", "BASE-COP", "90000000000.00"),
]
STOCK_TOP_UP = 100_000
LISTING_CATEGORIES = 6
SEARCH_BRANDS = 6
SEARCH_WORDS = ["gaming", "wireless", "ssd", "usb"]


def _say(message: str) -> None:
    """Progress on stderr; the results go to stdout."""
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class LoadError(RuntimeError):
    """The load could not be set up or a process it needs did not start."""


# --- inside Django (run through `manage.py shell -c` against the load database) ---------------------


def seed_resellers(count: int) -> dict[str, Any]:
    """Reseller contacts for `count` users (two per account), their credit, stock, and what they browse."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Count, F, Q

    from accounts.management.commands.seed_demo import ALL_PERMISSIONS, DEMO_PASSWORD
    from accounts.models import Account, Contact, User
    from catalog.models import Brand, Category, PriceList, Product, Stock
    from catalog.services import availability_refresh

    countries = [country for country, *_rest in LOAD_ACCOUNTS]
    # One hash for all: each costs a deliberate fraction of a second, and these users are throwaway.
    password = make_password(DEMO_PASSWORD)
    usernames = []
    with transaction.atomic():
        sales = User.objects.get(username="sam.sales")
        for index in range(count):
            pair = index // 2
            country, currency, price_list, limit = LOAD_ACCOUNTS[pair % len(LOAD_ACCOUNTS)]
            account, _ = Account.objects.get_or_create(
                customer_code=f"LOAD-{pair + 1:03d}",
                defaults={
                    "company_name": f"Load Reseller {pair + 1}",
                    "tax_id": f"LOAD{pair + 1:06d}",
                    "country": country,
                    "currency": currency,
                    "credit_limit": limit,
                    "credit_used": "0.00",
                    "sales_executive": sales,
                    "price_list": PriceList.objects.get(code=price_list),
                    "city": "Load",
                },
            )
            username = f"load.reseller{index + 1:03d}"
            user, made = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@load-reseller.test", "first_name": "Load", "last_name": f"Reseller {index + 1}", "password": password},
            )
            Contact.objects.get_or_create(
                user=user,
                defaults={"account": account, "position": "Buyer", "is_admin": index % 2 == 0, "state": Contact.State.ACTIVE, **ALL_PERMISSIONS},
            )
            usernames.append(username)

        # Stock held where the resellers buy: topped up, so the figures never include an honest
        # "only 3 are available" refusal; products out of stock stay out (the resellers skip them).
        held = Stock.objects.filter(warehouse__country__in=countries, quantity__gt=0)
        product_ids = list(held.values_list("product_id", flat=True).distinct())
        held.update(quantity=F("quantity") + STOCK_TOP_UP)
    availability_refresh(product_ids=product_ids)

    # Leaf categories with the most hardware in stock in every country the resellers buy in.
    in_stock = {
        country: Q(products__availability__country=country, products__availability__quantity__gt=0, products__product_type=Product.Type.HARDWARE)
        for country in countries
    }
    categories = (
        Category.objects.filter(children__isnull=True)
        .annotate(**{f"n_{country}": Count("products", filter=q, distinct=True) for country, q in in_stock.items()})
        .filter(**{f"n_{country}__gte": 8 for country in countries})
        .order_by(*[f"-n_{country}" for country in countries], "slug")
    )
    brands = Brand.objects.annotate(n=Count("products")).order_by("-n", "name")[:SEARCH_BRANDS]
    return {
        "resellers": usernames,
        "password": DEMO_PASSWORD,
        "categories": [category.slug for category in categories[:LISTING_CATEGORIES]],
        "terms": [brand.name for brand in brands] + SEARCH_WORDS,
    }


def ledger_snapshot() -> dict[str, Any]:
    """Where the ledger stands before a run: the last ids, stock held and credit used per account."""
    from django.db.models import Max, Sum

    from accounts.models import Account
    from catalog.models import Stock
    from orders.models import Order
    from storefront.models import OutboundEmail

    return {
        "last_order": Order.objects.aggregate(last=Max("pk"))["last"] or 0,
        "last_email": OutboundEmail.objects.aggregate(last=Max("pk"))["last"] or 0,
        "stock": {
            f"{row['product_id']}:{row['warehouse_id']}": row["quantity"]
            for row in Stock.objects.filter(quantity__gt=0).values("product_id", "warehouse_id", "quantity")
        },
        "stock_total": Stock.objects.aggregate(total=Sum("quantity"))["total"] or 0,
        "credit_used": {code: str(used) for code, used in Account.objects.filter(customer_code__startswith="LOAD-").values_list("customer_code", "credit_used")},
    }


def ledger_check(before: dict[str, Any], answered: list[dict[str, str]], email_wait: float = 60.0) -> dict[str, Any]:
    """After a run: one order per answered Finish order, none duplicated, stock and credit consistent.

    Stock and credit are checked against the orders still open: a cancelled order gave its units and
    its credit back (the reliability load cancels some; this load never does)."""
    from collections import Counter
    from decimal import Decimal

    from django.db.models import Count, F, Sum

    from accounts.models import Account
    from catalog.models import Stock
    from orders.models import Order, OrderLine, StockAllocation
    from storefront.models import OutboundEmail

    problems: list[str] = []
    orders = Order.objects.filter(pk__gt=before["last_order"], placed_by__user__username__startswith="load.")
    by_number = {o["number"]: o for o in orders.values("number", "submission_key", "placed_by__user__username", "account__customer_code")}

    seen = Counter(entry["number"] for entry in answered)
    for number, times in seen.items():
        if times > 1:
            problems.append(f"order page {number} answered {times} Finish orders")
    for entry in answered:
        order = by_number.get(entry["number"])
        if order is None:
            problems.append(f"order {entry['number']} was shown but is not in the database")
        elif order["submission_key"] != entry["submission_key"] or order["placed_by__user__username"] != entry["username"]:
            problems.append(f"order {entry['number']} does not match the form that placed it")
    unseen = sorted(set(by_number) - set(seen))
    if unseen:
        problems.append(f"{len(unseen)} orders placed without their page shown: {unseen[:5]}")
    duplicate_keys = list(Order.objects.values("submission_key").annotate(n=Count("id")).filter(n__gt=1).values_list("submission_key", flat=True)[:5])
    if duplicate_keys:
        problems.append(f"submission keys with more than one order: {duplicate_keys}")

    # Stock: never negative; every allocated unit left the warehouse it names, and nothing else did.
    if Stock.objects.filter(quantity__lt=0).exists():
        problems.append("negative stock")
    lines = OrderLine.objects.filter(order__in=orders)
    open_orders = orders.exclude(state=Order.State.CANCELLED)
    short = lines.annotate(allocated=Sum("allocations__quantity")).exclude(allocated=F("quantity")).count()
    if short:
        problems.append(f"{short} order lines whose stock allocations do not add up to their amount")
    taken: Counter[str] = Counter()
    for row in StockAllocation.objects.filter(line__order__in=open_orders).values("line__product_id", "warehouse_id", "quantity"):
        taken[f"{row['line__product_id']}:{row['warehouse_id']}"] += row["quantity"]
    now = {f"{r['product_id']}:{r['warehouse_id']}": r["quantity"] for r in Stock.objects.values("product_id", "warehouse_id", "quantity")}
    drift = [key for key in set(before["stock"]) | set(taken) if before["stock"].get(key, 0) - now.get(key, 0) != taken.get(key, 0)]
    if drift:
        problems.append(f"{len(drift)} stock rows changed by other than their orders' allocations: {drift[:5]}")

    # Credit: used within the limit, and grown by exactly the credit the run's open orders took.
    credit_taken = {
        row["account__customer_code"]: row["taken"]
        for row in open_orders.values("account__customer_code").annotate(taken=Sum("credit_taken"))
    }
    for account in Account.objects.filter(customer_code__startswith="LOAD-"):
        if account.credit_used > account.credit_limit:
            problems.append(f"{account.customer_code} uses {account.credit_used} of a {account.credit_limit} credit line")
        grown = account.credit_used - Decimal(before["credit_used"].get(account.customer_code, "0"))
        if grown != credit_taken.get(account.customer_code, Decimal("0.00")):
            problems.append(f"{account.customer_code}: credit used grew by {grown}, its orders took {credit_taken.get(account.customer_code, 0)}")

    # The order emails: stored with the order, delivered by the email worker (waited for a little).
    emails = OutboundEmail.objects.filter(pk__gt=before["last_email"], to__endswith="@load-reseller.test")
    deadline = time.monotonic() + email_wait
    while emails.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    emails_sent = emails.filter(sent_at__isnull=False).count()
    emails_total = emails.count()
    if emails_total != len(by_number):
        problems.append(f"{emails_total} order emails stored for {len(by_number)} orders")
    if emails_sent != emails_total:
        problems.append(f"{emails_total - emails_sent} order emails not delivered by the email worker within {email_wait:.0f}s")
    return {
        "orders_answered": len(answered),
        "orders_in_database": len(by_number),
        "order_lines": lines.count(),
        "units_allocated": sum(taken.values()),
        "emails_sent": emails_sent,
        "ok": not problems,
        "problems": problems,
    }


# --- outside Django: the database, the processes, the runs ---------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self, tail: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-tail:] if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def production_env(*, database_url: str, redis_url: str, static_root: Path, site_url: str) -> dict[str, str]:
    """The environment of the store's processes: production settings, on loopback over plain HTTP."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="storefront.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=site_url,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # Its own cache keys: the sign-in rate limits of an earlier run do not carry over.
        CACHE_KEY_PREFIX=f"storefront-load-{secrets.token_hex(4)}",
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STATIC_ROOT=str(static_root),
        # Plain HTTP on loopback, with no TLS proxy in front: see the module's docstring.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    return env


def _manage(args: Sequence[str], env: dict[str, str], what: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise LoadError(f"{what} failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def _in_django(env: dict[str, str], code: str, what: str) -> Any:
    """Run code in `manage.py shell` against the load database; it prints one line of JSON last."""
    output = _manage(["shell", "--no-imports", "-c", code], env, what)
    return json.loads(output.strip().splitlines()[-1])


def database_create(database_url: str, *, marker: str = "load") -> None:
    """Drop and create the load's database (or the fault suite's, `marker="faults"`): each run starts
    from the same seed."""
    import psycopg
    from psycopg import sql

    name = _database_name(database_url)
    if marker not in name:
        # The database is dropped: refuse anything that does not look like the run's own.
        raise LoadError(f"refusing to drop database {name!r}: the run's database must have {marker!r} in its name")
    maintenance = _with_database(database_url, "postgres")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _compose_command(service: str) -> list[str]:
    """The command docker-compose.yml runs for a service (exec form)."""
    import yaml

    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service]["command"]
    return [str(part) for part in command]


def _with_options(argv: list[str], options: dict[str, str]) -> list[str]:
    result = list(argv)
    for option, value in options.items():
        if option in result:
            result[result.index(option) + 1] = value
        else:
            result += [option, value]
    return result


def _start(name: str, argv: list[str], env: dict[str, str], workdir: Path, started: list[Process]) -> Process:
    log = workdir / f"{name}.log"
    with log.open("wb") as output:
        popen = subprocess.Popen(
            # `python -m gunicorn` / `python -m celery`: the programs of this interpreter's environment.
            [sys.executable, "-m", *argv], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    process = Process(name, popen, log)
    started.append(process)
    return process


def _stop(process: Process) -> None:
    """SIGTERM the process group (gunicorn's and Celery's children too), SIGKILL what outlives the grace."""
    try:
        os.killpg(process.popen.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.popen.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.popen.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.popen.wait(timeout=STOP_TIMEOUT)


def _wait_until(condition: Any, what: str, processes: Sequence[Process], timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            if process.popen.poll() is not None:
                raise LoadError(f"{process.name} exited while waiting for {what}:\n{process.output()}")
        if time.monotonic() > deadline:
            raise LoadError(f"no {what} within {timeout:.0f}s:\n" + "\n".join(p.output() for p in processes))
        time.sleep(0.2)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5) as response:
            return json.loads(response.read()) == {"status": "ok", "database": "ok", "redis": "ok"}
    except (OSError, ValueError, urllib.error.URLError):
        return False


def cpu_by_pid(*, group: int) -> dict[int, float]:
    """CPU seconds used so far by each live process of a process group (Linux /proc; empty
    elsewhere). Taken at both ends of the timed window for gunicorn's workers: the CPU each request
    cost, which other work on the machine hardly changes, unlike the wall-clock latencies.
    (PostgreSQL's backends are not counted: one that ends with its connection, every DB_CONN_MAX_AGE
    seconds, takes its CPU time with it.)"""
    proc = Path("/proc")
    if not proc.is_dir():
        return {}
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != group:
                continue
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, ValueError, IndexError):
            continue
    return found


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two cpu_by_pid() readings (a process that ended meanwhile is lost)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _load_redis_url(db: int = LOAD_REDIS_DB) -> str:
    """The machine's Redis (REDIS_URL's server), database `db`."""
    parts = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{db}"))


def _drive(
    port: int, users: int, seconds: int, plan_path: Path, workdir: Path, started: list[Process], *, module: str = "bench.locustfile"
) -> dict[str, Any]:
    """One run of the resellers, in a child process (see bench/locustfile.py for why); `module` is the
    one whose main() drives them (bench.contention for the reliability load)."""
    out = workdir / f"locust-{users}.json"
    argv = [
        module, "--host", f"http://127.0.0.1:{port}", "--users", str(users), "--seconds", str(seconds),
        "--plan", str(plan_path), "--out", str(out),
    ]
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_ENV}
    env["PYTHONPATH"] = str(ROOT)
    driver = _start(f"locust-{users}", argv, env, workdir, started)
    try:
        # The run's own bound, plus the grace it gives the last requests and its start-up.
        driver.popen.wait(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        raise LoadError(f"the load of {users} users did not end in time:\n{driver.output()}") from None
    if driver.popen.returncode != 0 or not out.exists():
        raise LoadError(f"the load of {users} users failed (exit {driver.popen.returncode}):\n{driver.output()}")
    return json.loads(out.read_text())


def run(users: Sequence[int] = (8, 32), seconds: int = 60, database_url: str | None = None, *, think: float = 0.0) -> list[dict]:
    """Run the load once per user count; per count: throughput, latencies, failures, orders, ledger."""
    database_url = database_url or os.environ.get("LOAD_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = _load_redis_url()
    workdir = Path(tempfile.mkdtemp(prefix="storefront-load-"))
    static_root = workdir / "static"
    port = _free_port()
    env = production_env(database_url=database_url, redis_url=redis_url, static_root=static_root, site_url=f"http://127.0.0.1:{port}")
    # Preparing runs tasks in the process and keeps emails in memory: the demo's emails go nowhere. It is
    # one process with nothing to share: its cache is its own memory, not the store's Redis.
    prepare_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "1", "REDIS_URL": "", "LOCAL_CACHE": "1"}
    started: list[Process] = []
    results: list[dict] = []
    try:
        _say(f"preparing {_database_name(database_url)}: migrate, seed_demo, {max(users)} resellers")
        database_create(database_url)
        _manage(["migrate", "--noinput", "-v", "0"], prepare_env, "migrate")
        _manage(["seed_demo"], prepare_env, "seed_demo")
        plan = _in_django(
            prepare_env,
            f"import json; from bench.load import seed_resellers; print(json.dumps(seed_resellers({max(users)})))",
            "seeding the resellers",
        )
        plan["think"] = think
        _manage(["collectstatic", "--noinput", "-v", "0"], env, "collectstatic")

        web_options = {"--bind": f"127.0.0.1:{port}", "--workers": str(WEB_WORKERS), "--access-logfile": str(workdir / "access.log")}
        import gunicorn.config

        if "control_socket" in gunicorn.config.Config().settings:
            # Newer gunicorn opens a control socket in $HOME; a private one leaves other servers' alone.
            web_options["--control-socket"] = str(workdir / "gunicorn.ctl")
        if not Path("/dev/shm").is_dir():
            web_options["--worker-tmp-dir"] = str(workdir)
        _say(f"starting gunicorn ({WEB_WORKERS} workers) on 127.0.0.1:{port} and the Celery workers (default, emails)")
        web = _start("web", _with_options(_compose_command("web"), web_options), env, workdir, started)
        node = f"storefront-load-{secrets.token_hex(6)}"
        worker = _start(
            "worker",
            _with_options(_compose_command("worker"), {"--hostname": f"celery@{node}", "--concurrency": str(WORKER_CONCURRENCY)}),
            env, workdir, started,
        )
        # The order emails are routed to the email worker (threads), as in production.
        email_worker = _start("worker-email", _with_options(_compose_command("worker-email"), {"--hostname": f"celery@{node}-email"}), env, workdir, started)
        # The driver measures the CPU of gunicorn's workers.
        plan["web_group"] = web.popen.pid
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        _wait_until(lambda: _healthy(port), "healthy answer on /healthz/", [web])
        _wait_until(lambda: f"celery@{node} ready." in worker.log.read_text(errors="replace"), "ready worker", [worker])
        _wait_until(lambda: f"celery@{node}-email ready." in email_worker.log.read_text(errors="replace"), "ready email worker", [email_worker])

        for count in users:
            before = _in_django(env, "import json; from bench.load import ledger_snapshot; print(json.dumps(ledger_snapshot()))", "ledger snapshot")
            _say(f"{count} users for {seconds}s")
            load_before = round(os.getloadavg()[0], 2)
            figures = _drive(port, count, seconds, plan_path, workdir, started)
            # Other work on the machine shows here; the CPU per request above does not depend on it.
            figures["load_average_before"] = load_before
            answered_path = workdir / f"answered-{count}.json"
            answered_path.write_text(json.dumps(figures.pop("placed")))
            before_path = workdir / f"before-{count}.json"
            before_path.write_text(json.dumps(before))
            _say(f"{count} users: {figures['requests']} requests, {figures['failures']} failures; checking the ledger")
            ledger = _in_django(
                env,
                "import json, pathlib; from bench.load import ledger_check; "
                f"print(json.dumps(ledger_check(json.loads(pathlib.Path({str(before_path)!r}).read_text()), "
                f"json.loads(pathlib.Path({str(answered_path)!r}).read_text()))))",
                "ledger check",
            )
            figures["orders_placed"] = ledger["orders_in_database"]
            figures["ledger"] = ledger
            for process in (web, worker, email_worker):
                if process.popen.poll() is not None:
                    raise LoadError(f"{process.name} exited during the load:\n{process.output()}")
            results.append(figures)
        return results
    except BaseException:
        for process in started:
            if process.name in {"web", "worker", "worker-email"}:
                print(f"----- {process.name} (exit {process.popen.poll()}) -----\n{process.output()}", file=sys.stderr)
        raise
    finally:
        _say("stopping the processes")
        for process in reversed(started):
            _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


# --- the command line -----------------------------------------------------------------------------


def table(results: Sequence[dict]) -> str:
    """The figures as a plain-text table: overall per user count, then per step."""
    lines = [
        f"{'users':>5} {'seconds':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'failures':>8} "
        f"{'orders':>6} {'orders/s':>8} {'web CPU ms/req':>14} {'load avg':>8} ledger",
    ]
    for r in results:
        lines.append(
            f"{r['users']:>5} {r['seconds']:>7.1f} {r['requests']:>8} {r['throughput']:>7.1f} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['p99_ms']:>8} {r['failures']:>8} {r['orders_placed']:>6} {r['orders_placed'] / r['seconds']:>8.2f} "
            f"{r.get('web_cpu_ms_per_request')!s:>14} {r['load_average_before']!s:>8} "
            f"{'ok' if r['ledger']['ok'] else 'PROBLEMS'}"
        )
    for r in results:
        lines.append(f"\n{r['users']} users, per step (the sign-in steps took {r['sign_in_seconds']}s before the timed window):")
        lines.append(f"  {'step':<22} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'failures':>8}")
        for name, s in r["steps"].items():
            lines.append(
                f"  {name:<22} {s['requests']:>8} {s['throughput']:>7.1f} {s['p50_ms']:>8} {s['p95_ms']:>8} {s['p99_ms']:>8} {s['failures']:>8}"
            )
        for error in r["errors"]:
            lines.append(f"  error x{error['count']}: {error['message']}")
        for problem in r["ledger"]["problems"]:
            lines.append(f"  ledger: {problem}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HTTP load: resellers browse, search, add to cart and order.")
    parser.add_argument("--users", default="8,32", help="user counts, comma-separated (default 8,32)")
    parser.add_argument("--seconds", type=int, default=60, help="length of each run (default 60)")
    parser.add_argument("--database-url", default=None, help=f"the load's own database, dropped and created (default {DEFAULT_DATABASE_URL})")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each reseller waits between rounds (default 0)")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    # A SIGTERM ends the run through run()'s cleanup, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    counts = [int(part) for part in args.users.split(",") if part.strip()]
    results = run(users=counts, seconds=args.seconds, database_url=args.database_url, think=args.think)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    # Errors are not timings: a failed request or a ledger problem fails the command.
    return 0 if all(r["failures"] == 0 and r["ledger"]["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
