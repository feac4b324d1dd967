"""Every state machine, every (state, role, move): what the map and the rules forbid is refused, what
they allow leaves exactly one event row saying who moved it, from where and to where.

The matrix is generated from each model's ALLOWED_TRANSITIONS: each record is forced into every state
of the map in turn (a savepoint rolled back after each cell), and every service that changes the state
is called by every role: the account's contact holding the permission the move needs, a colleague
holding every permission but that one, a contact of another account holding them all, the account's
sales executive, another sales executive, and the back office. A service refuses by raising its
DomainError (or PermissionDenied); then the state and the events are as they were.

`test_every_edge_of_every_map_has_a_service` keeps the declarations honest: a state or a move added
to a map without a service (or a service moving outside its map) fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Contact, ContactEvent, ContactLink, User, VerificationCode
from licensing import services as vl
from licensing.models import LicenceKey, LicenceOrder, LicenceOrderEvent
from orders import services as order_services
from orders.models import Order, OrderEvent
from quotes import services as quote_services
from quotes.models import Quote, QuoteEvent
from rma import services as rma_services
from rma.models import RmaEvent, RmaRequest
from storefront.errors import DomainError
from tests.accounts.factories import ContactFactory
from tests.licensing.conftest import place_vl, vl_catalog  # noqa: F401 - the licensing products, a fixture
from tests.rma.conftest import THINKPAD_SERIALS, centre, delivered  # noqa: F401 - fixtures
from tests.security.seed import other_executive

pytestmark = pytest.mark.django_db

ROLES = ("contact_with", "contact_without", "other_contact", "sales_executive", "other_executive", "back_office")
STAFF = frozenset({"sales_executive", "back_office"})


@dataclass(frozen=True)
class Move:
    """A service that changes a record's state: who may call it, from which states, to which state."""

    name: str
    to: str
    rules: dict[str, frozenset[str]]  # role: the states it may make the move from
    call: Callable[[object, object, str], object]  # (actor, record, current state)
    by_contact: bool = False  # the service takes a Contact (staff cannot call it); else a User
    any_actor: bool = False  # the service takes a Contact or a User (staff): each role acts as itself

    @property
    def sources(self) -> frozenset[str]:
        return frozenset().union(*self.rules.values())

    def allows(self, role: str, state: str) -> bool:
        return state in self.rules.get(role, frozenset())


def by(roles, sources) -> dict[str, frozenset[str]]:
    return dict.fromkeys(roles, frozenset(sources))


@dataclass
class Tally:
    tried: int = 0
    refused: int = 0
    allowed: int = 0
    not_applicable: int = 0
    wrong: list[str] = field(default_factory=list)

    def line(self, machine: str, states: int, moves: int, roles: int) -> str:
        return (
            f"[state matrix] {machine}: {states} states x {roles} roles x {moves} moves: "
            f"{self.tried} tried, {self.refused} refused, {self.allowed} allowed ({self.not_applicable} not callable by the role)"
        )


class _Rollback(Exception):
    pass


def predecessors(transitions: dict[str, set[str]], target: str) -> frozenset[str]:
    return frozenset(source for source, targets in transitions.items() if target in targets)


def edges(transitions: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(source, target) for source, targets in transitions.items() for target in targets}


def personas(account, *, permission: str, owner: Contact, other_admin: Contact, sales_executive: User, back_office: User) -> dict[str, object]:
    """The six roles. The contact with the permission is `owner` (it made the record)."""
    setattr(owner, permission, True)
    owner.save(update_fields=[permission])
    flags = {name: True for name in Contact.PERMISSION_FIELDS}
    flags["is_admin"] = True
    flags[permission] = False
    colleague = ContactFactory(account=account, user__username=f"without-{permission}", **flags)
    for name in (*Contact.PERMISSION_FIELDS, "is_admin"):
        setattr(other_admin, name, True)
    other_admin.save()
    return {
        "contact_with": owner,
        "contact_without": colleague,
        "other_contact": other_admin,
        "sales_executive": sales_executive,
        "other_executive": other_executive(),
        "back_office": back_office,
    }


