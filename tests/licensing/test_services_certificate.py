"""The eCertificate: available 24 hours after "received", released once by the scheduled task, which
stores the PDF and emails the contact; never for a cancelled order or one not yet received."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from licensing import services, tasks
from licensing.models import LicenceOrder, LicenceOrderEvent
from storefront.models import OutboundEmail
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db

State = LicenceOrder.State
RECEIVED_AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
FAKE_PDF = b"%PDF-1.7 eCertificate under test"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rendered(monkeypatch) -> list[int]:
    """The PDF builder replaced by a stand-in that records the orders it rendered."""
    calls: list[int] = []

    def render(*, order: LicenceOrder) -> bytes:
        calls.append(order.pk)
        return FAKE_PDF

    monkeypatch.setattr("licensing.certificates.certificate_pdf_render", render)
    return calls


@pytest.fixture
def received(vl_order_in) -> LicenceOrder:
    """1 Office received at RECEIVED_AT."""
    with time_machine.travel(RECEIVED_AT, tick=False):
        return vl_order_in(State.RECEIVED)


def _at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def _certificate_emails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(subject__contains="eCertificate"))


def test_before_24_hours_the_certificate_is_not_due(received, rendered):
    with _at(RECEIVED_AT + timedelta(hours=23, minutes=59)):
        assert services.vl_certificates_due_ids() == []
        assert services.vl_certificate_release(order_id=received.pk) is False
    order = LicenceOrder.objects.get(pk=received.pk)
    assert order.certificate_released_at is None and not order.certificate and not order.certificate_available
    assert rendered == [] and _certificate_emails() == []


def test_after_24_hours_the_release_stores_the_pdf_and_emails_the_contact_once(received, rendered, django_capture_on_commit_callbacks):
    # Given a received order whose 24 hours have passed
    release_at = RECEIVED_AT + timedelta(hours=24)
    with _at(release_at):
        assert services.vl_certificates_due_ids() == [received.pk]

        # When the certificate is released
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert services.vl_certificate_release(order_id=received.pk) is True

    # Then the PDF is stored with the order, released at that moment, and the contact is emailed after commit
    order = LicenceOrder.objects.get(pk=received.pk)
    assert order.certificate_released_at == release_at and order.certificate_available
    assert order.certificate.name.endswith(f"{order.number}-ecertificate.pdf")
    with order.certificate.open("rb") as stored:
        assert stored.read() == FAKE_PDF
    assert rendered == [order.pk]
    [email] = _certificate_emails()
    assert email.to == "carlos@acme.test" and order.number in email.subject
    assert len(callbacks) == 1 and mail.outbox == []
    assert list(order.events.order_by("id").values_list("from_state", "to_state", "note"))[-1] == ("received", "received", "eCertificate available")
    assert order.state == State.RECEIVED


def test_a_second_release_does_nothing(received, rendered):
    with _at(RECEIVED_AT + timedelta(hours=25)):
        assert services.vl_certificate_release(order_id=received.pk) is True
    name = LicenceOrder.objects.get(pk=received.pk).certificate.name
    events = LicenceOrderEvent.objects.count()

    with _at(RECEIVED_AT + timedelta(hours=30)):
        assert services.vl_certificates_due_ids() == []
        assert services.vl_certificate_release(order_id=received.pk) is False

    order = LicenceOrder.objects.get(pk=received.pk)
    assert order.certificate.name == name and order.certificate_released_at == RECEIVED_AT + timedelta(hours=25)
    assert rendered == [order.pk] and len(_certificate_emails()) == 1
    assert LicenceOrderEvent.objects.count() == events


def test_the_scheduled_task_releases_every_due_certificate_and_only_those(vl_order_in, rendered):
    # Given two orders received at RECEIVED_AT and one received 12 hours later
    with _at(RECEIVED_AT):
        first, second = vl_order_in(State.RECEIVED), vl_order_in(State.RECEIVED)
    with _at(RECEIVED_AT + timedelta(hours=12)):
        later = vl_order_in(State.RECEIVED)

    # When beat runs the task 30 hours after the first two were received (tasks run eagerly in tests)
    with _at(RECEIVED_AT + timedelta(hours=30)):
        assert tasks.vl_certificates_release_due.delay().get() == 2

    # Then the two are released, the later one is not yet
    released = set(LicenceOrder.objects.filter(certificate_released_at__isnull=False).values_list("pk", flat=True))
    assert released == {first.pk, second.pk} and sorted(rendered) == sorted([first.pk, second.pk])
    subjects = [email.subject for email in _certificate_emails()]
    assert len(subjects) == 2
    assert [number for number in (first.number, second.number, later.number) if any(number in s for s in subjects)] == [first.number, second.number]

    # And the next run, the next day, releases the later one and nothing twice
    with _at(RECEIVED_AT + timedelta(hours=37)):
        assert tasks.vl_certificates_release_due() == 1
    assert LicenceOrder.objects.filter(certificate_released_at__isnull=False).count() == 3
    assert len(_certificate_emails()) == 3 and len(rendered) == 3


def test_a_cancelled_order_never_gets_its_certificate(received, licensing_contact, vl_catalog, back_office, rendered):
    # Given a received order cancelled by a replacement before its 24 hours passed
    with _at(RECEIVED_AT + timedelta(hours=2)):
        replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], key="replacement" + "k" * 21)
        services.vl_order_cancel(actor=back_office, order=received, replacement=replacement)

    # When the 24 hours pass and beat runs, then nothing is released for it
    with _at(RECEIVED_AT + timedelta(days=3)):
        assert services.vl_certificates_due_ids() == []
        assert tasks.vl_certificates_release_due() == 0
        assert services.vl_certificate_release(order_id=received.pk) is False
    order = LicenceOrder.objects.get(pk=received.pk)
    assert order.state == State.CANCELLED and order.certificate_released_at is None and not order.certificate
    assert rendered == [] and _certificate_emails() == []


@pytest.mark.parametrize("state", [State.PLACED, State.APPROVED, State.SENT, State.PROCESSED])
def test_an_order_not_received_never_gets_a_certificate(vl_order_in, rendered, state):
    with _at(RECEIVED_AT):
        order = vl_order_in(state)
    with _at(RECEIVED_AT + timedelta(days=10)):
        assert services.vl_certificates_due_ids() == []
        assert tasks.vl_certificates_release_due() == 0
        assert services.vl_certificate_release(order_id=order.pk) is False
    assert LicenceOrder.objects.get(pk=order.pk).certificate_released_at is None
    assert rendered == [] and _certificate_emails() == []


def test_an_unknown_order_is_not_released(db, rendered):
    assert services.vl_certificate_release(order_id=987654) is False
    assert rendered == []


def test_a_pdf_that_fails_to_render_releases_nothing_and_emails_no_one(received, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*, order):
        raise RuntimeError("renderer down")

    monkeypatch.setattr("licensing.certificates.certificate_pdf_render", broken)
    with _at(RECEIVED_AT + timedelta(hours=25)):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            services.vl_certificate_release(order_id=received.pk)
        # Still due: the next run of beat tries again.
        assert services.vl_certificates_due_ids() == [received.pk]
    order = LicenceOrder.objects.get(pk=received.pk)
    assert order.certificate_released_at is None and not order.certificate
    assert callbacks == [] and _certificate_emails() == []
