"""The sales executive's console through the client: the held orders, an order's page, and the four
decisions (approve, reject, counter-offer, cancel), each for its own executive only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, User
from licensing import services
from licensing.models import LicenceOrder, LicenceOrderEvent, LicenceOrderLine, Program
from storefront.models import OutboundEmail
from tests.accounts.factories import AccountFactory, ContactFactory, UserFactory
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db

State = LicenceOrder.State
DECISIONS = ["licensing:console-approve", "licensing:console-reject", "licensing:console-counter-offer", "licensing:console-cancel"]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def executive_client(sales_executive) -> Client:
    return _client(sales_executive)


@pytest.fixture
def other_executive(db) -> User:
    """A second sales executive, in charge of Beta Soluciones only."""
    return UserFactory(username="sofia", email="sofia@distributor.test", first_name="Sofia", last_name="Salas", is_staff=True)


@pytest.fixture
def other_executive_client(other_executive) -> Client:
    return _client(other_executive)


@pytest.fixture
def back_office_client(back_office) -> Client:
    return _client(back_office)


@pytest.fixture
def beta_order(other_executive, price_lists, vl_catalog) -> LicenceOrder:
    """A held order of Beta Soluciones, whose sales executive is the other executive."""
    beta = AccountFactory(
        customer_code="C-BETA1", company_name="Beta Soluciones", sales_executive=other_executive,
        price_list=price_lists["gold"], credit_limit=Decimal("500000.00"),
    )
    buyer = ContactFactory(account=beta, user__username="bruno", user__email="bruno@beta.test", user__first_name="Bruno", user__last_name="Baez")
    return place_vl(buyer, items=[(vl_catalog["office"], 3, "8500.00")], key="b" * 32, end_customer="Hospital Beta")


def _url(name: str, order: LicenceOrder) -> str:
    return reverse(name, args=[order.number])


def _detail(client: Client, order: LicenceOrder) -> str:
    response = client.get(_url("licensing:console-detail", order))
    assert response.status_code == 200
    return response.content.decode()


def _lines(order: LicenceOrder) -> dict[str, LicenceOrderLine]:
    return {line.sku: line for line in order.lines.all()}


def _counter_data(order: LicenceOrder, prices: dict[str, str], note: str = "") -> dict[str, str]:
    lines = _lines(order)
    return {**{f"counter-price-{lines[sku].pk}": price for sku, price in prices.items()}, "counter-note": note}


def _snapshot(order: LicenceOrder) -> tuple:
    """What a refused post must leave unchanged: the state, the lines' prices, the events, the credit."""
    order.refresh_from_db()
    lines = list(order.lines.order_by("id").values_list("unit_price", "counter_price", "line_total"))
    credit = Account.objects.get(pk=order.account_id).credit_used
    return order.state, order.total, order.credit_taken, lines, order.events.count(), credit, OutboundEmail.objects.count()


def _processed(order: LicenceOrder, back_office: User, sales_executive: User) -> LicenceOrder:
    services.vl_order_approve(actor=sales_executive, order=order)
    services.vl_order_move(actor=back_office, order=order, to_state=State.SENT)
    LicenceOrder.objects.filter(pk=order.pk).update(authorization_number="AUTH-0001")
    return services.vl_order_move(actor=back_office, order=order, to_state=State.PROCESSED)


# --- who may open the console -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["licensing:console", "licensing:console-detail"])
def test_a_visitor_is_sent_to_sign_in(client, held_order, name):
    url = reverse(name) if name == "licensing:console" else _url(name, held_order)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login")) and "next=" in response.url


def test_a_visitors_decision_is_sent_to_sign_in_and_changes_nothing(client, held_order):
    before = _snapshot(held_order)
    response = client.post(_url("licensing:console-approve", held_order), {"approve-note": ""})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert _snapshot(held_order) == before


def test_a_resellers_contact_gets_403_on_every_console_url(contact_client, held_order):
    assert contact_client.get(reverse("licensing:console")).status_code == 403
    assert contact_client.get(_url("licensing:console-detail", held_order)).status_code == 403
    before = _snapshot(held_order)
    for name in DECISIONS:
        assert contact_client.post(_url(name, held_order), {"reject-reason": "x", "cancel-reason": "x"}).status_code == 403
    assert _snapshot(held_order) == before


