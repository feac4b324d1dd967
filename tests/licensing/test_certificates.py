"""The eCertificate builder: a pure function from a received order to PDF bytes, tested without Celery."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from licensing import services
from licensing.certificates import certificate_pdf_render
from licensing.models import LicenceKey, LicenceOrder
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _received(order: LicenceOrder, back_office, *, keys: dict[str, list[str]]) -> LicenceOrder:
    """Approve if held, then sent, processed (with an authorization number) and received with the keys given per SKU."""
    if order.state == LicenceOrder.State.ON_HOLD:
        order = services.vl_order_approve(actor=back_office, order=order)
    order = services.vl_order_move(actor=back_office, order=order, to_state="sent")
    LicenceOrder.objects.filter(pk=order.pk).update(authorization_number="AUTH-7788-2026")
    order = services.vl_order_move(actor=back_office, order=order, to_state="processed")
    for line in order.lines.all():
        for key in keys.get(line.sku, []):
            LicenceKey.objects.create(line=line, key=key)
    return services.vl_order_move(actor=back_office, order=order, to_state="received")


def test_the_certificate_names_the_order_its_authorization_the_end_customer_and_every_key(back_office, held_order):
    order = _received(held_order, back_office, keys={"VL-MS-0001": ["OFF-AAAA-1111", "OFF-BBBB-2222"], "VL-MS-0002": ["SRV-CCCC-3333"]})
    order.end_customer_tax_id = "CAZ010101AB1"

    data = certificate_pdf_render(order=order)

    assert data.startswith(b"%PDF-")
    text = _text(data)
    for expected in (
        order.number, "AUTH-7788-2026", "Colegio Azteca", "CAZ010101AB1", order.account.customer_code, "Acme Reseller",
        "Open Value", "VL-MS-0001", "VL-MS-0002", "OFF-AAAA-1111", "OFF-BBBB-2222", "SRV-CCCC-3333", "eCertificate",
    ):
        assert expected in text, expected
    assert "program" in text.lower() and "terms" in text.lower()


def test_a_line_without_a_key_says_so(back_office, licensing_contact, vl_catalog):
    order = place_vl(licensing_contact, items=[(vl_catalog["legal"], 5, None)])
    order = _received(order, back_office, keys={})

    text = _text(certificate_pdf_render(order=order))

    assert "VL-MS-0003" in text
    assert "No key" in text


def test_markup_typed_by_a_reseller_is_escaped_and_fetches_nothing(back_office, licensing_contact, vl_catalog, pdf_fetches):
    hostile = '<img src="file:///etc/passwd">Evil Corp'
    order = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], end_customer=hostile)
    order = _received(order, back_office, keys={"VL-MS-0001": ["OFF-DDDD-4444"]})

    text = _text(certificate_pdf_render(order=order))

    assert pdf_fetches == []
    assert '<img src="file:///etc/passwd">Evil Corp' in text
