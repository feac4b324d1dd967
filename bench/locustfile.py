"""The resellers of the HTTP load: sign in, browse, search, open a product, add to cart, order.

Each simulated reseller signs in once with its own contact, then repeats one shopping round: a
category listing, a search, a product page, "Add to cart" through htmx (the POST the page's
hx-post sends, with its CSRF token), the cart, Generate Order and Finish order, whose hidden fields
(submission_key, expected_total) are read from the form the store rendered. A step fails on any
answer other than the page that step expects: a status outside 2xx/3xx, a form shown again with its
errors, a dialog saying "Not added to your cart", or a page without its landmark.

`drive()` runs Locust as a library (locust.env.Environment, headless) and returns the raw figures.
bench/load.py starts it in a child process (`python -m bench.locustfile --plan ... --out ...`), so
gevent's monkey-patching, which importing locust applies, stays out of the processes that import
bench.load (the benchmark's harness, pytest).

Every reseller connects from its own loopback address (127.0.0.10, .11, ...): the store limits
sign-ins per client IP (ACCOUNT_RATE_LIMITS, 30 a minute), and 32 resellers of 32 companies do not
share one address. Linux routes the whole of 127.0.0.0/8 to the loopback interface.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import time
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import gevent
import gevent.event
from locust import HttpUser, constant, task
from locust.exception import StopUser
from locust.env import Environment

from bench.pages import SourceAddressAdapter, errors_in, form_with, forms_in  # noqa: F401 (shared with the fault suite)

# Step names, in the order of a round; the report keeps this order.
SIGN_IN_FORM = "sign in: form"
SIGN_IN = "sign in: POST"
HOME = "home"
LISTING = "category listing"
SEARCH = "search"
PRODUCT = "product page"
ADD_TO_CART = "add to cart (htmx)"
CART = "cart"
GENERATE_ORDER = "Generate Order"
FINISH_ORDER = "Finish order: POST"
ORDER_PLACED = "order placed page"
SIGN_IN_STEPS = {SIGN_IN_FORM, SIGN_IN, HOME}
STEPS = [SIGN_IN_FORM, SIGN_IN, HOME, LISTING, SEARCH, PRODUCT, ADD_TO_CART, CART, GENERATE_ORDER, FINISH_ORDER, ORDER_PLACED]

REQUEST_TIMEOUT = 60
ORDER_PLACED_PATH = re.compile(r"^/buy/orders/(?P<number>[^/]+)/placed/$")
ROW = re.compile(r'<tr data-sku="(?P<sku>[^"]+)">(?P<row>.*?)</tr>', re.S)


# --- reading the store's pages --------------------------------------------------------------------


def orderable_rows(html: str) -> list[tuple[str, str]]:
    """(SKU, product id) of the listing's rows that offer Add to cart and show stock."""
    rows = []
    for match in ROW.finditer(html):
        row = match.group("row")
        product = re.search(r'name="product" value="(\d+)"', row)
        if product and 'class="stock in"' in row:
            rows.append((unescape(match.group("sku")), product.group(1)))
    return rows


# --- the reseller -----------------------------------------------------------------------------------


class StepFailed(Exception):
    """A step's answer was not the page it should be; the round stops and the next one begins."""


class TimeUp(Exception):
    """The run's time is over: the reseller stops before its next request, never in the middle of one."""


