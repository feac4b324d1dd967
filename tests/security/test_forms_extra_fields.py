"""Forms accept no field they do not show: for each form a contact posts, Hypothesis adds fields the
page does not show (account, credit, prices, staff flags, states, owners, another account's ids) and
the database after the post must be exactly what the same post without them leaves.

Each example posts twice, the plain form and the form with the extra fields, each in a transaction
rolled back afterwards, and compares the rows of every model that holds money, rights, states or
owners. Rows created by the post are compared by content (new ids are masked: a sequence is not
rolled back on PostgreSQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from licensing.models import Program
from orders.models import Order
from rma.models import RmaRequest
from tests.licensing.conftest import vl_catalog  # noqa: F401 - the licensing products, a fixture
from tests.security.conftest import client_for
from tests.security.seed import World

pytestmark = pytest.mark.django_db

# The models whose rows say who may do what, what things cost, who owns what and in which state.
WATCHED = [
    "accounts.User", "accounts.Account", "accounts.Contact", "catalog.Price", "catalog.Product",
    "orders.Order", "orders.OrderLine", "orders.Cart", "orders.CartLine", "orders.Invoice",
    "quotes.Quote", "quotes.QuoteLine", "quotes.Customer",
    "rma.RmaRequest", "licensing.LicenceOrder", "licensing.LicenceOrderLine",
    "events.Registration", "help.Inquiry", "chat.Conversation",
]
# Values that differ between two identical posts: times, random tokens and generated numbers.
UNSTABLE = re.compile(r"(^|_)(at|date|token|hash|key|number|password|last_login|search|created|updated)$|_at$")


def _stable_fields(model) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(f, (models.DateTimeField, models.UUIDField, models.FileField)) and not UNSTABLE.search(f.name)
    ]


def _high_water() -> dict[str, int]:
    return {label: apps.get_model(label).objects.aggregate(top=models.Max("pk"))["top"] or 0 for label in WATCHED}


def db_state(high_water: dict[str, int]) -> dict[str, list[tuple]]:
    """Every watched row, pk and foreign keys to rows made since `high_water` masked as "new"."""
    state = {}
    for label in WATCHED:
        model = apps.get_model(label)
        fields = _stable_fields(model)
        rows = []
        for row in model.objects.order_by("pk").values_list("pk", *(f.attname for f in fields)):
            pk, values = row[0], list(row[1:])
            for i, f in enumerate(fields):
                if f.is_relation and values[i] is not None:
                    target = f.related_model._meta.label
                    if target in high_water and values[i] > high_water[target]:
                        values[i] = "new"
            rows.append(("new" if pk > high_water[label] else pk, *values))
        state[label] = sorted(rows, key=repr)
    return state


class _Rollback(Exception):
    pass


def post_and_look(client: Client, url: str, data: dict, high_water: dict[str, int]) -> tuple[int, dict]:
    """POST, read the database, undo everything."""
    outcome = {}
    try:
        with transaction.atomic():
            cache.clear()  # throttles, and sessions read afresh from the (rolled back) database
            response = client.post(url, data)
            outcome["status"] = response.status_code
            outcome["state"] = db_state(high_water)
            raise _Rollback
    except _Rollback:
        pass
    return outcome["status"], outcome["state"]


# --- what the extra fields may be ---------------------------------------------------------------

SENSITIVE_NAMES = [
    "account", "account_id", "credit_limit", "credit_used", "price", "prices", "unit_price", "amount", "total", "cost",
    "line_total", "price_seen", "list_total", "credit_taken", "is_staff", "is_superuser", "is_admin", "is_active", "state",
    "status", "owner", "owner_id", "created_by", "created_by_id", "placed_by", "placed_by_id", "contact", "contact_id",
    "user", "user_id", "sales_executive", "sales_executive_id", "customer_code", "currency", "price_list", "decided_by",
    "current_for", "pdf_state", "resolution", "service_centre", "kind", "permissions", "pk", "id", "order", "order_id",
    "quote", "account_state", "blocked_fields", "expected_total", "submission_key", "program", "section", "customer_id",
    *("can_see_prices", "can_order", "can_quote", "can_rma", "can_license", "can_download", "can_invoice"),
]
PREFIXES = ["", "own-", "account-", "new-", "edit-", "user-", "line-"]


def _foreign_names(theirs: World) -> list[str]:
    """Names of fields a form reads by prefix, pointing at another account's lines."""
    return [
        f"quantity-{theirs.ids['cart_line']}", f"quantity-{theirs.ids['quote_line']}",
        f"profit_value-{theirs.ids['quote_line']}", f"price-{theirs.ids['quote_line']}",
    ]


def every_extra_field(theirs: World, shown: re.Pattern, value: str) -> dict[str, str]:
    """All the sensitive names at once (an explicit example, so each is tried on every form)."""
    names = [prefix + name for prefix in PREFIXES for name in SENSITIVE_NAMES] + _foreign_names(theirs)
    return {name: value for name in names if not shown.fullmatch(name)}


