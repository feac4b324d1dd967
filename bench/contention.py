"""The resellers of the reliability load (bench/reliability.py): bench/locustfile.py's shopping round,
with what makes orders collide.

- Pairs: the two contacts of an account (bench/load.py's seed) share one credit line, which the
  reliability seed makes tight.
- Scarce products: a share of the rounds go straight to the page of one of a few products that hold a
  handful of units (the reseller knows what it wants), and every reseller wants the same few.
- Double submits: a share of the Finish orders are sent twice with the same form (its
  submission_key): at once, two requests in flight together as a double click sends them, or back to
  back, the second as soon as the first is answered.
- Refusals: Finish order answered with the form again and the store's own message for credit ("exceeds
  your available credit") or for stock ("only N are available") is an outcome the store owes, not a
  failure. Refused, the reseller removes the lines from its cart; refused for credit, it often cancels
  one of its account's open orders first (Transactions, the order, Cancel order, which returns credit
  and stock) and presses Finish order again on a fresh form. So the credit lines and the scarce units
  stay contested all run, instead of running dry in the first seconds.

Every submission (its key, each answer, the outcome) and every cancellation is recorded for the
ledger. `python -m bench.contention` is the child process bench/reliability.py starts, as bench/load.py
starts bench.locustfile (gevent's patching stays out of the parent).
"""

from __future__ import annotations

import re
import sys
from typing import Any
from urllib.parse import urlsplit

import gevent

from bench.locustfile import (
    CART,
    FINISH_ORDER,
    LISTING,
    ORDER_PLACED,
    ORDER_PLACED_PATH,
    REQUEST_TIMEOUT,
    SEARCH,
    Reseller,
    StepFailed,
    main,
    orderable_rows,
)
from bench.pages import errors_in, forms_in

FINISH_AGAIN = "Finish order: second press"
CART_EMPTY = "cart: remove"
OPEN_ORDERS = "orders: open ones"
ORDER_PAGE = "order page"
CANCEL = "Cancel order: POST"

# The store's own words for its two expected refusals (orders/services.py).
REFUSALS = {
    "refused_credit": re.compile(r"exceeds your available credit"),
    "refused_stock": re.compile(r"only \d+ are available"),
}
CANCELLED = "is cancelled; its stock and credit are released"
NOT_CANCELLABLE = "cannot be cancelled here"
OPEN_ORDER = re.compile(r'<tr data-order="(?P<number>[^"]+)"')
REMOVE_ACTION = re.compile(r"^/buy/cart/remove/\d+/$")
DOUBLE_KINDS = ("at once", "back to back")