def run_matrix(
    *,
    machine: str,
    record,
    transitions: dict[str, set[str]],
    moves: list[Move],
    roles: dict[str, object],
    events: Callable[[], models.QuerySet],
    state_field: str = "state",
    prepare: Callable[[object, str, Move], None] | None = None,
    noop_ok: Callable[[str, Move], bool] = lambda state, move: False,
    role_names: tuple[str, ...] = ROLES,
) -> Tally:
    """Try every (state, role, move); the record and everything the call wrote are rolled back after each."""
    model = type(record)
    tally = Tally()
    for state in transitions:
        for move in moves:
            for role in role_names:
                persona = roles[role]
                if move.by_contact and not isinstance(persona, Contact):
                    tally.not_applicable += 1
                    continue
                as_user = isinstance(persona, Contact) and not (move.by_contact or move.any_actor)
                actor = persona.user if as_user else persona
                expected = move.allows(role, state)
                cell = f"{machine}: {state} --{move.name}--> {move.to} by {role}"
                tally.tried += 1
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=record.pk).update(**{state_field: state})
                        if prepare:
                            prepare(record, state, move)
                        fresh = model.objects.get(pk=record.pk)
                        before = set(events().values_list("pk", flat=True))
                        try:
                            move.call(actor, fresh, state)
                            outcome = None
                        except (DomainError, PermissionDenied) as exc:
                            outcome = exc
                        now = model.objects.filter(pk=record.pk).values_list(state_field, flat=True).get()
                        new = list(events().exclude(pk__in=before))
                        if outcome is not None or (now == state and not new and noop_ok(state, move)):
                            tally.refused += 1
                            if expected:
                                tally.wrong.append(f"{cell}: refused ({outcome!r}) but allowed by the rules")
                            elif now != state or new:
                                tally.wrong.append(f"{cell}: refused but the state is {now} and {len(new)} events were written")
                        else:
                            tally.allowed += 1
                            if not expected:
                                tally.wrong.append(f"{cell}: ALLOWED but the rules refuse it")
                            actor_user = actor.user if isinstance(actor, Contact) else actor
                            who = [(e.actor_id, e.from_state, e.to_state) for e in new]
                            if now != move.to or who != [(actor_user.pk, state, move.to)]:
                                tally.wrong.append(f"{cell}: now {now}, events {who}")
                        raise _Rollback
                except _Rollback:
                    pass
    return tally


def report(tally: Tally, machine: str, transitions, moves, roles: int = len(ROLES)) -> None:
    print("\n" + tally.line(machine, len(transitions), len(moves), roles))
    assert not tally.wrong, "\n".join(tally.wrong)
    assert tally.allowed > 0 and tally.refused > 0


# --- orders -----------------------------------------------------------------------------------------

OrderState = Order.State


def order_moves() -> list[Move]:
    moves = [
        Move(
            f"order_move({target})", target, by(STAFF, predecessors(Order.ALLOWED_TRANSITIONS, target)),
            lambda actor, order, state, target=target: order_services.order_move(actor=actor, order=order, to_state=target),
        )
        for target in OrderState.values
    ]
    moves.append(
        Move(
            "order_cancel", OrderState.CANCELLED, by(["contact_with"], [OrderState.PLACED]),
            lambda contact, order, state: order_services.order_cancel(contact=contact, order=order), by_contact=True,
        )
    )
    return moves


def test_orders_every_state_role_and_move(contact, other_admin, account, stocked, sales_executive, back_office):
    roles = personas(account, permission="can_order", owner=contact, other_admin=other_admin, sales_executive=sales_executive, back_office=back_office)
    order_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    order = order_services.order_place(contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key="m" * 32)
    moves = order_moves()
    tally = run_matrix(
        machine="orders", record=order, transitions=Order.ALLOWED_TRANSITIONS, moves=moves, roles=roles,
        events=lambda: OrderEvent.objects.filter(order=order),
    )
    report(tally, "orders", Order.ALLOWED_TRANSITIONS, moves)


