"""seed_demo gives volume licensing its programs per country, priced products of each program, and
Acme's held special-price order and received order with its keys, invoice and eCertificate."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account

from catalog.selectors import products_priced
from licensing.models import LicenceKey, LicenceOrder, LicenceProduct, Program, ProgramOffer
from licensing.services import licensing_pricing, programs_offered
from orders.models import Invoice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts() -> tuple[int, ...]:
    return (
        ProgramOffer.objects.count(), LicenceProduct.objects.count(), LicenceOrder.objects.count(),
        LicenceKey.objects.count(), Invoice.objects.filter(licence_order__isnull=False).count(),
    )


def test_demo_seeding_twice_gives_the_licensing_demo_once():
    call_command("seed_demo", stdout=StringIO())
    counts = _counts()

    call_command("seed_demo", stdout=StringIO())

    assert _counts() == counts
    assert programs_offered("MX") == list(Program.values)
    assert programs_offered("CO") == [Program.OPEN_BUSINESS, Program.OPEN_VALUE]
    assert programs_offered("JM") == []


def test_every_program_has_products_priced_for_every_demo_account():
    call_command("seed_demo", stdout=StringIO())

    items = list(LicenceProduct.objects.select_related("product"))
    assert {item.program for item in items} == set(Program.values)
    assert any(item.windows_legal for item in items) and any(item.delivers_key for item in items)
    assert any(item.product.product_type == "cloud" for item in items)
    assert all(item.product.category.parent.name == "Licensing" for item in items)
    for account in Account.objects.filter(customer_code__in=["MX-10001", "CO-20001"]):
        priced = products_priced(product_ids=[item.product_id for item in items], pricing=licensing_pricing(account))
        assert all(priced[item.product_id].price for item in items), account.customer_code


def test_acme_has_a_held_order_awaiting_sam_and_a_received_order_with_its_certificate():
    call_command("seed_demo", stdout=StringIO())

    held = LicenceOrder.objects.get(account__customer_code="MX-10001", state=LicenceOrder.State.ON_HOLD)
    assert held.account.sales_executive.email == "sam.sales@distributor.test"
    assert held.placed_by.can_license and held.placed_by.can_download
    assert any(line.has_special_price for line in held.lines.all())
    assert held.hold_reason

    received = LicenceOrder.objects.get(account__customer_code="MX-10001", state=LicenceOrder.State.RECEIVED)
    assert received.authorization_number
    assert received.certificate_available
    with received.certificate.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    keys = LicenceKey.objects.filter(line__order=received)
    assert keys.exists() and not keys.filter(handed_out_at__isnull=True).exists()
    assert received.invoice.amount == received.total