class ContendedReseller(Reseller):
    """A reseller of a pair, after the same scarce products as everyone, sometimes pressing twice."""

    submissions: list[dict[str, Any]] = []
    cancellations: list[dict[str, Any]] = []

    @classmethod
    def run_started(cls) -> None:
        cls.submissions = []
        cls.cancellations = []

    @classmethod
    def run_figures(cls) -> dict[str, Any]:
        return {"submissions": list(cls.submissions), "cancellations": list(cls.cancellations)}

    def on_start(self) -> None:
        # A round cut short (a failed step) may leave lines in the cart: the next round removes them
        # first, so each submission orders exactly what it recorded.
        self.cart_holds_lines = False
        super().on_start()

    def round(self) -> None:
        plan, rnd = self.plan, self.random
        if self.cart_holds_lines:
            self.empty_cart()
        scarce = bool(plan["scarce"]) and rnd.random() < plan["scarce_share"]
        if scarce:
            sku, quantity = rnd.choice(plan["scarce"]), rnd.randint(1, plan["scarce_max_quantity"])
        else:
            listing = self._get(f"/catalog/c/{rnd.choice(plan['categories'])}/", LISTING, 'class="table products"')
            self._get("/catalog/search/", SEARCH, "results-bar", params={"q": rnd.choice(plan["terms"])})
            rows = [sku for sku, _product in orderable_rows(listing) if sku not in plan["scarce"]]
            if not rows:
                raise StepFailed(LISTING)
            sku, quantity = rnd.choice(rows), rnd.randint(1, 3)
        self.cart_holds_lines = True
        self.add_to_cart(sku, quantity)
        self._get("/buy/cart/", CART, "/buy/checkout/")

        outcome = self.submit(sku=sku, quantity=quantity, scarce=scarce)
        if outcome == "refused_credit" and rnd.random() < plan["cancel_share"] and self.cancel_an_open_order():
            # Credit freed (by this reseller or its partner): the same cart, a fresh Generate Order.
            outcome = self.submit(sku=sku, quantity=quantity, scarce=scarce, retry=True)
        if outcome != "placed":
            self.empty_cart()

    # --- Finish order, once or twice ------------------------------------------------------------------

    def submit(self, *, sku: str, quantity: int, scarce: bool, retry: bool = False) -> str:
        """Generate Order and Finish order (pressed twice for a share of them); records the submission
        and returns its outcome: placed, refused_credit or refused_stock."""
        rnd = self.random
        data = self.checkout_form()
        double = rnd.choice(DOUBLE_KINDS) if rnd.random() < self.plan["double_share"] else None
        self._on_time()
        if double == "at once":
            presses = [gevent.spawn(self.press, data, FINISH_ORDER), gevent.spawn(self.press, data, FINISH_AGAIN)]
            gevent.joinall(presses)
            answers = [press.value or {"outcome": "failed", "status": None, "message": repr(press.exception)} for press in presses]
        else:
            answers = [self.press(data, FINISH_ORDER)]
            if double == "back to back":
                answers.append(self.press(data, FINISH_AGAIN))
        ContendedReseller.submissions.append(
            {
                "username": self.username,
                "submission_key": data["submission_key"],
                "sku": sku,
                "quantity": quantity,
                "scarce": scarce,
                "retry": retry,
                "double": double,
                "answers": answers,
            }
        )
        if any(answer["outcome"] == "failed" for answer in answers):
            raise StepFailed(FINISH_ORDER)
        placed = [answer["number"] for answer in answers if answer["outcome"] == "placed"]
        if not placed:
            return answers[0]["outcome"]
        self.cart_holds_lines = False
        # The round's last request is made even past the deadline: the order's page completes it.
        self._get(f"/buy/orders/{placed[0]}/placed/", ORDER_PLACED, placed[0], last=True)
        return "placed"

    def press(self, data: dict[str, str], name: str) -> dict[str, Any]:
        """One POST of the Finish order form: the order's page (placed), the form again with one of the
        two expected refusals, or anything else (failed, marked as a failure)."""
        with self.client.post(
            "/buy/checkout/", data=data, name=name, catch_response=True, allow_redirects=False, timeout=REQUEST_TIMEOUT,
            headers={"Referer": self.client.base_url + "/buy/checkout/"},
        ) as response:
            status = response.status_code
            placed = ORDER_PLACED_PATH.match(_location(response))
            if status == 302 and placed:
                response.success()
                return {"outcome": "placed", "status": status, "number": placed.group("number")}
            shown = errors_in(response.text) if status == 200 else f"Location {_location(response)!r}"
            if status == 200:
                for outcome, words in REFUSALS.items():
                    if words.search(shown):
                        response.success()
                        return {"outcome": outcome, "status": status, "message": shown}
            response.failure(f"{name}: HTTP {status}, {shown}")
            return {"outcome": "failed", "status": status, "message": shown}

    # --- the cart and the account's open orders -------------------------------------------------------

    def empty_cart(self) -> None:
        """remove, on every line of the cart page."""
        page = self._get("/buy/cart/", CART, "Add item to cart")
        for form in forms_in(page):
            if REMOVE_ACTION.match(form.attrs.get("action", "")):
                self._post_redirect(form.attrs["action"], CART_EMPTY, form.fields, "/buy/cart/")
        self.cart_holds_lines = False

    def cancel_an_open_order(self) -> bool:
        """Cancel order on one of the account's open orders (its own or its partner's, the two may
        race for it); True if credit was freed by this reseller or, meanwhile, by the partner."""
        listing = self._get("/buy/orders/", OPEN_ORDERS, "order status", params={"status": "placed"})
        numbers = OPEN_ORDER.findall(listing)
        if not numbers:
            return False
        number = self.random.choice(numbers)
        path = f"/buy/orders/{number}/"
        page = self._get(path, ORDER_PAGE, number)
        form = next((form for form in forms_in(page) if form.attrs.get("action", "").endswith("/cancel/")), None)
        if form is None:
            # No Cancel order button: the partner cancelled it since the list was read.
            outcome = "already cancelled"
        else:
            self._post_redirect(form.attrs["action"], CANCEL, form.fields, path)
            answer = self._get(path, ORDER_PAGE, (CANCELLED, NOT_CANCELLABLE), last=True)
            # Refused: the partner's Cancel order on the same order came first.
            outcome = "cancelled" if CANCELLED in answer else "already cancelled"
        ContendedReseller.cancellations.append({"username": self.username, "number": number, "outcome": outcome})
        return True


def _location(response: Any) -> str:
    return urlsplit(response.headers.get("Location", "")).path


if __name__ == "__main__":
    main(sys.argv[1:], user_class=ContendedReseller)