# --- RMA --------------------------------------------------------------------------------------------

RmaState = RmaRequest.State


def rma_moves(service_centre) -> list[Move]:
    def call(actor, rma, state, target):
        return rma_services.rma_move(
            actor=actor, rma=rma, to_state=target, service_centre=service_centre, return_instructions="Ship it to the centre.",
            resolution=RmaRequest.Resolution.values[0], rejection_reason="Out of warranty",
        )

    return [
        Move(f"rma_move({target})", target, by(STAFF, predecessors(RmaRequest.ALLOWED_TRANSITIONS, target)),
             lambda actor, rma, state, target=target: call(actor, rma, state, target))
        for target in RmaState.values
    ]


def test_rma_every_state_role_and_move(contact, other_admin, account, delivered, centre, sales_executive, back_office):
    roles = personas(account, permission="can_rma", owner=contact, other_admin=other_admin, sales_executive=sales_executive, back_office=back_office)
    line = delivered.lines.get(sku="NB-LEN-0001")
    rma = rma_services.rma_submit(
        contact=contact, order_number=delivered.number, order_line_id=line.pk, quantity=1, claim_type=RmaRequest.ClaimType.DEFECTIVE,
        details="Does not power on.", serial_number=THINKPAD_SERIALS[0], contact_name="Carlos", contact_email="carlos@acme.test",
    )
    moves = rma_moves(centre)
    tally = run_matrix(
        machine="RMA", record=rma, transitions=RmaRequest.ALLOWED_TRANSITIONS, moves=moves, roles=roles,
        events=lambda: RmaEvent.objects.filter(rma=rma),
    )
    report(tally, "RMA", RmaRequest.ALLOWED_TRANSITIONS, moves)


# --- licensing orders -------------------------------------------------------------------------------

VlState = LicenceOrder.State
VL_STAFF_CANCELLABLE = frozenset(s for s in VlState.values if s not in LicenceOrder.CLOSED)
VL_CONTACT_CANCELLABLE = frozenset({*vl.CONTACT_CANCELLABLE, VlState.PROCESSED, VlState.RECEIVED})


def vl_moves(replacement_of: Callable[[str], LicenceOrder | None]) -> list[Move]:
    def counter(actor, order, state):
        prices = {line.pk: line.list_price - Decimal("100.00") for line in order.lines.all()}
        return vl.vl_order_counter_offer(actor=actor, order=order, prices=prices)

    def cancel(actor, order, state):
        return vl.vl_order_cancel(actor=actor, order=order, replacement=replacement_of(state), reason="No longer needed")

    on_hold, counter_offer, contact = [VlState.ON_HOLD], [VlState.COUNTER_OFFER], ["contact_with"]
    moves = [
        Move("vl_order_approve", VlState.APPROVED, by(STAFF, on_hold), lambda actor, order, state: vl.vl_order_approve(actor=actor, order=order)),
        Move("vl_order_reject", VlState.REJECTED, by(STAFF, on_hold),
             lambda actor, order, state: vl.vl_order_reject(actor=actor, order=order, reason="Below cost")),
        Move("vl_order_counter_offer", VlState.COUNTER_OFFER, by(STAFF, on_hold), counter),
        Move("vl_counter_offer_accept", VlState.APPROVED, by(contact, counter_offer),
             lambda c, order, state: vl.vl_counter_offer_accept(contact=c, order=order), by_contact=True),
        Move("vl_counter_offer_decline", VlState.CANCELLED, by(contact, counter_offer),
             lambda c, order, state: vl.vl_counter_offer_decline(contact=c, order=order, reason="Too dear"), by_contact=True),
        # One service, two rules: the reseller before the manufacturer has the order (or with a
        # replacement once processed), the account's staff in every open state.
        Move("vl_order_cancel", VlState.CANCELLED, {**by(contact, VL_CONTACT_CANCELLABLE), **by(STAFF, VL_STAFF_CANCELLABLE)}, cancel),
    ]
    moves += [
        Move(f"vl_order_move({target})", target, by(STAFF, predecessors(LicenceOrder.ALLOWED_TRANSITIONS, target)),
             lambda actor, order, state, target=target: vl.vl_order_move(actor=actor, order=order, to_state=target))
        for target in (VlState.SENT, VlState.PROCESSED, VlState.RECEIVED)
    ]
    return moves