def test_another_executives_order_is_404_on_every_console_url(executive_client, beta_order):
    assert executive_client.get(_url("licensing:console-detail", beta_order)).status_code == 404
    before = _snapshot(beta_order)
    line = beta_order.lines.get()
    data = {"approve-note": "ok", "reject-reason": "No.", "counter-note": "", f"counter-price-{line.pk}": "8000.00", "cancel-reason": "No."}
    for name in DECISIONS:
        assert executive_client.post(_url(name, beta_order), data).status_code == 404
    assert _snapshot(beta_order) == before


def test_another_executives_orders_are_never_listed(executive_client, held_order, beta_order):
    for query in ("", "?show=all"):
        page = executive_client.get(reverse("licensing:console") + query).content.decode()
        assert held_order.number in page
        assert beta_order.number not in page and "Beta Soluciones" not in page and "Bruno" not in page


def test_the_other_executive_sees_its_own_order_and_not_acmes(other_executive_client, held_order, beta_order):
    page = other_executive_client.get(reverse("licensing:console")).content.decode()
    assert beta_order.number in page and held_order.number not in page
    assert other_executive_client.get(_url("licensing:console-detail", held_order)).status_code == 404


def test_the_back_office_sees_every_executives_orders(back_office_client, held_order, beta_order):
    page = back_office_client.get(reverse("licensing:console")).content.decode()
    assert held_order.number in page and beta_order.number in page
    assert "Hospital Beta" in _detail(back_office_client, beta_order)


# --- the list ---------------------------------------------------------------------------------------


def test_the_console_lists_the_held_orders_oldest_first_with_their_totals(executive_client, held_order, licensing_contact, vl_catalog, account):
    # given a second held order, placed later, and an order at list prices (not held)
    later = place_vl(licensing_contact, items=[(vl_catalog["server"], 1, "17000.00")], key="l" * 32)
    at_list = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], key="p" * 32)
    # when
    response = executive_client.get(reverse("licensing:console"))
    # then
    page = response.content.decode()
    assert response.status_code == 200 and "Sales console" in page
    assert page.index(f'data-order="{held_order.number}"') < page.index(f'data-order="{later.number}"')
    assert at_list.number not in page
    assert account.customer_code in page and "Acme Reseller" in page and "Carlos Bermudez" in page and "Open Value" in page
    # held order: list 10 × 9,000 + 2 × 18,000 = 126,000; requested 116,000; difference -10,000
    assert "126,000.00 MXN" in page and "116,000.00 MXN" in page and "-10,000.00 MXN" in page
    assert reverse("licensing:console-detail", args=[held_order.number]) in page


def test_the_toggle_shows_every_order_of_the_executives_accounts(executive_client, held_order, licensing_contact, vl_catalog):
    at_list = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], key="p" * 32)
    page = executive_client.get(reverse("licensing:console") + "?show=all").content.decode()
    assert held_order.number in page and at_list.number in page and "state-placed" in page
    assert "Show the held orders only" in page


def test_a_counter_offer_awaiting_the_reseller_stays_in_the_held_list(executive_client, held_order, sales_executive):
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices={line.pk: line.list_price - 100 for line in held_order.lines.all()})
    page = executive_client.get(reverse("licensing:console")).content.decode()
    assert held_order.number in page and "Counter-offer, awaiting your answer" in page


def test_an_executive_without_held_orders_is_told_so(executive_client, account):
    page = executive_client.get(reverse("licensing:console")).content.decode()
    assert "No licensing order of your accounts awaits a decision." in page


def _held_orders(contact, product, count: int, start: int = 0) -> None:
    """Held Open Business orders of one CAL at a special 800.00 (list 900.00), each with its own key."""
    for n in range(start, start + count):
        place_vl(contact, items=[(product, 1, "800.00")], program=Program.OPEN_BUSINESS, key=f"q{n:031d}")


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("licensing:console")).status_code == 200
    return len(queries)