def extra_fields(world: World, theirs: World, shown: re.Pattern) -> st.SearchStrategy[dict[str, str]]:
    """Field names the page does not show, with values a tamperer would try."""
    names = st.one_of(
        st.builds(lambda p, n: p + n, st.sampled_from(PREFIXES), st.sampled_from(SENSITIVE_NAMES)),
        st.sampled_from(_foreign_names(theirs)),
        st.from_regex(r"[a-z][a-z_\-]{0,24}", fullmatch=True),
    ).filter(lambda name: not shown.fullmatch(name))
    values = st.one_of(
        st.sampled_from(
            ["1", "0", "-1", "on", "true", "True", "999999999", "0.01", "-100.00", "blocked", "cancelled", "approved",
             "delivered", "received", "admin", str(theirs.account.pk), str(theirs.me.pk), str(theirs.me.user.pk),
             str(world.executive.pk), theirs.ids["order"], theirs.ids["quote"]]
        ),
        st.text(max_size=12),
    )
    return st.dictionaries(names, values, min_size=1, max_size=12)


# --- the forms -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A form: where it posts, the fields the page shows (a pattern), and a valid post of it."""

    url: Callable[[World, dict], str]
    shown: str
    data: Callable[[World, dict], dict]
    prepare: Callable[[World, Client, dict], None] | None = None
    writes: bool = True  # False: the form keeps its step in the session, no row is written yet


def _rma_step_one(ours: World, client: Client, objects: dict) -> None:
    Order.objects.filter(number=ours.ids["order"]).update(state=Order.State.DELIVERED)
    session = client.session
    session["rma_request"] = {"order_number": ours.ids["order"], "contact_name": "Ana", "contact_email": "ana@acme.test", "contact_phone": ""}
    session.save()


# The contact information page: the contact's own form and the account's data form.
PROFILE_FIELDS = r"section|own-(first_name|last_name|position|telephone)|account-(company_name|tax_id|address|city|phone)"