def test_licensing_every_state_role_and_move(licensing_contact, other_admin, account, vl_catalog, sales_executive, back_office):  # noqa: F811
    roles = personas(account, permission="can_license", owner=licensing_contact, other_admin=other_admin, sales_executive=sales_executive, back_office=back_office)
    # 10 Office at a special 8,000.00 (list 9,000.00) and 2 Windows Server at list: on hold. Total 116,000.00.
    order = place_vl(licensing_contact, items=[(vl_catalog["office"], 10, "8000.00"), (vl_catalog["server"], 2, None)], key="held" + "k" * 28)
    # A later order worth more: the replacement a processed order is cancelled by.
    replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 13, None)], key="repl" + "k" * 28)
    assert replacement.state == VlState.PLACED and replacement.total >= order.total
    for line in order.lines.all():
        LicenceKey.objects.create(line=line, key=f"KEY-{line.pk}")
    LicenceOrder.objects.filter(pk=order.pk).update(authorization_number="AUTH-1", processed_at=replacement.placed_at - timedelta(hours=1))

    def prepare(record, state, move):
        if state == VlState.COUNTER_OFFER:
            for line in record.lines.all():
                line.counter_price = line.list_price - Decimal("100.00")
                line.save(update_fields=["counter_price"])

    moves = vl_moves(lambda state: replacement if state in (VlState.PROCESSED, VlState.RECEIVED) else None)
    tally = run_matrix(
        machine="licensing", record=order, transitions=LicenceOrder.ALLOWED_TRANSITIONS, moves=moves, roles=roles,
        events=lambda: LicenceOrderEvent.objects.filter(order=order), prepare=prepare,
    )
    report(tally, "licensing", LicenceOrder.ALLOWED_TRANSITIONS, moves)


@pytest.fixture
def licensing_contact(contact):
    return contact


# --- contacts ---------------------------------------------------------------------------------------

ContactState = Contact.State
CONTACT_MANAGERS = frozenset({"contact_with", *STAFF})  # an administrator of the account, or its staff
NEW_PASSWORD = "Fresh-Start-2026"


def contact_moves(tokens: dict[str, str]) -> list[Move]:
    def activate(actor, target, state):
        verification = VerificationCode.objects.filter(contact=target, verified_at__isnull=False, used_at__isnull=True).latest("pk")
        return account_services.contact_activate(token=tokens["activate"], verification_id=verification.pk, password=NEW_PASSWORD)

    holder = ["link_holder"]
    return [
        Move("contact_deactivate", ContactState.INACTIVE, by(CONTACT_MANAGERS, predecessors(Contact.ALLOWED_TRANSITIONS, ContactState.INACTIVE)),
             lambda actor, target, state: account_services.contact_deactivate(actor=actor, contact=target), any_actor=True),
        Move("contact_reactivate", ContactState.AWAITING_ACTIVATION, by(CONTACT_MANAGERS, [ContactState.INACTIVE]),
             lambda actor, target, state: account_services.contact_reactivate(actor=actor, contact=target), any_actor=True),
        # The new contact's own steps, by the links emailed to it: whoever holds the link acts as the contact.
        Move("contact_confirm", ContactState.AWAITING_ACTIVATION, by(holder, [ContactState.AWAITING_CONFIRMATION]),
             lambda actor, target, state: account_services.contact_confirm(token=tokens["confirm"]), by_contact=True),
        Move("contact_activate", ContactState.ACTIVE, by(holder, [ContactState.AWAITING_ACTIVATION]), activate, by_contact=True),
    ]


