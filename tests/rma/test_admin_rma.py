"""The back office moves requests along with admin actions; approve, resolve and reject ask first."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rma import services
from rma.models import RmaRequest
from tests.storefront.upload_builders import png

CHANGELIST = reverse("admin:rma_rmarequest_changelist")


@pytest.fixture
def staff_client(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client


@pytest.fixture
def rma(contact, delivered) -> RmaRequest:
    return services.rma_submit(
        contact=contact, order_number=delivered.number, order_line_id=delivered.lines.get(sku="NB-LEN-0001").pk, quantity=1,
        claim_type="defective", details="Fan noise.", serial_number="PF-TP-0003", contact_name="Carlos", contact_email="carlos@acme.test",
    )


def _act(client, action, rma, **data):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [rma.pk], **data})


def test_approve_asks_for_the_centre_and_instructions_then_moves(staff_client, rma, centre):
    _act(staff_client, "mark_under_review", rma)
    page = _act(staff_client, "mark_approved", rma)
    assert page.status_code == 200 and "Service centre" in page.content.decode() and "original box" in page.content.decode()
    response = _act(staff_client, "mark_approved", rma, apply="1", service_centre=centre.pk, return_instructions="Ship with label.")
    assert response.status_code == 302
    rma.refresh_from_db()
    assert rma.state == "approved" and rma.service_centre == centre and rma.return_instructions == "Ship with label."


def test_resolve_with_a_kind_and_a_refused_move_is_reported(staff_client, rma):
    response = _act(staff_client, "mark_resolved", rma, apply="1", resolution="credited")
    rma.refresh_from_db()
    assert rma.state == "submitted"
    follow = staff_client.get(response.url).content.decode()
    assert "cannot become" in follow


def test_reject_with_a_reason(staff_client, rma):
    _act(staff_client, "mark_rejected", rma, apply="1", rejection_reason="Liquid damage.")
    rma.refresh_from_db()
    assert rma.state == "rejected" and rma.rejection_reason == "Liquid damage."


def test_a_request_page_in_the_back_office_opens(staff_client, rma):
    assert staff_client.get(reverse("admin:rma_rmarequest_change", args=[rma.pk])).status_code == 200


def test_staff_download_an_attachment_through_the_back_office(staff_client, contact, delivered, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = png()
    rma = services.rma_submit(
        contact=contact, order_number=delivered.number, order_line_id=delivered.lines.get(sku="NB-LEN-0001").pk, quantity=1,
        claim_type="defective", details="x", serial_number="PF-TP-0001", contact_name="C", contact_email="c@acme.test",
        attachments=[SimpleUploadedFile("p.png", image)],
    )
    attachment = rma.attachments.get()
    page = staff_client.get(reverse("admin:rma_rmarequest_change", args=[rma.pk])).content.decode()
    url = reverse("admin:rma_attachment_download", args=[rma.pk, attachment.pk])
    assert url in page
    response = staff_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == image
    assert staff_client.get(reverse("admin:rma_attachment_download", args=[rma.pk + 1, attachment.pk])).status_code == 404
