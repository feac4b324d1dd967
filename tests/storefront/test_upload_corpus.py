"""The upload corpus against every upload of the store, through its page: every bad file refused with its
message, every good one kept under a generated name, and downloaded only by its owner, as an attachment
that is never sniffed. The test prints the figures (files tried, refused, kept per upload).

The uploads: "Become a Customer" documents (accounts), "RMA Request" attachments (rma), and the CSV or
XLSX file of "Add multiple products" (orders), which is read and never stored.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from accounts.documents import MAX_DOCUMENT_BYTES
from accounts.models import Registration, RegistrationDocument
from orders.models import CartLine
from rma.attachments import MAX_ATTACHMENT_BYTES
from rma.models import RmaAttachment, RmaRequest
from rma.views import SESSION_KEY
from storefront.uploads import DISPLAY_NAME_MAX
from tests.rma.conftest import THINKPAD_SERIALS, place_order
from tests.storefront.upload_corpus import CORPUS, Sample

pytestmark = pytest.mark.django_db

FIGURES: dict[str, Counter] = {}
# No bidi override, control character, path separator or quote survives into a stored label.
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\"]')


@dataclass
class Outcome:
    kept: bool
    errors: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def _check_label(label: str, extension: str) -> None:
    assert not UNSAFE_NAME.search(label), label
    assert label.endswith(f".{extension}") and len(label) <= DISPLAY_NAME_MAX + 1 + len(extension), label


def _record(upload: str, sample: Sample, outcome: Outcome) -> None:
    figures = FIGURES.setdefault(upload, Counter())
    figures["tried"] += 1
    figures["kept" if outcome.kept else "refused"] += 1


# --- Become a Customer ------------------------------------------------------------------------------

APPLICANT = {
    "country": "CO",
    "company_name": "Andina Tech SAS",
    "tax_id": "900123456-7",
    "address": "Calle 100 # 10-20",
    "city": "Bogotá",
    "company_phone": "+57 1 555 0000",
    "first_name": "Pedro",
    "last_name": "Rojas",
    "position": "Manager",
    "phone": "+57 1 555 0001",
}
LABEL = "Chamber of Commerce Certificate"
REGISTRATION_MESSAGES = {
    "type": f"{LABEL} is not a PDF, JPG, Word or PNG file.",
    "pdf_active": f"{LABEL} is a PDF with scripts, attached files or actions: print it to a new PDF and upload that.",
    "pdf_unchecked": f"{LABEL} is a PDF that cannot be checked (protected or damaged): print it to a new PDF and upload that.",
    "size": f"{LABEL} is larger than 1 MB.",
    "empty": "The submitted file is empty.",
}


def _post_registration(client: Client, number: int, sample: Sample) -> Outcome:
    content = sample.build(MAX_DOCUMENT_BYTES)
    files = {
        "document_chamber_of_commerce": SimpleUploadedFile(sample.name, content, content_type="application/pdf"),
        "document_rut": SimpleUploadedFile("rut.pdf", CORPUS[0].build(0), content_type="application/pdf"),
    }
    data = {**APPLICANT, "email": f"pedro{number}@andina.example", **files}
    # Each applicant from its own address: the per-address limit is not what is tested here.
    response = client.post(reverse("accounts:become-customer"), data, REMOTE_ADDR=f"10.0.{number // 250}.{number % 250 + 1}")
    if response.status_code == 302:
        return Outcome(kept=True)
    assert response.status_code == 200, response.status_code
    return Outcome(kept=False, errors=list(response.context["form"].errors.get("document_chamber_of_commerce", [])))


@pytest.mark.parametrize("sample", CORPUS, ids=[s.id for s in CORPUS])
def test_become_a_customer_keeps_good_documents_and_refuses_bad_ones(client, _media, sample):
    outcome = _post_registration(client, CORPUS.index(sample), sample)
    _record("Become a Customer documents", sample, outcome)

    if sample.kind is None:
        assert not outcome.kept
        assert outcome.errors == [REGISTRATION_MESSAGES[sample.reason]]
        assert Registration.objects.count() == 0 and _stored_files(_media) == []
        return
    assert outcome.kept, outcome.errors
    document = RegistrationDocument.objects.get(kind="chamber_of_commerce")
    extension = "jpg" if sample.kind == "jpg" else sample.kind
    # Stored under a generated name in the registration's own folder, whatever the upload was called.
    assert re.fullmatch(rf"registrations/{document.registration_id}/[0-9a-f]{{32}}\.{extension}", document.file.name)
    assert (_media / document.file.name).read_bytes() == sample.build(MAX_DOCUMENT_BYTES)
    _check_label(document.original_name, extension)


def test_a_registration_document_downloads_only_for_staff_as_an_attachment(client, admin_client, _media):
    _post_registration(client, 900, CORPUS[0])
    document = RegistrationDocument.objects.get(kind="chamber_of_commerce")
    url = reverse("admin:accounts_registration_document", args=[document.registration_id, document.pk])

    assert client.get(url).status_code == 302  # to the admin's sign-in
    response = admin_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


# --- RMA Request ------------------------------------------------------------------------------------

RMA_MESSAGES = {
    "type": " is not a PDF, JPG or PNG file.",
    "pdf_active": " is a PDF with scripts, attached files or actions: print it to a new PDF and upload that.",
    "pdf_unchecked": " is a PDF that cannot be checked (protected or damaged): print it to a new PDF and upload that.",
    "size": " is larger than 5 MB.",
    "empty": "The submitted file is empty.",
}
RMA_KINDS = {"pdf", "jpg", "png"}


@pytest.fixture
def delivered(contact, stocked, back_office):
    return place_order(contact, items=[(stocked["thinkpad"], 3)], key="u" * 32, back_office=back_office)


def _post_rma(client: Client, order, sample: Sample) -> Outcome:
    session = client.session
    session[SESSION_KEY] = {"order_number": order.number, "contact_name": "Carlos", "contact_email": "carlos@acme.test", "contact_phone": ""}
    session.save()
    content = sample.build(MAX_ATTACHMENT_BYTES)
    response = client.post(
        reverse("rma:request-claim"),
        {
            "order_line": order.lines.get().pk,
            "quantity": 1,
            "claim_type": "defective",
            "details": "Dead pixel.",
            "serial_number": THINKPAD_SERIALS[0],
            "attachments": [SimpleUploadedFile(sample.name, content, content_type="image/png")],
        },
    )
    if response.status_code == 302:
        return Outcome(kept=True)
    assert response.status_code == 200, response.status_code
    return Outcome(kept=False, errors=list(response.context["form"].errors.get("attachments", [])))


@pytest.mark.parametrize("sample", CORPUS, ids=[s.id for s in CORPUS])
def test_rma_keeps_good_attachments_and_refuses_bad_ones(contact_client, other_admin_client, delivered, _media, sample):
    outcome = _post_rma(contact_client, delivered, sample)
    _record("RMA attachments", sample, outcome)

    if sample.kind not in RMA_KINDS:
        # Word documents are good files, but not what an RMA takes: refused with the type message.
        reason = sample.reason or "type"
        assert not outcome.kept
        assert len(outcome.errors) == 1 and outcome.errors[0].endswith(RMA_MESSAGES[reason]), outcome.errors
        assert RmaRequest.objects.count() == 0 and _stored_files(_media) == []
        return
    assert outcome.kept, outcome.errors
    attachment = RmaAttachment.objects.get()
    rma = attachment.rma
    assert re.fullmatch(rf"rma/{rma.number}/01-[0-9a-f]{{12}}\.{sample.kind}", attachment.file.name)
    assert (_media / attachment.file.name).read_bytes() == sample.build(MAX_ATTACHMENT_BYTES)
    _check_label(attachment.original_name, sample.kind)

    # Never served from the media folder; downloaded by its own account only, as an attachment of its
    # checked type, never sniffed.
    assert contact_client.get(f"/media/{attachment.file.name}").status_code == 404
    url = reverse("rma:attachment-download", args=[rma.number, attachment.pk])
    assert other_admin_client.get(url).status_code == 404
    response = contact_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "\n" not in response["Content-Disposition"]
    assert response["Content-Type"] == attachment.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == sample.build(MAX_ATTACHMENT_BYTES)


# --- Add multiple products (read, never stored) -----------------------------------------------------


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("sample", CORPUS, ids=[s.id for s in CORPUS])
def test_add_multiple_products_refuses_every_file_of_the_corpus(contact_client, stocked, _media, sample):
    # None of the corpus is a CSV or XLSX file: every one is refused, and nothing is added or stored.
    upload = SimpleUploadedFile(sample.name, sample.build(1024 * 1024), content_type="text/csv")
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": "", "file": upload})
    outcome = Outcome(kept=response.status_code == 302, errors=list(response.context["add_multiple_form"].errors.get("file", [])) if response.status_code == 200 else [])
    _record("Add multiple products file", sample, outcome)

    assert response.status_code == 200
    expected = {"empty": "The submitted file is empty.", "size": "The file is larger than 1 MB."}.get(sample.reason or "", "Upload a CSV or XLSX file.")
    assert outcome.errors == [expected]
    assert CartLine.objects.count() == 0 and _stored_files(_media) == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_add_multiple_products_reads_a_good_csv_or_xlsx(contact_client, stocked, _media, kind):
    sku = stocked["thinkpad"].sku
    content = f"SKU;Amount\n{sku};2\n".encode() if kind == "csv" else _xlsx([("SKU", "Amount"), (sku, 2)])
    upload = SimpleUploadedFile(f"lines.{kind}", content)
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": "", "file": upload})
    _record("Add multiple products file", Sample(kind, f"lines.{kind}", lambda limit: content, kind), Outcome(kept=response.status_code == 302))

    assert response.status_code == 302
    assert CartLine.objects.get().quantity == 2
    assert _stored_files(_media) == []


def test_zz_report_the_upload_figures(capsys):
    """The figures of this module's run: files tried, refused and kept per upload (needs the whole module)."""
    if len(FIGURES) < 3:
        pytest.skip("run the whole module to get the figures")
    lines = ["", "upload corpus: files tried / refused / kept"]
    for upload, figures in FIGURES.items():
        lines.append(f"  {upload:<30} {figures['tried']:>3} / {figures['refused']:>3} / {figures['kept']:>3}")
    with capsys.disabled():
        print("\n".join(lines))
    bad = sum(1 for sample in CORPUS if sample.kind is None)
    assert FIGURES["Become a Customer documents"] == Counter(tried=len(CORPUS), refused=bad, kept=len(CORPUS) - bad)
    rma_good = sum(1 for sample in CORPUS if sample.kind in RMA_KINDS)
    assert FIGURES["RMA attachments"] == Counter(tried=len(CORPUS), refused=len(CORPUS) - rma_good, kept=rma_good)
    assert FIGURES["Add multiple products file"] == Counter(tried=len(CORPUS) + 2, refused=len(CORPUS), kept=2)


def test_every_download_view_answers_through_the_attachment_helper():
    # A FileResponse built anywhere else could forget nosniff or the attachment disposition.
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    skipped = {".venv", "tests", "bench", "staticfiles", "media"}
    builders = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skipped & set(path.relative_to(root).parts) and "FileResponse(" in path.read_text()
    )
    assert builders == ["storefront/uploads/__init__.py"]