def test_contacts_every_state_role_and_move(admin_contact, other_admin, account, sales_executive, back_office):
    roles = personas(account, permission="is_admin", owner=admin_contact, other_admin=other_admin, sales_executive=sales_executive, back_office=back_office)
    target = ContactFactory(account=account, user__username="target", user__email="target@acme.test")
    tokens: dict[str, str] = {}

    def prepare(record, state, move):
        # Fresh, valid links and a validated code in every state: the state alone must decide.
        tokens["confirm"] = account_services._link_create(contact=record, purpose=ContactLink.Purpose.CONFIRM)
        tokens["activate"] = account_services._link_create(contact=record, purpose=ContactLink.Purpose.ACTIVATE)
        now = timezone.now()
        VerificationCode.objects.create(contact=record, code_hash="x", expires_at=now + timedelta(minutes=10), verified_at=now)

    moves = contact_moves(tokens)
    role_moves = [m for m in moves if "link_holder" not in m.rules]
    link_moves = [m for m in moves if "link_holder" in m.rules]
    events = lambda: ContactEvent.objects.filter(contact=target)  # noqa: E731
    tally = run_matrix(
        machine="contacts", record=target, transitions=Contact.ALLOWED_TRANSITIONS, moves=role_moves, roles=roles,
        events=events, prepare=prepare,
    )
    # The link moves are the contact's own: whoever holds the emailed link acts as the contact.
    links = run_matrix(
        machine="contact links", record=target, transitions=Contact.ALLOWED_TRANSITIONS, moves=link_moves,
        roles={"link_holder": target}, role_names=("link_holder",), events=events, prepare=prepare,
    )
    report(tally, "contacts (by an administrator or staff)", Contact.ALLOWED_TRANSITIONS, role_moves)
    report(links, "contacts (by the emailed links)", Contact.ALLOWED_TRANSITIONS, link_moves, roles=1)


# --- quotes: the PDF's states -----------------------------------------------------------------------

PdfState = Quote.PdfState
# The worker's moves: it claims a queued PDF, builds it, and marks it ready or failed (the broker
# down also fails a queued one). No role makes them; test_services_quote covers them.
QUOTE_SYSTEM_EDGES = {
    (PdfState.QUEUED, PdfState.RUNNING), (PdfState.QUEUED, PdfState.FAILED),
    (PdfState.RUNNING, PdfState.READY), (PdfState.RUNNING, PdfState.FAILED),
}


def quote_moves() -> list[Move]:
    return [
        Move("quote_pdf_request", PdfState.QUEUED, by(["contact_with"], predecessors(Quote.ALLOWED_TRANSITIONS, PdfState.QUEUED)),
             lambda contact, quote, state: quote_services.quote_pdf_request(contact=contact, quote=quote), by_contact=True),
    ]


def test_quote_pdf_every_state_role_and_move(contact, other_admin, account, stocked, sales_executive, back_office):
    roles = personas(account, permission="can_quote", owner=contact, other_admin=other_admin, sales_executive=sales_executive, back_office=back_office)
    quote_services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    quote = Quote.objects.get(current_for=contact)
    moves = quote_moves()
    tally = run_matrix(
        machine="quote PDF", record=quote, transitions=Quote.ALLOWED_TRANSITIONS, moves=moves, roles=roles,
        events=lambda: QuoteEvent.objects.filter(quote=quote), state_field="pdf_state",
        # A second "save and download" while one is on its way is the same request: nothing changes.
        noop_ok=lambda state, move: state in (PdfState.QUEUED, PdfState.RUNNING),
    )
    report(tally, "quote PDF", Quote.ALLOWED_TRANSITIONS, moves)