def test_the_list_queries_do_not_grow_with_the_orders(executive_client, licensing_contact, vl_catalog, django_assert_num_queries):
    _held_orders(licensing_contact, vl_catalog["cal"], 1)
    one = _list_queries(executive_client)
    _held_orders(licensing_contact, vl_catalog["cal"], 19, start=1)
    with django_assert_num_queries(one):
        page = executive_client.get(reverse("licensing:console")).content.decode()
    assert page.count('data-order="') == 20
    with django_assert_num_queries(one):
        executive_client.get(reverse("licensing:console") + "?show=all")


def test_the_list_shows_25_orders_a_page(executive_client, licensing_contact, vl_catalog):
    _held_orders(licensing_contact, vl_catalog["cal"], 26)
    first = executive_client.get(reverse("licensing:console")).content.decode()
    second = executive_client.get(reverse("licensing:console") + "?page=2").content.decode()
    assert first.count('data-order="') == 25 and second.count('data-order="') == 1
    assert "Page 1 of 2" in first
    oldest = LicenceOrder.objects.order_by("placed_at", "id").first()
    assert oldest.number in first and oldest.number not in second


# --- an order's page --------------------------------------------------------------------------------


def test_the_order_page_shows_credit_lines_differences_and_totals(executive_client, held_order, account):
    page = _detail(executive_client, held_order)
    # the account's credit: 500,000 limit, 116,000 taken by this order
    assert "500,000.00 MXN" in page and "116,000.00 MXN" in page and "384,000.00 MXN" in page
    assert "Colegio Azteca" in page and "Carlos Bermudez" in page and account.customer_code in page
    # Office: list 9,000, asked 8,000: -1,000 a unit (-11.11 %), -10,000 on the line of 10
    assert "9,000.00" in page and "8,000.00" in page and "-1,000.00" in page and "-11.11 %" in page and "-10,000.00" in page
    # the totals: list 126,000, requested 116,000, difference -10,000 (-7.94 %)
    assert "126,000.00 MXN" in page and "-10,000.00 MXN (-7.94 %)" in page


def test_a_held_order_offers_the_three_decisions_prefilled(executive_client, held_order):
    page = _detail(executive_client, held_order)
    lines = _lines(held_order)
    assert _url("licensing:console-approve", held_order) in page and _url("licensing:console-reject", held_order) in page
    assert _url("licensing:console-counter-offer", held_order) in page and "Send counter-offer" in page
    # the requested price, or the list price where none was asked
    assert f'name="counter-price-{lines["VL-MS-0001"].pk}" value="8000.00"' in page
    assert f'name="counter-price-{lines["VL-MS-0002"].pk}" value="18000.00"' in page
    assert _url("licensing:console-cancel", held_order) in page


def test_an_approved_order_offers_only_cancel(executive_client, held_order, sales_executive):
    services.vl_order_approve(actor=sales_executive, order=held_order)
    page = _detail(executive_client, held_order)
    assert _url("licensing:console-approve", held_order) not in page
    assert _url("licensing:console-reject", held_order) not in page
    assert _url("licensing:console-counter-offer", held_order) not in page
    assert _url("licensing:console-cancel", held_order) in page and "Cancel order" in page


def test_a_counter_offer_awaiting_the_reseller_shows_the_prices_offered_and_no_approval(executive_client, held_order, sales_executive):
    services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices={line.pk: Decimal("8500.00") if line.sku == "VL-MS-0001" else line.list_price for line in held_order.lines.all()})
    page = _detail(executive_client, held_order)
    assert "Your counter-offer awaits the reseller's answer." in page and "8,500.00" in page
    assert _url("licensing:console-approve", held_order) not in page and _url("licensing:console-counter-offer", held_order) not in page


def test_a_rejected_order_offers_no_form(executive_client, held_order, sales_executive):
    services.vl_order_reject(actor=sales_executive, order=held_order, reason="Price too low.")
    page = _detail(executive_client, held_order)
    assert 'method="post" action="/' not in page.split("</header>", 1)[1].split("<footer", 1)[0]
    assert "Price too low." in page