class Reseller(HttpUser):
    """One reseller contact: signs in, waits for the others, then shops and orders in rounds."""

    # Set by drive() from the plan before the users spawn.
    plan: dict[str, Any] = {}
    deadline = float("inf")
    wait_time = constant(0)
    _numbers = itertools.count()
    placed: list[dict[str, str]] = []
    signed_in_count = 0
    window_open = gevent.event.Event()

    @classmethod
    def run_started(cls) -> None:
        """A new run begins: a subclass forgets what it recorded in the last one."""

    @classmethod
    def run_figures(cls) -> dict[str, Any]:
        """What a subclass recorded in the run, added to drive()'s figures."""
        return {}

    def on_start(self) -> None:
        index = next(Reseller._numbers)
        self.username = self.plan["resellers"][index % len(self.plan["resellers"])]
        self.random = random.Random(f"{self.plan.get('seed', 0)}-{index}")
        self.client.mount("http://", SourceAddressAdapter(f"127.0.0.{10 + index}"))
        self.signed_in = False
        try:
            self.sign_in()
        except StepFailed:
            pass  # tried again in the first round
        Reseller.signed_in_count += 1
        # The timed window opens once every reseller has signed in: the sign-in burst (a deliberately
        # slow password hash each) is measured as its own steps, not mixed into the shopping figures.
        Reseller.window_open.wait()

    def sign_in(self) -> None:
        page = self._get("/auth/login/", SIGN_IN_FORM, 'name="login"')
        form = form_with(page, "login")
        data = {**form.fields, "login": self.username, "password": self.plan["password"]}
        self._post_redirect("/auth/login/", SIGN_IN, data, "/")
        self._get("/", HOME, "Sign out")
        self.signed_in = True

    def _on_time(self) -> None:
        if time.monotonic() >= Reseller.deadline:
            raise TimeUp

    # Each step returns the page's text or raises StepFailed after marking the request failed.
    def _get(self, path: str, name: str, landmark: str | tuple[str, ...], *, last: bool = False, **kwargs: Any) -> str:
        """GET a page that must show `landmark` (or one of several)."""
        if not last:
            self._on_time()
        landmarks = (landmark,) if isinstance(landmark, str) else landmark
        with self.client.get(path, name=name, catch_response=True, timeout=REQUEST_TIMEOUT, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {path}")
                raise StepFailed(name)
            if not any(mark in response.text for mark in landmarks):
                response.failure(f"{path} answered 200 without {landmark!r}: {errors_in(response.text)}")
                raise StepFailed(name)
            response.success()
            return response.text

    def _post_redirect(self, path: str, name: str, data: dict[str, str], to: re.Pattern[str] | str) -> str:
        """POST a form that must answer with a redirect to `to`; returns the Location's path."""
        self._on_time()
        with self.client.post(
            path, data=data, name=name, catch_response=True, allow_redirects=False, timeout=REQUEST_TIMEOUT,
            headers={"Referer": self.client.base_url + path},
        ) as response:
            location = urlsplit(response.headers.get("Location", "")).path
            matches = to.match(location) if isinstance(to, re.Pattern) else location == to
            if response.status_code != 302 or not matches:
                shown = errors_in(response.text) if response.status_code == 200 else f"Location {location!r}"
                response.failure(f"{name}: HTTP {response.status_code}, {shown}")
                raise StepFailed(name)
            response.success()
            return location

    @task
    def shop_and_order(self) -> None:
        try:
            if not self.signed_in:
                self.sign_in()
            self.round()
        except StepFailed:
            pass
        except TimeUp:
            raise StopUser from None

    def round(self) -> None:
        plan, rnd = self.plan, self.random
        listing = self._get(f"/catalog/c/{rnd.choice(plan['categories'])}/", LISTING, 'class="table products"')
        self._get("/catalog/search/", SEARCH, "results-bar", params={"q": rnd.choice(plan["terms"])})
        rows = orderable_rows(listing)
        if not rows:
            raise StepFailed(LISTING)
        sku, _product_id = rnd.choice(rows)
        self.add_to_cart(sku, rnd.randint(1, 3))
        self._get("/buy/cart/", CART, "/buy/checkout/")
        data = self.checkout_form()
        location = self._post_redirect("/buy/checkout/", FINISH_ORDER, data, ORDER_PLACED_PATH)
        # Answered with its order's page: the ledger looks for exactly this order.
        number = ORDER_PLACED_PATH.match(location).group("number")
        Reseller.placed.append({"username": self.username, "submission_key": data["submission_key"], "number": number})
        # The round's last request is made even past the deadline: the order's page completes it.
        self._get(location, ORDER_PLACED, number, last=True)

    def add_to_cart(self, sku: str, quantity: int) -> None:
        """The product's page, then its "Add to cart" as htmx posts it."""
        product_path = f"/catalog/p/{sku}/"
        page = self._get(product_path, PRODUCT, "product-buy")
        form = form_with(page, "product")
        if form is None:
            raise StepFailed(PRODUCT)
        data = {**form.fields, "quantity": str(quantity)}
        headers = {
            # What htmx sends for the form's hx-post: the request marker, the target, the page and the
            # body's CSRF header.
            "HX-Request": "true",
            "HX-Target": "dialog",
            "HX-Current-URL": self.client.base_url + product_path,
            "X-CSRFToken": data.get("csrfmiddlewaretoken", ""),
            "Referer": self.client.base_url + product_path,
        }
        self._on_time()
        with self.client.post(
            form.attrs.get("hx-post") or form.attrs["action"], data=data, headers=headers, name=ADD_TO_CART,
            catch_response=True, allow_redirects=False, timeout=REQUEST_TIMEOUT,
        ) as response:
            if response.status_code != 200 or "Added to your cart" not in response.text:
                response.failure(f"add to cart {sku}: HTTP {response.status_code}, {errors_in(response.text)}")
                raise StepFailed(ADD_TO_CART)
            response.success()

    def checkout_form(self) -> dict[str, str]:
        """Generate Order: the Finish order form's fields as the store rendered them."""
        checkout = self._get("/buy/checkout/", GENERATE_ORDER, 'name="submission_key"')
        form = form_with(checkout, "submission_key")
        data = dict(form.fields)
        # The shipment types the account's country offers, as radios; credit is preselected.
        data["shipment_type"] = self.random.choice(form.choices.get("shipment_type") or [""])
        data.setdefault("payment_method", "credit")
        return data


# --- running it -------------------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return None
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(times: list[float], failures: int, seconds: float) -> dict[str, Any]:
    ordered = sorted(times)
    return {
        "requests": len(ordered),
        "failures": failures,
        "throughput": round(len(ordered) / seconds, 2) if seconds else 0.0,
        "p50_ms": _ms(percentile(ordered, 0.50)),
        "p95_ms": _ms(percentile(ordered, 0.95)),
        "p99_ms": _ms(percentile(ordered, 0.99)),
        "max_ms": _ms(ordered[-1] if ordered else None),
    }


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def drive(*, host: str, users: int, seconds: float, plan: dict[str, Any], user_class: type[Reseller] = Reseller) -> dict[str, Any]:
    """Run `users` resellers against host, headless: all sign in, then they shop for `seconds`.

    The overall figures (requests, throughput, percentiles) cover the timed window; the per-step
    figures include the sign-ins before it. Where the plan names the web server's process group, the
    CPU gunicorn's workers spent in the window is measured too. `user_class` is Reseller or a
    subclass (bench/contention.py's); the run's shared state stays on Reseller.
    """
    from bench.load import cpu_by_pid, cpu_spent

    Reseller.plan = plan
    Reseller._numbers = itertools.count()
    Reseller.placed = []
    Reseller.signed_in_count = 0
    Reseller.window_open = gevent.event.Event()
    Reseller.deadline = float("inf")
    Reseller.wait_time = constant(float(plan.get("think", 0.0)))
    user_class.run_started()
    window_start = float("inf")  # epoch seconds, as Locust stamps a request's start
    times: dict[str, list[float]] = {name: [] for name in STEPS}
    failed: dict[str, int] = {name: 0 for name in STEPS}
    in_window: list[float] = []
    window_failures = 0
    messages: dict[str, int] = {}
    # Every answer by its status class, sign-ins included; "transport" is a request that got no answer
    # (refused or reset connection, timeout), which Locust reports with status 0.
    statuses: dict[str, int] = {}

    env = Environment(user_classes=[user_class], host=host)

    def on_request(
        name: str, response_time: float, exception: BaseException | None, start_time: float = 0.0, response: Any = None, **_kwargs: Any
    ) -> None:
        nonlocal window_failures
        status = getattr(response, "status_code", 0) or 0
        kind = f"{status // 100}xx" if status else "transport"
        statuses[kind] = statuses.get(kind, 0) + 1
        times.setdefault(name, []).append(response_time)
        if start_time >= window_start:
            in_window.append(response_time)
        if exception is not None:
            failed[name] = failed.get(name, 0) + 1
            window_failures += start_time >= window_start
            text = str(exception)[:300]
            messages[text] = messages.get(text, 0) + 1

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    sign_in_started = time.monotonic()
    runner.start(users, spawn_rate=users)
    sign_in_deadline = sign_in_started + REQUEST_TIMEOUT + 2 * users
    while Reseller.signed_in_count < users and time.monotonic() < sign_in_deadline:
        gevent.sleep(0.05)
    sign_in_seconds = time.monotonic() - sign_in_started

    web_group = plan.get("web_group")
    web_before = cpu_by_pid(group=web_group) if web_group else None
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    window_start = time.time()
    Reseller.deadline = started + seconds
    Reseller.window_open.set()
    # Past the deadline each reseller stops before its next request, so every request sent is
    # answered and counted (an order whose page never arrived would muddle the ledger); a reseller
    # still waiting after the grace is stopped with the runner.
    gevent.sleep(seconds)
    grace = time.monotonic() + REQUEST_TIMEOUT
    while runner.user_count and time.monotonic() < grace:
        gevent.sleep(0.05)
    elapsed = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    web_cpu = cpu_spent(web_before, cpu_by_pid(group=web_group)) if web_before is not None else None
    runner.quit()
    env.events.request.remove_listener(on_request)

    result = {
        "users": users,
        "seconds": round(elapsed, 2),
        **summary(in_window, window_failures, elapsed),
        "failures": sum(failed.values()),
        "sign_in_seconds": round(sign_in_seconds, 2),
        "steps": {
            name: summary(times[name], failed.get(name, 0), sign_in_seconds if name in SIGN_IN_STEPS else elapsed)
            for name in times
            if times[name]
        },
        "errors": [{"message": text, "count": count} for text, count in sorted(messages.items(), key=lambda item: -item[1])],
        "statuses": dict(sorted(statuses.items())),
        "server_errors": statuses.get("5xx", 0),
        "transport_errors": statuses.get("transport", 0),
        "orders_answered": len(Reseller.placed),
        "placed": list(Reseller.placed),
        **user_class.run_figures(),
        "client_cpu_ms_per_request": _per_request(
            (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime), len(in_window)
        ),
    }
    if web_cpu is not None:
        result["web_cpu_ms_per_request"] = _per_request(web_cpu, len(in_window))
    return result


def _per_request(cpu_seconds: float, requests: int) -> float | None:
    return round(1000 * cpu_seconds / requests, 1) if requests else None


def main(argv: list[str] | None = None, user_class: type[Reseller] = Reseller) -> None:
    parser = argparse.ArgumentParser(description="Drive the resellers of a plan (started by bench.load).")
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--plan", required=True, help="JSON: resellers, password, categories, terms, think")
    parser.add_argument("--out", required=True, help="where the figures are written, as JSON")
    args = parser.parse_args(argv)
    with open(args.plan, encoding="utf-8") as stream:
        plan = json.load(stream)
    result = drive(host=args.host, users=args.users, seconds=args.seconds, plan=plan, user_class=user_class)
    with open(args.out, "w", encoding="utf-8") as stream:
        json.dump(result, stream)


if __name__ == "__main__":
    main()
