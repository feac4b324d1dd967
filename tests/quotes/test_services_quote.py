"""The quotes' rules: the current quote, Move to quote, Activate Quote, profits, Move to cart, the PDF."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services as orders_services
from orders.models import CartLine
from quotes import services
from quotes.models import ProfitKind, Quote
from quotes.pricing import quote_priced, selling_price
from quotes.services import LineChange, QuoteError
from tests.quotes.factories import make_customer, make_quote

pytestmark = pytest.mark.django_db


def _update(contact, quote, *, lines=None, kind="percent", value=Decimal("0"), customer_id=None, notes="", valid_until=None):
    return services.quote_update(
        contact=contact, quote=quote, lines=lines or {}, profit_kind=kind, profit_value=value,
        customer_id=customer_id, notes=notes, valid_until=valid_until,
    )


# --- selling prices ---------------------------------------------------------------------------------


def test_selling_price_is_cost_plus_percentage_rounded_once_per_unit():
    assert selling_price(cost=Decimal("14100.00"), kind="percent", value=Decimal("12.5")) == Decimal("15862.50")
    assert selling_price(cost=Decimal("10.01"), kind="percent", value=Decimal("33.33")) == Decimal("13.35")  # 13.346333 half up
    assert selling_price(cost=Decimal("3500.00"), kind="amount", value=Decimal("499.99")) == Decimal("3999.99")


def test_line_totals_are_the_rounded_unit_price_times_the_amount(contact, stocked):
    quote = make_quote(contact, lines=[(stocked["monitor"], "10.01", 3)], profit_kind="percent", profit_value=Decimal("33.33"))
    priced = quote_priced(quote=quote, lines=quote.lines.all())
    assert priced.lines[0].unit_price == Decimal("13.35") and priced.lines[0].line_total == Decimal("40.05")
    assert priced.total == Decimal("40.05")


# --- Add to quote -----------------------------------------------------------------------------------


def test_the_first_add_to_quote_starts_the_current_quote_and_the_next_add_to_it(contact, stocked):
    line = services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    quote = line.quote
    assert quote.current_for == contact and quote.number == f"Q{quote.pk:08d}"
    assert (line.sku, line.name, line.cost, line.quantity) == ("NB-LEN-0001", "ThinkPad E14 Notebook", Decimal("14100.00"), 2)

    services.quote_add(contact=contact, product=stocked["monitor"], quantity=1)
    services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    assert Quote.objects.count() == 1
    assert dict(quote.lines.values_list("sku", "quantity")) == {"NB-LEN-0001": 3, "MN-DEL-0004": 1}


def test_add_to_quote_without_the_quotes_permission_is_refused(contact, stocked):
    contact.can_quote = False
    with pytest.raises(QuoteError, match="cannot make quotes"):
        services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    assert not Quote.objects.exists()


def test_add_to_quote_of_a_product_no_longer_sold_names_it(contact, stocked):
    stocked["monitor"].is_active = False
    stocked["monitor"].save()
    with pytest.raises(QuoteError, match="MN-DEL-0004: this product is no longer sold"):
        services.quote_add(contact=contact, product=stocked["monitor"], quantity=1)


@pytest.mark.parametrize("quantity", [0, -1, 10000])
def test_add_to_quote_refuses_a_bad_amount(contact, stocked, quantity):
    with pytest.raises(QuoteError, match="whole number from 1 to 9999"):
        services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=quantity)


def test_add_by_sku_adds_at_todays_price(contact, stocked):
    quote = make_quote(contact)
    line = services.quote_add_by_code(contact=contact, quote=quote, code="lat5440", quantity=2)
    assert (line.sku, line.cost, line.quantity) == ("NB-DEL-0003", Decimal("21000.00"), 2)
    with pytest.raises(QuoteError, match="No product has the SKU or part number “NOPE”"):
        services.quote_add_by_code(contact=contact, quote=quote, code="NOPE", quantity=1)


def test_another_accounts_quote_cannot_be_changed(contact, other_contact, stocked):
    theirs = make_quote(other_contact, lines=[(stocked["thinkpad"], "1000.00", 1)])
    with pytest.raises(QuoteError, match="not of your account"):
        services.quote_add_by_code(contact=contact, quote=theirs, code="MN-DEL-0004", quantity=1)
    with pytest.raises(QuoteError, match="not of your account"):
        services.quote_activate(contact=contact, quote=theirs)
    with pytest.raises(QuoteError, match="not of your account"):
        _update(contact, theirs)


# --- Move to quote ----------------------------------------------------------------------------------


def test_move_to_quote_copies_the_cart_at_todays_prices_and_empties_the_cart(contact, stocked):
    old = make_quote(contact, current=True)
    orders_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=3)
    orders_services.cart_add(contact=contact, product=stocked["monitor"], quantity=1)

    quote = services.quote_from_cart(contact=contact)

    assert list(quote.lines.values_list("sku", "cost", "quantity")) == [
        ("NB-LEN-0001", Decimal("14100.00"), 3),
        ("MN-DEL-0004", Decimal("3500.00"), 1),
    ]
    # stored, while the current quote stays current until "Activate Quote"
    assert Quote.objects.get(current_for=contact) == old
    assert not CartLine.objects.filter(cart__contact=contact).exists()


def test_move_to_quote_without_a_current_quote_makes_the_new_one_current(contact, stocked):
    orders_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    quote = services.quote_from_cart(contact=contact)
    assert Quote.objects.get(current_for=contact) == quote


def test_move_to_quote_with_an_empty_cart_is_refused(contact, stocked):
    with pytest.raises(QuoteError, match="Your cart is empty"):
        services.quote_from_cart(contact=contact)
    assert not Quote.objects.exists()


def test_move_to_quote_with_an_unpriced_line_keeps_the_cart(contact, stocked):
    orders_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    orders_services.cart_add(contact=contact, product=stocked["monitor"], quantity=1)
    stocked["monitor"].prices.all().delete()
    with pytest.raises(QuoteError, match="MN-DEL-0004 has no price"):
        services.quote_from_cart(contact=contact)
    assert not Quote.objects.exists() and CartLine.objects.filter(cart__contact=contact).count() == 2


# --- Activate Quote ---------------------------------------------------------------------------------


def test_activate_quote_swaps_the_current_quote_and_twice_changes_nothing(contact, admin_contact, stocked):
    current = make_quote(contact, current=True)
    colleagues = make_quote(admin_contact)

    services.quote_activate(contact=contact, quote=colleagues)
    services.quote_activate(contact=contact, quote=colleagues)

    current.refresh_from_db()
    colleagues.refresh_from_db()
    assert current.current_for is None and colleagues.current_for == contact


# --- editing and profits ----------------------------------------------------------------------------


def test_update_saves_amounts_line_and_quote_profits_customer_notes_and_validity(contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1), (stocked["monitor"], "3500.00", 2)])
    thinkpad, monitor = quote.lines.all()
    customer = make_customer(contact.account)
    valid = timezone.localdate() + timedelta(days=15)

    _update(
        contact, quote,
        lines={thinkpad.pk: LineChange(quantity=2, profit_kind="amount", profit_value=Decimal("900.00")), monitor.pk: LineChange(quantity=2)},
        kind="percent", value=Decimal("10"), customer_id=customer.pk, notes="Delivery in 5 days.", valid_until=valid,
    )

    quote.refresh_from_db()
    assert (quote.customer, quote.notes, quote.valid_until, quote.profit_kind, quote.profit_value) == (customer, "Delivery in 5 days.", valid, "percent", Decimal("10.00"))
    priced = quote_priced(quote=quote, lines=quote.lines.all())
    assert [(row.unit_price, row.line_total) for row in priced.lines] == [
        (Decimal("15000.00"), Decimal("30000.00")),
        (Decimal("3850.00"), Decimal("7700.00")),
    ]
    assert priced.total == Decimal("37700.00")


def test_an_amount_of_zero_removes_the_line(contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1), (stocked["monitor"], "3500.00", 2)])
    thinkpad, _monitor = quote.lines.all()
    _update(contact, quote, lines={thinkpad.pk: LineChange(quantity=0)})
    assert list(quote.lines.values_list("sku", flat=True)) == ["MN-DEL-0004"]


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("percent", Decimal("-1"), "The quote's profit: The profit cannot be negative"),
        ("percent", Decimal("1000.01"), "The quote's profit: The profit cannot be over 1000 %"),
        ("amount", Decimal("35000.01"), "MN-DEL-0004: The profit cannot be over 1000 % of the cost"),
    ],
)
def test_a_negative_or_absurd_quote_profit_is_refused(contact, stocked, kind, value, message):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1), (stocked["monitor"], "3500.00", 1)])
    with pytest.raises(QuoteError, match=message):
        _update(contact, quote, kind=kind, value=value)
    quote.refresh_from_db()
    assert quote.profit_value == Decimal("0.00")


def test_a_line_profit_below_cost_is_refused_naming_the_line(contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1)])
    line = quote.lines.get()
    with pytest.raises(QuoteError, match="NB-LEN-0001: The profit cannot be negative") as refused:
        _update(contact, quote, lines={line.pk: LineChange(quantity=5, profit_kind="amount", profit_value=Decimal("-100"))})
    assert refused.value.line == line.pk
    line.refresh_from_db()
    assert line.quantity == 1 and line.profit_kind == ""


def test_a_customer_of_another_account_cannot_be_chosen(contact, other_account, stocked):
    quote = make_quote(contact)
    theirs = make_customer(other_account)
    with pytest.raises(QuoteError, match="Choose one of your customers"):
        _update(contact, quote, customer_id=theirs.pk)


def test_customer_save_adds_then_edits_the_quotes_customer(contact, stocked):
    quote = make_quote(contact)
    data = {"company": "Globex Retail", "contact_name": "Gina", "tax_id": "X1", "address": "Main 1", "email": "g@globex.test", "phone": "1"}
    customer = services.customer_save(contact=contact, quote=quote, customer=None, data=data)
    services.customer_save(contact=contact, quote=quote, customer=customer, data={**data, "company": "Globex Retail SA"})
    quote.refresh_from_db()
    assert quote.customer.company == "Globex Retail SA" and quote.customer.account == contact.account


# --- Move to cart -----------------------------------------------------------------------------------


def test_move_to_cart_adds_the_lines_and_reports_products_no_longer_sold(contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2), (stocked["monitor"], "3500.00", 1)])
    stocked["monitor"].is_active = False
    stocked["monitor"].save()

    added, problems = services.quote_to_cart(contact=contact, quote=quote)

    assert added == 1
    assert [(problem.text, problem.reason) for problem in problems] == [("MN-DEL-0004 1", "This product is no longer sold.")]
    assert dict(CartLine.objects.filter(cart__contact=contact).values_list("product__sku", "quantity")) == {"NB-LEN-0001": 2}
    assert quote.lines.count() == 2  # the quote stays as it was


def test_move_to_cart_without_the_order_permission_is_refused(contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    contact.can_order = False
    with pytest.raises(QuoteError, match="cannot place orders"):
        services.quote_to_cart(contact=contact, quote=quote)


# --- the PDF ----------------------------------------------------------------------------------------


def test_pdf_request_queues_the_build_only_after_commit(contact, stocked, django_capture_on_commit_callbacks, monkeypatch):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1)])
    queued = []
    monkeypatch.setattr("quotes.tasks.quote_pdf_build_task.delay", lambda quote_id: queued.append(quote_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.quote_pdf_request(contact=contact, quote=quote)
    assert queued == [] and len(callbacks) == 1
    callbacks[0]()
    assert queued == [quote.pk]
    quote.refresh_from_db()
    assert quote.pdf_state == Quote.PdfState.QUEUED


def test_pdf_request_twice_while_queued_keeps_one_build(contact, stocked, django_capture_on_commit_callbacks, monkeypatch):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1)])
    monkeypatch.setattr("quotes.tasks.quote_pdf_build_task.delay", lambda quote_id: None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.quote_pdf_request(contact=contact, quote=quote)
        second = services.quote_pdf_request(contact=contact, quote=quote)
    assert len(callbacks) == 1 and first.pdf_token == second.pdf_token


def test_pdf_of_an_empty_quote_is_refused(contact, stocked):
    quote = make_quote(contact)
    with pytest.raises(QuoteError, match="Add at least one product"):
        services.quote_pdf_request(contact=contact, quote=quote)


def test_pdf_build_makes_the_file_once(contact, stocked, monkeypatch):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1)])
    Quote.objects.filter(pk=quote.pk).update(pdf_state=Quote.PdfState.QUEUED)
    monkeypatch.setattr("quotes.pdf.quote_pdf_render", lambda quote: b"%PDF-1.7 test")
    assert services.quote_pdf_build(quote_id=quote.pk) is True
    assert services.quote_pdf_build(quote_id=quote.pk) is False
    quote.refresh_from_db()
    assert quote.pdf_state == Quote.PdfState.READY and quote.pdf_file.read() == b"%PDF-1.7 test"


def test_a_new_pdf_replaces_the_earlier_file(contact, stocked, monkeypatch, django_capture_on_commit_callbacks):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 1)])
    monkeypatch.setattr("quotes.pdf.quote_pdf_render", lambda quote: b"%PDF-1.7 test")
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_pdf_request(contact=contact, quote=quote)
    quote.refresh_from_db()
    first = quote.pdf_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_pdf_request(contact=contact, quote=quote)
    quote.refresh_from_db()
    storage = quote.pdf_file.storage
    assert quote.pdf_state == "ready" and quote.pdf_file.name != first
    assert storage.exists(quote.pdf_file.name) and not storage.exists(first)


def test_a_ready_pdf_cannot_jump_back_to_running(contact):
    assert Quote.PdfState.RUNNING not in Quote.ALLOWED_TRANSITIONS[Quote.PdfState.READY]
    assert ProfitKind.values == ["percent", "amount"]


def test_every_change_of_a_quote_records_who_made_it(contact, admin_contact, stocked):
    line = services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    quote = line.quote
    _update(contact, quote)
    services.quote_activate(contact=admin_contact, quote=quote)
    services.quote_pdf_request(contact=admin_contact, quote=quote)
    services.quote_to_cart(contact=contact, quote=quote)
    events = [(e.action, e.actor, e.from_state, e.to_state, e.note) for e in quote.events.all()]
    assert events == [
        ("created", contact.user, "", "none", ""),
        ("saved", contact.user, "none", "none", ""),
        ("activated", admin_contact.user, "none", "none", ""),
        ("PDF requested", admin_contact.user, "none", "queued", ""),
        ("moved to the cart", contact.user, "queued", "queued", "1 lines"),
    ]


def test_a_new_quote_is_valid_for_the_default_days(contact, stocked, settings):
    quote = services.quote_add(contact=contact, product=stocked["thinkpad"], quantity=1).quote
    assert quote.valid_until == timezone.localdate() + timedelta(days=settings.QUOTE_VALID_DAYS)
