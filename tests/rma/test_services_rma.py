"""Filing an RMA request and moving it along, through the services."""

from __future__ import annotations

import io

import pytest

from catalog.models import Product
from orders.models import Order, OrderLine
from rma import services
from rma.models import RmaEvent, RmaRequest
from rma.services import RmaError
from storefront.models import OutboundEmail
from tests.rma.conftest import place_order
from tests.storefront.upload_builders import png


def _line(order: Order, sku: str) -> OrderLine:
    return order.lines.get(sku=sku)


def _submit(contact, order, *, sku="NB-LEN-0001", quantity=1, serial="PF-TP-0001", **overrides) -> RmaRequest:
    data = {
        "contact": contact,
        "order_number": order.number,
        "order_line_id": _line(order, sku).pk,
        "quantity": quantity,
        "claim_type": RmaRequest.ClaimType.DEFECTIVE,
        "details": "Does not power on.",
        "serial_number": serial,
        "contact_name": "Carlos Bermudez",
        "contact_email": "carlos@acme.test",
        "contact_phone": "+52 55 1234 5678",
    }
    data.update(overrides)
    return services.rma_submit(**data)


def _volume_line(order: Order, product_type: str, name: str, catalog) -> OrderLine:
    product = catalog["monitor"]
    product.product_type = product_type
    product.name = name
    product.save()
    return OrderLine.objects.create(
        order=order, product=product, sku=product.sku, name=name, unit_price="100.00", quantity=5, line_total="500.00"
    )


# --- submitting ------------------------------------------------------------------------------------