CASES = {
    "cart add": Case(lambda w, o: reverse("orders:cart-add"), r"product|quantity|next", lambda w, o: {"product": o["thinkpad"].pk, "quantity": "2"}),
    "cart update": Case(
        lambda w, o: reverse("orders:cart-update"), r"quantity-\d+", lambda w, o: {f"quantity-{w.ids['cart_line']}": "3"}
    ),
    "cart add item": Case(lambda w, o: reverse("orders:cart-add-item"), r"code|quantity", lambda w, o: {"code": o["latitude"].sku, "quantity": "1"}),
    "Finish order": Case(
        lambda w, o: reverse("orders:checkout"),
        r"shipment_type|observations|payment_method|submission_key|expected_total",
        lambda w, o: {"shipment_type": "delivery", "payment_method": "credit", "observations": "Dock 4", "submission_key": "s" * 32},
    ),
    "quote add": Case(lambda w, o: reverse("quotes:quote-add"), r"product|quantity|next", lambda w, o: {"product": o["thinkpad"].pk, "quantity": "1"}),
    "quote edit and lines": Case(
        lambda w, o: reverse("quotes:quote-save", args=[w.ids["quote"]]),
        r"customer|profit_kind|profit_value|valid_until|notes|download|(quantity|profit_kind|profit_value)-\d+",
        lambda w, o: {
            "profit_kind": "percent", "profit_value": "12.50", "customer": "", "notes": "For Globex", "valid_until": "",
            f"quantity-{w.ids['quote_line']}": "4", f"profit_kind-{w.ids['quote_line']}": "", f"profit_value-{w.ids['quote_line']}": "",
        },
    ),
    "quote add item": Case(
        lambda w, o: reverse("quotes:quote-add-item", args=[w.ids["quote"]]), r"code|quantity", lambda w, o: {"code": o["monitor"].sku, "quantity": "2"}
    ),
    "quote customer": Case(
        lambda w, o: reverse("quotes:customer-save", args=[w.ids["quote"]]),
        r"customer_id|(new|edit)-(company|contact_name|tax_id|address|email|phone)",
        lambda w, o: {"new-company": "Initech", "new-contact_name": "Bill", "new-tax_id": "INI010101", "new-address": "Main 1", "new-email": "bill@initech.test", "new-phone": "+52 1"},
    ),
    "RMA request, step 1": Case(
        lambda w, o: reverse("rma:request"), r"order_number|contact_name|contact_email|contact_phone",
        lambda w, o: {"order_number": w.ids["order"], "contact_name": "Ana", "contact_email": "ana@acme.test"}, prepare=_rma_step_one, writes=False,
    ),
    "RMA request, step 2": Case(
        lambda w, o: reverse("rma:request-claim"), r"order_line|quantity|claim_type|details|serial_number|attachments",
        lambda w, o: {"order_line": str(o["order_line"]), "quantity": "1", "claim_type": RmaRequest.ClaimType.choices[0][0], "details": "Dead pixel", "serial_number": "SN-1"},
        prepare=_rma_step_one,
    ),
    "licensing order": Case(
        lambda w, o: reverse("licensing:order-new"),
        r"program|submission_key|end_customer|end_customer_tax_id|observations|(amount|price)-\d+",
        lambda w, o: {"program": Program.OPEN_VALUE, "submission_key": "v" * 32, "end_customer": "Colegio Azteca", f"amount-{o['office'].pk}": "3", f"price-{o['office'].pk}": "8500.00"},
    ),
    "NEW CONTACT": Case(
        lambda w, o: reverse("accounts:contact-create"),
        r"first_name|last_name|email|username|position|telephone|is_admin|permissions",
        lambda w, o: {"first_name": "Nora", "last_name": "Nunez", "email": "nora@acme.test", "position": "Buyer", "telephone": "+52 2", "permissions": ["can_see_prices", "can_order"]},
    ),
    "edit contact and permissions": Case(
        lambda w, o: reverse("accounts:contact-edit", args=[w.ids["contact"]]),
        r"first_name|last_name|email|position|telephone|is_admin|permissions",
        lambda w, o: {"first_name": "Cleo", "last_name": "Colleague", "email": w.colleague.user.email, "position": "Manager", "telephone": "+52 3", "permissions": ["can_see_prices", "can_quote"]},
    ),
    "contact information": Case(
        lambda w, o: reverse("accounts:contact-information"), PROFILE_FIELDS,
        lambda w, o: {"own-first_name": "Ana", "own-last_name": "Alvarez", "own-position": "Owner", "own-telephone": "+52 4"},
    ),
    "account data": Case(
        lambda w, o: reverse("accounts:contact-information"), PROFILE_FIELDS,
        lambda w, o: {"section": "account", "account-company_name": "Acme Reseller SA", "account-tax_id": w.account.tax_id, "account-address": "Calle 1", "account-city": "CDMX", "account-phone": "+52 5"},
    ),
    "event registration": Case(lambda w, o: reverse("events:register-contact", args=[o["event"]]), r"", lambda w, o: {}),
    "event registration of a visitor": Case(
        lambda w, o: reverse("events:register-visitor", args=[o["event"]]),
        r"first_name|last_name|company|position|email|phone|country",
        lambda w, o: {"first_name": "Vera", "last_name": "Vidal", "company": "Outside", "position": "Owner", "email": "vera@outside.test", "phone": "+1 305", "country": "US"},
    ),
    "Questions or Concerns": Case(
        lambda w, o: reverse("help:questions"), r"first_name|last_name|company_name|email|phone|fax|address|country|comment",
        lambda w, o: {"first_name": "Lucia", "last_name": "Lopez", "email": "lucia@lopez.test", "phone": "+52 55 1234 5678", "country": "MX", "comment": "Do you ship?"},
    ),
}


@pytest.fixture
def objects(worlds, stocked, vl_catalog, public_ids) -> dict:  # noqa: F811 - the fixture imported above
    ours, _ = worlds
    order_line = Order.objects.get(number=ours.ids["order"]).lines.get()
    return {**stocked, **vl_catalog, "event": public_ids["event"], "order_line": order_line.pk}


@pytest.mark.parametrize("name", list(CASES))
def test_extra_fields_posted_to_a_contacts_form_change_nothing(name, worlds, objects):
    ours, theirs = worlds
    case = CASES[name]
    client = client_for(ours.me.user)
    if case.prepare:
        case.prepare(ours, client, objects)
    url, base = case.url(ours, objects), case.data(ours, objects)
    high_water = _high_water()
    plain_status, plain_state = post_and_look(client, url, base, high_water)
    assert plain_status in (200, 302), f"{name}: the plain post answered {plain_status}"
    # The plain post does its work, so the extra fields are tried on the path that writes.
    assert (plain_state != db_state(high_water)) == case.writes, f"{name}: the plain post changed nothing"
    shown = re.compile(case.shown)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], database=None)
    @given(extra=extra_fields(ours, theirs, shown))
    @example(extra=every_extra_field(theirs, shown, "on"))
    @example(extra=every_extra_field(theirs, shown, str(theirs.account.pk)))
    @example(extra=every_extra_field(theirs, shown, "999999999"))
    def tampered(extra: dict[str, str]) -> None:
        status, state = post_and_look(client, url, {**extra, **base}, high_water)
        told = f"{name} with {len(extra)} extra fields ({', '.join(sorted(extra)[:8])}...)"
        assert status == plain_status, f"{told}: {status}, plain {plain_status}"
        changed = {label for label in state if state[label] != plain_state[label]}
        assert not changed, f"{told}: {sorted(changed)} differ from the plain post"

    tampered()