def test_the_history_shows_who_decided_when_and_why(executive_client, held_order, sales_executive):
    sales_executive.first_name, sales_executive.last_name = "Sam", "Sales"
    sales_executive.save()
    services.vl_order_reject(actor=sales_executive, order=held_order, reason="Margin below policy.")
    page = _detail(executive_client, held_order)
    history = page.split("History", 1)[1]
    assert "Carlos Bermudez" in history and "On hold, awaiting approval" in history
    assert "Sam Sales · On hold, awaiting approval → Rejected · Margin below policy." in history
    assert timezone.localtime(held_order.events.last().at).strftime("%Y-%m-%d") in history


# --- approve ----------------------------------------------------------------------------------------


def test_approve_releases_the_order_records_the_executive_and_emails_the_reseller(executive_client, held_order, sales_executive):
    # when
    response = executive_client.post(_url("licensing:console-approve", held_order), {"approve-note": "Agreed for this school."})
    # then
    assert response.status_code == 302 and response.url == _url("licensing:console-detail", held_order)
    held_order.refresh_from_db()
    assert held_order.state == State.APPROVED and held_order.decided_by == sales_executive
    event = held_order.events.last()
    assert (event.actor, event.from_state, event.to_state, event.note) == (sales_executive, State.ON_HOLD, State.APPROVED, "Agreed for this school.")
    email = OutboundEmail.objects.filter(to="carlos@acme.test").latest("id")
    assert held_order.number in email.subject and "Approved" in email.subject
    page = executive_client.get(response.url).content.decode()
    assert f"Order {held_order.number} is approved" in page


def test_approving_twice_records_one_decision_and_says_why(executive_client, held_order):
    executive_client.post(_url("licensing:console-approve", held_order), {"approve-note": ""})
    emails = OutboundEmail.objects.count()
    response = executive_client.post(_url("licensing:console-approve", held_order), {"approve-note": ""})
    assert response.status_code == 200
    assert "cannot become “Approved”" in response.content.decode()
    assert held_order.events.filter(to_state=State.APPROVED).count() == 1 and OutboundEmail.objects.count() == emails


def test_approving_a_rejected_order_is_refused_with_a_message(executive_client, held_order, sales_executive, account):
    services.vl_order_reject(actor=sales_executive, order=held_order, reason="No.")
    before = _snapshot(held_order)
    response = executive_client.post(_url("licensing:console-approve", held_order), {"approve-note": "Changed my mind."})
    assert response.status_code == 200
    assert "A licensing order in status “Rejected” cannot become “Approved”." in response.content.decode()
    assert _snapshot(held_order) == before


def test_an_approval_note_too_long_is_refused_and_kept(executive_client, held_order):
    before = _snapshot(held_order)
    note = "n" * 256
    response = executive_client.post(_url("licensing:console-approve", held_order), {"approve-note": note})
    page = response.content.decode()
    assert response.status_code == 200 and "at most 255 characters" in page and note in page
    assert _snapshot(held_order) == before


# --- reject -----------------------------------------------------------------------------------------


def test_reject_closes_the_order_returns_the_credit_and_emails_the_reseller(executive_client, held_order, sales_executive, account):
    account.refresh_from_db()
    assert account.credit_used == Decimal("116000.00")
    response = executive_client.post(_url("licensing:console-reject", held_order), {"reject-reason": "Below the distributor's floor price."})
    assert response.status_code == 302 and response.url == _url("licensing:console-detail", held_order)
    held_order.refresh_from_db()
    account.refresh_from_db()
    assert held_order.state == State.REJECTED and held_order.decision_reason == "Below the distributor's floor price."
    assert account.credit_used == Decimal("0.00") and held_order.credit_taken == Decimal("0.00")
    event = held_order.events.last()
    assert (event.actor, event.from_state, event.to_state) == (sales_executive, State.ON_HOLD, State.REJECTED)
    email = OutboundEmail.objects.filter(to="carlos@acme.test").latest("id")
    assert "Rejected" in email.subject and "Below the distributor's floor price." in email.body_text


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_a_reason_asks_for_it_and_changes_nothing(executive_client, held_order, reason):
    before = _snapshot(held_order)
    response = executive_client.post(_url("licensing:console-reject", held_order), {"reject-reason": reason})
    assert response.status_code == 200
    assert "Give the reason for the rejection: the reseller reads it." in response.content.decode()
    assert _snapshot(held_order) == before


