"""The RMA section through the client: the two steps, RMA Status, a request's page, the attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rma import services
from rma.models import RmaRequest, ServiceCentre
from tests.rma.conftest import place_order
from tests.storefront.upload_builders import png

PNG = png()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _file(contact, order, serial="PF-TP-0001", quantity=1, **extra) -> RmaRequest:
    return services.rma_submit(
        contact=contact, order_number=order.number, order_line_id=order.lines.get(sku="NB-LEN-0001").pk, quantity=quantity,
        claim_type="defective", details="Dead pixel.", serial_number=serial, contact_name="Carlos", contact_email="carlos@acme.test",
        **extra,
    )


def test_the_rma_section_shows_the_links_and_the_centres_of_the_accounts_country(contact_client, centre):
    ServiceCentre.objects.create(country="CO", name="Centro Bogotá", address="Calle 1", city="Bogotá", phone="1", email="co@d.test", hours="9-5")
    response = contact_client.get(reverse("rma:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "RMA Request" in page and "RMA Status" in page
    assert "Service Centre CDMX" in page and "Mon–Fri 9:00–18:00" in page and "rma.mx@distributor.test" in page
    assert "Centro Bogotá" not in page


def test_my_account_menu_offers_rma_only_with_the_permission(contact, contact_client):
    assert reverse("rma:home") in contact_client.get(reverse("accounts:account-detail")).content.decode()
    contact.can_rma = False
    contact.save()
    assert reverse("rma:home") not in contact_client.get(reverse("accounts:account-detail")).content.decode()


@pytest.mark.parametrize("name", ["rma:home", "rma:request", "rma:rma-list"])
def test_a_contact_without_the_rma_permission_gets_403(contact, contact_client, name):
    contact.can_rma = False
    contact.save()
    assert contact_client.get(reverse(name)).status_code == 403


def test_a_request_page_needs_the_permission(contact, contact_client, delivered):
    rma = _file(contact, delivered)
    contact.can_rma = False
    contact.save()
    assert contact_client.get(reverse("rma:rma-detail", args=[rma.number])).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("rma:rma-list"))
    assert response.status_code == 302 and "login" in response.url


def test_the_two_steps_file_a_request_and_show_its_number(contact_client, delivered):
    response = contact_client.post(
        reverse("rma:request"),
        {"order_number": delivered.number.lower(), "contact_name": "Carlos B", "contact_email": "carlos@acme.test", "contact_phone": "55"},
    )
    assert response.status_code == 302 and response.url == reverse("rma:request-claim")
    page = contact_client.get(response.url).content.decode()
    assert "ThinkPad E14 Notebook" in page and "Latitude 5440 Notebook" in page
    line = delivered.lines.get(sku="NB-LEN-0001")
    response = contact_client.post(
        reverse("rma:request-claim"),
        {"order_line": line.pk, "quantity": 1, "claim_type": "damaged_in_transit", "details": "Cracked lid.", "serial_number": "PF-TP-0002",
         "attachments": [SimpleUploadedFile("lid.png", PNG, content_type="image/png")]},
    )
    rma = RmaRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("rma:request-submitted", args=[rma.number])
    assert rma.contact_name == "Carlos B" and rma.claim_type == "damaged_in_transit" and rma.attachments.count() == 1
    assert rma.number in contact_client.get(response.url).content.decode()


def test_step_one_refuses_an_order_of_another_account(other_admin_client, delivered):
    response = other_admin_client.post(
        reverse("rma:request"), {"order_number": delivered.number, "contact_name": "Olga", "contact_email": "olga@orbit.test"}
    )
    assert response.status_code == 200
    assert f"Your account has no order {delivered.number}." in response.content.decode()


def test_step_two_shows_a_refusal_on_its_field(contact_client, delivered):
    contact_client.post(reverse("rma:request"), {"order_number": delivered.number, "contact_name": "C", "contact_email": "c@acme.test"})
    line = delivered.lines.get(sku="NB-LEN-0001")
    response = contact_client.post(
        reverse("rma:request-claim"), {"order_line": line.pk, "quantity": 1, "claim_type": "defective", "details": "x", "serial_number": ""}
    )
    assert response.status_code == 200
    assert "The serial number is required for hardware." in response.content.decode()
    assert not RmaRequest.objects.exists()


def test_step_two_without_step_one_goes_back_to_step_one(contact_client):
    response = contact_client.get(reverse("rma:request-claim"))
    assert response.status_code == 302 and response.url == reverse("rma:request")


def test_another_accounts_request_and_its_attachment_are_404(contact, delivered, other_admin_client):
    rma = _file(contact, delivered, attachments=[SimpleUploadedFile("a.png", PNG)])
    attachment = rma.attachments.get()
    assert other_admin_client.get(reverse("rma:rma-detail", args=[rma.number])).status_code == 404
    assert other_admin_client.get(reverse("rma:request-submitted", args=[rma.number])).status_code == 404
    assert other_admin_client.get(reverse("rma:attachment-download", args=[rma.number, attachment.pk])).status_code == 404


def test_the_account_downloads_its_attachment(contact, delivered, admin_contact_client):
    rma = _file(contact, delivered, attachments=[SimpleUploadedFile("screen.png", PNG)])
    response = admin_contact_client.get(reverse("rma:attachment-download", args=[rma.number, rma.attachments.get().pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "screen.png" in response["Content-Disposition"]


def test_a_request_page_shows_its_history(contact, contact_client, delivered, back_office, centre):
    rma = _file(contact, delivered)
    services.rma_move(actor=back_office, rma=rma, to_state="under_review")
    services.rma_move(actor=back_office, rma=rma, to_state="approved", service_centre=centre, return_instructions="Use the RMA label.")
    page = contact_client.get(reverse("rma:rma-detail", args=[rma.number])).content.decode()
    assert "Submitted → Under review" in page and "Under review → Approved" in page
    assert "Use the RMA label." in page and "Service Centre CDMX" in page


def test_rma_status_lists_the_accounts_requests_only(contact, contact_client, delivered, other_admin_client):
    mine = _file(contact, delivered)
    page = contact_client.get(reverse("rma:rma-list")).content.decode()
    assert mine.number in page and delivered.number in page and "PF-TP-0001" in page and "Submitted" in page
    assert mine.number not in other_admin_client.get(reverse("rma:rma-list")).content.decode()


def _requests(contact, order, count: int, start: int = 0) -> None:
    line = order.lines.get()
    for n in range(start, start + count):
        services.rma_submit(
            contact=contact, order_number=order.number, order_line_id=line.pk, quantity=1, claim_type="other", details="x",
            serial_number=f"SN-{n:04d}", contact_name="C", contact_email="c@acme.test",
        )


def _status_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("rma:rma-list")).status_code == 200
    return len(queries)


def test_rma_status_queries_do_not_grow_with_the_requests(contact, contact_client, stocked, back_office, django_assert_num_queries):
    order = place_order(contact, items=[(stocked["thinkpad"], 1)], key="q" * 32, back_office=back_office)
    order.lines.update(quantity=100)  # enough units on one line for 50 requests
    _requests(contact, order, 5)
    five = _status_queries(contact_client)
    _requests(contact, order, 45, start=5)
    assert RmaRequest.objects.count() == 50
    with django_assert_num_queries(five):
        page = contact_client.get(reverse("rma:rma-list")).content.decode()
    assert page.count('data-rma="') == 25  # one page


def test_a_delivered_orders_page_offers_an_rma_request_for_it(contact_client, delivered):
    page = contact_client.get(reverse("orders:order-detail", args=[delivered.number])).content.decode()
    assert f'{reverse("rma:request")}?order={delivered.number}' in page and "RMA Request" in page
