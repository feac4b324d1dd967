"""Money, stock and input cases a review found: each keeps its fix."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Account
from catalog.models import PriceList
from orders import services
from orders.imports import ImportFileError, rows_from_file, rows_from_text
from orders.invoices import invoice_issue
from orders.models import CartLine, Order
from orders.services import OrderError


def _place(contact, **kwargs):
    return services.order_place(
        contact=contact, shipment_type="delivery", payment_method="credit", observations="", submission_key="r" * 32, **kwargs
    )


def test_a_contact_cannot_cancel_an_invoiced_order(contact, stocked, back_office):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    order = _place(contact)
    invoice_issue(actor=back_office, order=order)
    with pytest.raises(OrderError, match="is invoiced"):
        services.order_cancel(contact=contact, order=order)
    assert Order.objects.get(pk=order.pk).state == Order.State.PLACED


def test_cancelling_never_takes_credit_used_below_zero(contact, stocked, account):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    order = _place(contact)
    Account.objects.filter(pk=account.pk).update(credit_used=Decimal("0.00"))  # a payment recorded meanwhile
    services.order_cancel(contact=contact, order=order)
    assert Account.objects.get(pk=account.pk).credit_used == Decimal("0.00")


def test_a_total_changed_since_the_page_was_shown_is_confirmed_first(contact, stocked, price_lists):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    shown = Decimal("14100.00")
    stocked["thinkpad"].prices.filter(price_list=price_lists["gold"]).update(amount=Decimal("15000.00"))
    with pytest.raises(OrderError, match="total is now 15,000.00 MXN"):
        _place(contact, expected_total=shown)
    assert not Order.objects.exists() and CartLine.objects.filter(cart__contact=contact).exists()
    assert _place(contact, expected_total=Decimal("15000.00")).total == Decimal("15000.00")


def test_the_checkout_page_sends_the_total_it_shows(contact_client, contact, stocked, price_lists):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    page = contact_client.get(reverse("orders:checkout")).content.decode()
    assert 'name="expected_total" value="14100.00"' in page


def test_an_absurd_line_id_in_update_is_ignored(contact_client, contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    response = contact_client.post(reverse("orders:cart-update"), {"quantity-99999999999999999999999": "1"})
    assert response.status_code == 302


def test_pasted_amounts_with_separators_are_refused_not_misread():
    assert rows_from_text("NB-LEN-0001 1,000\nNB-LEN-0002 3 4\nNB-DEL-0003\t2") == [
        (1, "NB-LEN-0001", "1,000"),
        (2, "NB-LEN-0002", "3 4"),
        (3, "NB-DEL-0003", "2"),
    ]


def test_a_text_file_keeps_its_first_line_and_a_header_is_still_skipped():
    plain = SimpleUploadedFile("lines.txt", b"NB-LEN-0001 3\nNB-DEL-0003 1\n")
    assert [row[1] for row in rows_from_file(plain)] == ["NB-LEN-0001", "NB-DEL-0003"]
    headed = SimpleUploadedFile("lines.csv", b"SKU;Amount\nNB-LEN-0001;3\n")
    assert rows_from_file(headed) == [(2, "NB-LEN-0001", "3")]


def test_a_csv_field_past_the_limit_is_a_message():
    broken = SimpleUploadedFile("lines.csv", b'NB-LEN-0001,"' + b"x" * 200_000 + b"\n")
    with pytest.raises(ImportFileError, match="cannot be read as CSV"):
        rows_from_file(broken)


def test_a_workbook_that_inflates_past_the_limit_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (25 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="too large"):
        rows_from_file(SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))


def test_two_lines_of_one_product_past_the_maximum_name_the_line(contact, stocked):
    added, problems = services.cart_add_many(contact=contact, rows=[(1, "NB-LEN-0001", "9000"), (2, "NB-LEN-0001", "2000")])
    assert len(added) == 1 and [(p.line, "9999" in p.reason) for p in problems] == [(2, True)]


def test_a_base_list_in_another_currency_is_refused(price_lists):
    wrong = PriceList(code="GOLD-X", name="Gold", currency="MXN", base=price_lists["cop"])
    with pytest.raises(ValidationError, match="base list must be in MXN"):
        wrong.full_clean()


def test_the_back_office_cannot_type_over_credit_used(client, back_office, account):
    client.force_login(back_office)
    page = client.get(reverse("admin:accounts_account_change", args=[account.pk])).content.decode()
    assert 'name="credit_used"' not in page