def test_a_refused_rejection_keeps_the_reason_typed(executive_client, held_order, sales_executive):
    # given the order was approved meanwhile (another tab)
    services.vl_order_approve(actor=sales_executive, order=held_order)
    before = _snapshot(held_order)
    # when the rejection arrives
    response = executive_client.post(_url("licensing:console-reject", held_order), {"reject-reason": "Too cheap."})
    # then it is refused with the reason, and nothing changes
    page = response.content.decode()
    assert response.status_code == 200 and "cannot become “Rejected”" in page
    assert _snapshot(held_order) == before


def test_a_rejection_too_long_keeps_the_text_typed(executive_client, held_order):
    before = _snapshot(held_order)
    reason = "Because " + "r" * 300
    response = executive_client.post(_url("licensing:console-reject", held_order), {"reject-reason": reason})
    page = response.content.decode()
    assert response.status_code == 200 and "at most 255 characters" in page and reason in page
    assert _snapshot(held_order) == before


def test_a_refusal_of_the_service_lands_beside_the_field_it_names(executive_client, held_order, monkeypatch):
    # given the rules refuse the reason itself (the form alone cannot know why)
    def refuse(**kwargs):
        raise services.LicensingError("Name the policy the price breaks.", field="reason")

    monkeypatch.setattr(services, "vl_order_reject", refuse)
    # when
    response = executive_client.post(_url("licensing:console-reject", held_order), {"reject-reason": "Too cheap."})
    # then the message is on the reason's field, with the reason typed
    reject_form = response.content.decode().split('id="reject"', 1)[1].split("</form>", 1)[0]
    field = reject_form.split('class="field has-error"', 1)[1]
    assert "Name the policy the price breaks." in field and "Too cheap." in field


# --- counter-offer ----------------------------------------------------------------------------------


def test_a_counter_offer_records_the_prices_and_emails_the_reseller(executive_client, held_order, sales_executive, account):
    data = _counter_data(held_order, {"VL-MS-0001": "8500.00", "VL-MS-0002": "17500.50"}, note="Best we can do.")
    response = executive_client.post(_url("licensing:console-counter-offer", held_order), data)
    assert response.status_code == 302 and response.url == _url("licensing:console-detail", held_order)
    held_order.refresh_from_db()
    lines = _lines(held_order)
    assert held_order.state == State.COUNTER_OFFER
    assert lines["VL-MS-0001"].counter_price == Decimal("8500.00") and lines["VL-MS-0002"].counter_price == Decimal("17500.50")
    # the order's prices and credit wait for the reseller's answer
    assert held_order.total == Decimal("116000.00") and Account.objects.get(pk=account.pk).credit_used == Decimal("116000.00")
    event = held_order.events.last()
    assert (event.actor, event.to_state, event.note) == (sales_executive, State.COUNTER_OFFER, "Best we can do.")
    email = OutboundEmail.objects.filter(to="carlos@acme.test").latest("id")
    assert "8,500.00" in email.body_text and "Best we can do." in email.body_text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter the price as a number, for example 8000.00."),
        ("-5", "The price must be above zero."),
        ("0", "The price must be above zero."),
        ("8000.125", "Use at most two decimals."),
        ("9000.01", "The offer is above the list price (9,000.00 MXN)."),
        ("1e400", "This amount is too large."),
        ("NaN", "Enter the price as a number, for example 8000.00."),
    ],
)
def test_a_bad_counter_price_is_refused_beside_its_line_and_kept(executive_client, held_order, typed, message):
    before = _snapshot(held_order)
    data = _counter_data(held_order, {"VL-MS-0001": typed, "VL-MS-0002": "17000.00"}, note="Our offer.")
    response = executive_client.post(_url("licensing:console-counter-offer", held_order), data)
    page = response.content.decode()
    assert response.status_code == 200
    office_row = page.split(f'data-line="{_lines(held_order)["VL-MS-0001"].pk}"')[-1].split("</tr>", 1)[0]
    assert message in office_row and f'value="{typed}"' in office_row
    assert 'value="17000.00"' in page and "Our offer." in page
    assert _snapshot(held_order) == before