def test_quote_actions_that_leave_the_pdf_record_its_state_as_both_from_and_to(contact, other_admin, account, stocked, sales_executive, back_office):
    """Saved, activated and moved to the cart, in every state of the PDF: one event by the contact,
    from and to the state it found, which stays; made (by Add to quote or Move to quote): from
    nothing to "none"."""
    roles = personas(account, permission="can_quote", owner=contact, other_admin=other_admin, sales_executive=sales_executive, back_office=back_office)
    colleague = roles["contact_without"]
    colleague.can_quote = True
    colleague.save(update_fields=["can_quote"])
    contact.can_order = True
    contact.save(update_fields=["can_order"])
    quote_services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    quote = Quote.objects.get(current_for=contact)
    assert [(e.action, e.from_state, e.to_state) for e in quote.events.all()] == [("created", "", PdfState.NONE)]
    order_services.cart_add(contact=colleague, product=stocked["monitor"], quantity=1)
    from_cart = quote_services.quote_from_cart(contact=colleague)
    assert [(e.actor_id, e.action, e.from_state, e.to_state) for e in from_cart.events.all()] == [
        (colleague.user_id, "created", "", PdfState.NONE),
        (colleague.user_id, "moved from the cart", PdfState.NONE, PdfState.NONE),
    ]

    def update(who, fresh):
        return quote_services.quote_update(
            contact=who, quote=fresh, lines={}, profit_kind=fresh.profit_kind, profit_value=fresh.profit_value,
            customer_id=None, notes="", valid_until=None,
        )

    actions = {
        "saved": (contact, update),
        "activated": (colleague, lambda who, fresh: quote_services.quote_activate(contact=who, quote=fresh)),
        "moved to the cart": (contact, lambda who, fresh: quote_services.quote_to_cart(contact=who, quote=fresh)),
    }
    checked = 0
    for state in PdfState.values:
        for action, (who, call) in actions.items():
            with transaction.atomic():
                Quote.objects.filter(pk=quote.pk).update(pdf_state=state)
                before = set(quote.events.values_list("pk", flat=True))
                call(who, Quote.objects.get(pk=quote.pk))
                new = [(e.actor_id, e.action, e.from_state, e.to_state) for e in quote.events.exclude(pk__in=before)]
                assert new == [(who.user_id, action, state, state)], (state, action, new)
                assert Quote.objects.values_list("pdf_state", flat=True).get(pk=quote.pk) == state
                checked += 1
                transaction.set_rollback(True)
    assert checked == len(PdfState.values) * len(actions)


# --- the maps themselves ----------------------------------------------------------------------------


def test_every_edge_of_every_map_has_a_service():
    """Every state is in its map; every edge of a map is made by a declared service, and none moves outside it."""
    machines = {
        "orders": (Order.State, Order.ALLOWED_TRANSITIONS, order_moves(), set()),
        "RMA": (RmaState, RmaRequest.ALLOWED_TRANSITIONS, rma_moves(None), set()),
        "licensing": (VlState, LicenceOrder.ALLOWED_TRANSITIONS, vl_moves(lambda state: None), set()),
        "contacts": (ContactState, Contact.ALLOWED_TRANSITIONS, contact_moves({}), set()),
        "quote PDF": (PdfState, Quote.ALLOWED_TRANSITIONS, quote_moves(), QUOTE_SYSTEM_EDGES),
    }
    for name, (states, transitions, moves, system) in machines.items():
        assert set(transitions) == set(states.values), f"{name}: states missing from the map"
        declared = {(source, move.to) for move in moves for source in move.sources}
        assert declared <= edges(transitions), f"{name}: services moving outside the map: {declared - edges(transitions)}"
        assert declared | system == edges(transitions), f"{name}: moves of the map no service makes: {edges(transitions) - declared - system}"