def test_submit_gives_an_rma_number_records_the_event_and_emails_after_commit(contact, delivered, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rma = _submit(contact, delivered)
    assert rma.number == f"RMA{rma.pk:08d}"
    assert rma.state == RmaRequest.State.SUBMITTED and rma.account == contact.account
    assert rma.sku == "NB-LEN-0001" and rma.serial_number == "PF-TP-0001" and rma.created_by == contact
    assert list(rma.events.values_list("from_state", "to_state")) == [("", "submitted")]
    email = OutboundEmail.objects.get(to="carlos@acme.test", subject__contains="RMA")
    assert rma.number in email.subject and "Does not power on" not in email.subject
    assert rma.number in email.body_text
    assert len(callbacks) == 1  # delivery queued only when the transaction commits


def test_the_confirmation_goes_to_the_contact_details_and_the_filer(contact, delivered):
    _submit(contact, delivered, contact_email="service@acme.test")
    assert set(OutboundEmail.objects.filter(subject__contains="RMA").values_list("to", flat=True)) == {"service@acme.test", "carlos@acme.test"}


def test_another_accounts_order_is_refused(other_contact, delivered):
    with pytest.raises(RmaError, match="no order"):
        services.rma_order_check(contact=other_contact, order_number=delivered.number)


def test_an_order_not_yet_shipped_is_refused(contact, stocked, back_office):
    order = place_order(contact, items=[(stocked["thinkpad"], 1)], key="p" * 32, back_office=back_office, to_state=Order.State.PROCESSING)
    with pytest.raises(RmaError, match="only a shipped or delivered order"):
        _submit(contact, order)


def test_a_shipped_order_is_accepted(contact, stocked, back_office):
    order = place_order(contact, items=[(stocked["thinkpad"], 1)], key="s" * 32, back_office=back_office, to_state=Order.State.SHIPPED)
    assert _submit(contact, order, serial="ANY-SERIAL").state == RmaRequest.State.SUBMITTED


def test_a_product_not_on_the_order_is_refused(contact, delivered, stocked, back_office):
    other = place_order(contact, items=[(stocked["monitor"], 1)], key="m" * 32, back_office=back_office)
    with pytest.raises(RmaError, match="not on order") as info:
        _submit(contact, delivered, order_line_id=other.lines.get().pk)
    assert info.value.field == "order_line"


def test_quantity_cannot_exceed_what_was_ordered(contact, delivered):
    with pytest.raises(RmaError, match="at most 3 of NB-LEN-0001: 3 were ordered and 0 are already under RMA"):
        _submit(contact, delivered, quantity=4, serial="PF-TP-0001")


def test_quantity_already_under_rma_is_taken_off(contact, delivered):
    _submit(contact, delivered, quantity=2, serial="PF-TP-0001")
    with pytest.raises(RmaError, match="at most 1 of NB-LEN-0001: 3 were ordered and 2 are already under RMA"):
        _submit(contact, delivered, quantity=2, serial="PF-TP-0002")
    assert _submit(contact, delivered, quantity=1, serial="PF-TP-0002").quantity == 1


def test_a_rejected_request_gives_its_quantity_back(contact, delivered, back_office):
    rma = _submit(contact, delivered, quantity=3)
    services.rma_move(actor=back_office, rma=rma, to_state="rejected", rejection_reason="Physical damage.")
    assert _submit(contact, delivered, quantity=3).quantity == 3


def test_zero_quantity_is_refused(contact, delivered):
    with pytest.raises(RmaError, match="at least 1"):
        _submit(contact, delivered, quantity=0)


def test_hardware_needs_a_serial_number(contact, delivered):
    with pytest.raises(RmaError, match="serial number is required for hardware") as info:
        _submit(contact, delivered, serial="  ")
    assert info.value.field == "serial_number"


def test_a_serial_not_shipped_on_the_order_is_refused(contact, delivered):
    with pytest.raises(RmaError, match="was not shipped on order"):
        _submit(contact, delivered, serial="NOT-OURS-1")


def test_a_serial_cannot_be_claimed_twice_while_a_request_is_open(contact, delivered, back_office):
    first = _submit(contact, delivered, serial="pf-tp-0001")
    with pytest.raises(RmaError, match=f"already under RMA {first.number}"):
        _submit(contact, delivered, serial="PF-TP-0001 ")
    services.rma_move(actor=back_office, rma=first, to_state="rejected", rejection_reason="No fault found.")
    assert _submit(contact, delivered, serial="PF-TP-0001").serial_number == "PF-TP-0001"


@pytest.mark.parametrize(
    ("product_type", "name"),
    [(Product.Type.LICENCE, "Windows Legal Pro 11 (volume licence)"), (Product.Type.CLOUD, "Microsoft 365 Business (activated)")],
)
def test_volume_licensing_products_are_never_accepted(contact, delivered, catalog, product_type, name):
    line = _volume_line(delivered, product_type, name, catalog)
    with pytest.raises(RmaError) as info:
        _submit(contact, delivered, order_line_id=line.pk, serial="")
    assert "Windows Legal" in info.value.message and "activated cloud products" in info.value.message
    assert not RmaRequest.objects.exists()


def test_software_needs_no_serial_number(contact, delivered, catalog):
    line = _volume_line(delivered, Product.Type.SOFTWARE, "Backup Suite Box", catalog)
    assert _submit(contact, delivered, order_line_id=line.pk, serial="").serial_number == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("claim_type", "broken", "type of claim"),
        ("details", "   ", "Describe the problem"),
        ("contact_name", "", "name of the person"),
        ("contact_email", "", "email of the person"),
    ],
)
def test_missing_claim_details_are_refused(contact, delivered, field, value, message):
    with pytest.raises(RmaError, match=message) as info:
        _submit(contact, delivered, **{field: value})
    assert info.value.field == field


def test_a_contact_without_the_rma_permission_is_refused(contact, delivered):
    contact.can_rma = False
    with pytest.raises(RmaError, match="cannot file RMA requests"):
        _submit(contact, delivered)


def test_a_refused_request_queues_no_email(contact, delivered):
    with pytest.raises(RmaError):
        _submit(contact, delivered, quantity=9)
    assert not OutboundEmail.objects.filter(subject__contains="RMA").exists()


# --- attachments ------------------------------------------------------------------------------------


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


PNG = png()
PDF = b"%PDF-1.7\n%...\n"