def test_a_counter_offer_missing_a_line_price_asks_for_it(executive_client, held_order):
    before = _snapshot(held_order)
    data = _counter_data(held_order, {"VL-MS-0001": "8500.00"})
    response = executive_client.post(_url("licensing:console-counter-offer", held_order), data)
    page = response.content.decode()
    assert response.status_code == 200 and "Enter the price you offer for VL-MS-0002." in page and 'value="8500.00"' in page
    assert _snapshot(held_order) == before


def test_a_counter_offer_for_a_line_of_another_order_is_not_accepted(executive_client, held_order, licensing_contact, vl_catalog):
    # given another held order of the same account
    other = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, "7000.00")], key="o" * 32)
    foreign_line = other.lines.get()
    before, before_other = _snapshot(held_order), _snapshot(other)
    # when the form carries the other order's line instead of one of its own
    lines = _lines(held_order)
    data = {f"counter-price-{lines['VL-MS-0001'].pk}": "8500.00", f"counter-price-{foreign_line.pk}": "6000.00", "counter-note": ""}
    response = executive_client.post(_url("licensing:console-counter-offer", held_order), data)
    # then it is refused, and neither order changes
    assert response.status_code == 200 and "Enter the price you offer for VL-MS-0002." in response.content.decode()
    assert _snapshot(held_order) == before and _snapshot(other) == before_other
    foreign_line.refresh_from_db()
    assert foreign_line.counter_price is None


def test_a_counter_offer_of_the_prices_already_asked_is_refused(executive_client, held_order):
    before = _snapshot(held_order)
    data = _counter_data(held_order, {"VL-MS-0001": "8000.00", "VL-MS-0002": "18000.00"})
    response = executive_client.post(_url("licensing:console-counter-offer", held_order), data)
    assert response.status_code == 200 and "The offer is the price already asked: approve the order instead." in response.content.decode()
    assert _snapshot(held_order) == before


def test_sending_a_counter_offer_twice_records_one(executive_client, held_order):
    data = _counter_data(held_order, {"VL-MS-0001": "8500.00", "VL-MS-0002": "18000.00"})
    executive_client.post(_url("licensing:console-counter-offer", held_order), data)
    before = _snapshot(held_order)
    response = executive_client.post(_url("licensing:console-counter-offer", held_order), data)
    assert response.status_code == 200
    assert "cannot become “Counter-offer, awaiting your answer”" in response.content.decode()
    assert _snapshot(held_order) == before


# --- cancel -----------------------------------------------------------------------------------------


def test_cancel_before_processing_returns_the_credit(executive_client, held_order, sales_executive, account):
    services.vl_order_approve(actor=sales_executive, order=held_order)
    response = executive_client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": "The end customer withdrew."})
    assert response.status_code == 302 and response.url == _url("licensing:console-detail", held_order)
    held_order.refresh_from_db()
    assert held_order.state == State.CANCELLED and Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")
    event = held_order.events.last()
    assert (event.actor, event.from_state, event.to_state, event.note) == (sales_executive, State.APPROVED, State.CANCELLED, "The end customer withdrew.")
    assert "Cancelled" in OutboundEmail.objects.filter(to="carlos@acme.test").latest("id").subject


def test_cancel_without_a_reason_asks_for_it(executive_client, held_order):
    before = _snapshot(held_order)
    response = executive_client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": ""})
    assert response.status_code == 200 and "Give the reason for the cancellation: the reseller reads it." in response.content.decode()
    assert _snapshot(held_order) == before


