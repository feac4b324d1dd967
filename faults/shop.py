"""Resellers placing orders over HTTP against the suite's gunicorn, as the store's own pages ask.

The cart is filled through the store's own service (`cart_add`, in this process, against the same
database): what the faults test is "Finish order", so that is the step sent over HTTP, with the
hidden fields (submission_key, expected_total) read from the checkout form the store rendered. Each
reseller connects from its own loopback address, as in bench/locustfile.py, so the sign-in limits per
address do not mix them up.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from django.db import close_old_connections

from bench.pages import SourceAddressAdapter, errors_in, form_with

ORDER_PLACED_PATH = re.compile(r"^/buy/orders/(?P<number>[^/]+)/placed/$")
TIMEOUT = 30
PASSWORD_FIELD = "password"


class ShopError(RuntimeError):
    """A page was not the one expected."""


@dataclass
class Attempt:
    """One press of Finish order: what was sent and what came back."""

    username: str
    submission_key: str
    status: int | None = None
    number: str | None = None
    seconds: float = 0.0
    error: str = ""
    data: dict[str, str] = field(default_factory=dict)

    @property
    def placed(self) -> bool:
        return self.number is not None


class Reseller:
    def __init__(self, *, base_url: str, username: str, password: str, address: str) -> None:
        self.base_url = base_url
        self.username = username
        self.password = password
        self.http = requests.Session()
        self.http.mount("http://", SourceAddressAdapter(address))
        self._product_id: int | None = None

    def sign_in(self) -> None:
        page = self.http.get(f"{self.base_url}/auth/login/", timeout=TIMEOUT)
        form = form_with(page.text, "login")
        if form is None:
            raise ShopError(f"{self.username}: no sign-in form (HTTP {page.status_code})")
        data = {**form.fields, "login": self.username, PASSWORD_FIELD: self.password}
        answer = self._post("/auth/login/", data)
        if answer.status_code != 302:
            raise ShopError(f"{self.username}: sign-in answered {answer.status_code}: {errors_in(answer.text)}")

    def fill_cart(self) -> None:
        """One unit of a product the reseller may buy, through the store's cart service."""
        from accounts.models import Contact
        from catalog.models import Stock
        from orders.models import CartLine
        from orders.services import OrderError, cart_add

        close_old_connections()
        contact = Contact.objects.select_related("account", "user").get(user__username=self.username)
        CartLine.objects.filter(cart__contact=contact).delete()
        if self._product_id is not None:
            cart_add(contact=contact, product=self._product_id, quantity=1)
            return
        candidates = (
            Stock.objects.filter(warehouse__country=contact.account.country, quantity__gt=1000)
            .order_by("product_id")
            .values_list("product_id", flat=True)
            .distinct()[:50]
        )
        for product_id in candidates:
            try:
                cart_add(contact=contact, product=product_id, quantity=1)
            except OrderError:
                continue
            self._product_id = product_id
            return
        raise ShopError(f"{self.username}: nothing to buy")

    def checkout_form(self) -> dict[str, str]:
        page = self.http.get(f"{self.base_url}/buy/checkout/", timeout=TIMEOUT)
        form = form_with(page.text, "submission_key")
        if page.status_code != 200 or form is None:
            raise ShopError(f"{self.username}: checkout answered {page.status_code} without its form: {errors_in(page.text)}")
        data = dict(form.fields)
        data["shipment_type"] = (form.choices.get("shipment_type") or [""])[0]
        data.setdefault("payment_method", "credit")
        return data

    def finish(self, data: dict[str, str]) -> Attempt:
        """POST Finish order; placed when answered with a redirect to the order's page."""
        attempt = Attempt(self.username, data["submission_key"], data=data)
        started = time.monotonic()
        try:
            answer = self._post("/buy/checkout/", data)
        except requests.RequestException as exc:
            attempt.error = f"{type(exc).__name__}: {exc}"[:200]
        else:
            attempt.status = answer.status_code
            placed = ORDER_PLACED_PATH.match(urlsplit(answer.headers.get("Location", "")).path)
            if answer.status_code == 302 and placed:
                attempt.number = placed.group("number")
            else:
                attempt.error = f"HTTP {answer.status_code}: {errors_in(answer.text) if answer.status_code == 200 else answer.reason}"
        attempt.seconds = time.monotonic() - started
        return attempt

    def order(self) -> Attempt:
        """A whole round: cart, checkout form, Finish order."""
        self.fill_cart()
        return self.finish(self.checkout_form())

    def _post(self, path: str, data: dict[str, Any]) -> requests.Response:
        return self.http.post(
            f"{self.base_url}{path}", data=data, allow_redirects=False, timeout=TIMEOUT, headers={"Referer": f"{self.base_url}{path}"}
        )