def test_attachments_are_stored_with_the_request_by_content_type(contact, delivered, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rma = _submit(contact, delivered, attachments=[_Upload(PNG, "photo.pdf"), _Upload(PDF, "invoice.pdf")])
    stored = list(rma.attachments.values_list("original_name", "content_type"))
    # The name is a label only, ending with what the content is.
    assert stored == [("photo.pdf.png", "image/png"), ("invoice.pdf", "application/pdf")]
    first = rma.attachments.first()
    assert first.file.name.endswith(".png") and first.file.read() == PNG


def test_an_attachment_that_is_not_pdf_jpg_or_png_is_refused_whatever_its_name(contact, delivered, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(RmaError, match="evil.jpg is not a PDF, JPG or PNG file"):
        _submit(contact, delivered, attachments=[_Upload(b"MZ\x90\x00 not an image", "evil.jpg")])
    assert not RmaRequest.objects.exists()


def test_an_attachment_over_5_mb_is_refused(contact, delivered, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = _Upload(b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024), "big.jpg")
    with pytest.raises(RmaError, match="big.jpg is larger than 5 MB"):
        _submit(contact, delivered, attachments=[big])


# --- the back office -----------------------------------------------------------------------------------


def test_the_back_office_moves_a_request_to_resolved_recording_and_emailing_each_step(
    contact, delivered, back_office, centre, django_capture_on_commit_callbacks
):
    rma = _submit(contact, delivered)
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.rma_move(actor=back_office, rma=rma, to_state="under_review")
        services.rma_move(actor=back_office, rma=rma, to_state="approved", service_centre=centre, return_instructions="Box it.")
        services.rma_move(actor=back_office, rma=rma, to_state="received")
        rma = services.rma_move(actor=back_office, rma=rma, to_state="resolved", resolution="replaced")
    assert rma.state == "resolved" and rma.resolution == "replaced" and rma.closed_at is not None
    assert rma.service_centre == centre and rma.return_instructions == "Box it."
    assert list(RmaEvent.objects.filter(rma=rma).values_list("from_state", "to_state")) == [
        ("", "submitted"), ("submitted", "under_review"), ("under_review", "approved"), ("approved", "received"), ("received", "resolved"),
    ]
    assert RmaEvent.objects.filter(rma=rma).last().actor == back_office
    subjects = list(OutboundEmail.objects.order_by("id").values_list("subject", flat=True))
    assert [s.rsplit(" is now ", 1)[1] for s in subjects] == ["Under review", "Approved", "Received", "Resolved"]
    assert "Service Centre CDMX" in OutboundEmail.objects.get(subject__endswith="Approved").body_text
    assert len(callbacks) == 4


def test_a_move_rolled_back_sends_nothing(contact, delivered, back_office, django_capture_on_commit_callbacks):
    rma = _submit(contact, delivered)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RmaError):
        services.rma_move(actor=back_office, rma=rma, to_state="resolved", resolution="repaired")
    assert callbacks == []


@pytest.mark.parametrize(("to_state", "message"), [("received", "cannot become “Received”"), ("resolved", "cannot become “Resolved”")])
def test_a_forbidden_transition_is_refused(contact, delivered, back_office, to_state, message):
    rma = _submit(contact, delivered)
    with pytest.raises(RmaError, match=message):
        services.rma_move(actor=back_office, rma=rma, to_state=to_state, resolution="repaired")


def test_moving_twice_to_the_same_state_is_refused_the_second_time(contact, delivered, back_office):
    rma = _submit(contact, delivered)
    services.rma_move(actor=back_office, rma=rma, to_state="under_review")
    with pytest.raises(RmaError, match="cannot become"):
        services.rma_move(actor=back_office, rma=rma, to_state="under_review")
    assert rma.events.count() == 2


def test_approval_needs_a_centre_of_the_accounts_country_and_instructions(contact, delivered, back_office, centre):
    rma = _submit(contact, delivered)
    services.rma_move(actor=back_office, rma=rma, to_state="under_review")
    with pytest.raises(RmaError, match="service centre"):
        services.rma_move(actor=back_office, rma=rma, to_state="approved", return_instructions="Box it.")
    with pytest.raises(RmaError, match="return instructions"):
        services.rma_move(actor=back_office, rma=rma, to_state="approved", service_centre=centre)
    centre.country = "CO"
    centre.save()
    with pytest.raises(RmaError, match="account's country"):
        services.rma_move(actor=back_office, rma=rma, to_state="approved", service_centre=centre, return_instructions="Box it.")


def test_resolving_needs_a_kind_and_rejecting_a_reason(contact, delivered, back_office):
    rma = _submit(contact, delivered)
    with pytest.raises(RmaError, match="reason"):
        services.rma_move(actor=back_office, rma=rma, to_state="rejected")
    rma = services.rma_move(actor=back_office, rma=rma, to_state="rejected", rejection_reason="Out of warranty.")
    assert rma.rejection_reason == "Out of warranty." and rma.events.last().note == "Out of warranty."


def test_only_staff_in_charge_of_the_account_move_requests(contact, delivered, other_admin, sales_executive):
    rma = _submit(contact, delivered)
    with pytest.raises(RmaError, match="Only distributor staff"):
        services.rma_move(actor=other_admin.user, rma=rma, to_state="under_review")
    assert services.rma_move(actor=sales_executive, rma=rma, to_state="under_review").state == "under_review"