def test_cancelling_twice_says_the_order_is_already_cancelled(executive_client, held_order):
    executive_client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": "Duplicate."})
    before = _snapshot(held_order)
    response = executive_client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": "Duplicate."})
    assert response.status_code == 200 and f"Order {held_order.number} is already cancelled." in response.content.decode()
    assert _snapshot(held_order) == before


def test_a_processed_order_is_cancelled_by_a_replacement_order(executive_client, held_order, sales_executive, back_office, licensing_contact, vl_catalog, account):
    # given a processed order and a bigger order placed after it
    _processed(held_order, back_office, sales_executive)
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("1000000.00"))
    replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 15, None)], key="r" * 32)
    page = _detail(executive_client, held_order)
    assert f'<option value="{replacement.pk}">{replacement.number}' in page
    # when
    response = executive_client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": "Wrong program.", "cancel-replacement": replacement.pk})
    # then
    assert response.status_code == 302
    held_order.refresh_from_db()
    assert held_order.state == State.CANCELLED and held_order.replaced_by == replacement
    assert held_order.events.last().actor == sales_executive


def test_a_processed_order_without_a_replacement_is_not_cancelled(executive_client, held_order, sales_executive, back_office):
    _processed(held_order, back_office, sales_executive)
    before = _snapshot(held_order)
    response = executive_client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": "Wrong program.", "cancel-replacement": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Choose the replacement order: a processed order is cancelled only by one." in page
    assert "Wrong program." in page
    assert _snapshot(held_order) == before


def test_a_replacement_of_another_account_is_not_accepted(executive_client, held_order, sales_executive, back_office, beta_order):
    _processed(held_order, back_office, sales_executive)
    before = _snapshot(held_order)
    response = executive_client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": "Swap.", "cancel-replacement": beta_order.pk})
    assert response.status_code == 200 and "Choose one of the account&#x27;s orders listed as the replacement." in response.content.decode()
    assert _snapshot(held_order) == before


def test_a_processed_order_past_the_60_days_shows_why_it_cannot_be_cancelled(held_order, sales_executive, back_office):
    _processed(held_order, back_office, sales_executive)
    with time_machine.travel(timezone.now() + timedelta(days=61)):
        # signed in after the clock moved, so the session is fresh
        client = _client(sales_executive)
        page = _detail(client, held_order)
        assert "The order was processed more than 60 days ago: it can no longer be cancelled." in page
        assert _url("licensing:console-cancel", held_order) not in page
        before = _snapshot(held_order)
        response = client.post(_url("licensing:console-cancel", held_order), {"cancel-reason": "Late.", "cancel-replacement": ""})
        assert response.status_code == 200
        assert "The order was processed more than 60 days ago" in response.content.decode()
        assert _snapshot(held_order) == before


def test_a_processed_order_within_the_60_days_offers_cancel_with_its_deadline(executive_client, held_order, sales_executive, back_office):
    order = _processed(held_order, back_office, sales_executive)
    page = _detail(executive_client, held_order)
    deadline = timezone.localtime(order.processed_at + timedelta(days=60)).strftime("%Y-%m-%d %H:%M")
    assert f"until {deadline} it can be cancelled only by a replacement order" in page
    assert "The account has no order that can replace this one yet" in page


def test_a_windows_legal_order_shows_why_it_cannot_be_cancelled(executive_client, licensing_contact, vl_catalog, sales_executive, back_office):
    order = place_vl(licensing_contact, items=[(vl_catalog["legal"], 2, "4000.00")], key="w" * 32)
    _processed(order, back_office, sales_executive)
    page = _detail(executive_client, order)
    assert "Windows Legal licences are never returned nor cancelled." in page
    assert _url("licensing:console-cancel", order) not in page


def test_the_back_office_decides_any_executives_order(back_office_client, beta_order, back_office):
    response = back_office_client.post(_url("licensing:console-approve", beta_order), {"approve-note": ""})
    assert response.status_code == 302
    beta_order.refresh_from_db()
    assert beta_order.state == State.APPROVED and LicenceOrderEvent.objects.filter(order=beta_order, actor=back_office).exists()
