""""Become a Customer": the form per country, the documents checked by content, what is saved and emailed."""

from __future__ import annotations

import errno
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import registration as services
from accounts.documents import MAX_DOCUMENT_BYTES, document_sniff
from accounts.models import Registration, RegistrationDocument, RegistrationEvent
from accounts.registration import RegistrationData, RegistrationError
from storefront.country import COOKIE_NAME
from storefront.models import OutboundEmail
from tests.accounts.test_registration_documents import DOC, docx
from tests.storefront.upload_builders import jpeg, png

pytestmark = pytest.mark.django_db

URL = "accounts:become-customer"

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = png()
JPG = jpeg()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(country: str = "MX", **overrides) -> dict:
    data = {
        "country": country,
        "company_name": "Redes del Norte SA de CV",
        "tax_id": "RNO010101AB1",
        "address": "Av. Constitución 100",
        "city": "Monterrey",
        "company_phone": "+52 81 5555 0000",
        "website": "https://redesdelnorte.example",
        "first_name": "Lucía",
        "last_name": "Garza",
        "position": "Director",
        "email": "lucia@redesdelnorte.example",
        "phone": "+52 81 5555 0001",
    }
    data.update(overrides)
    return data


def mexico_files(**overrides) -> dict:
    files = {
        "document_fiscal_standing": upload("constancia.pdf", PDF),
        "document_legal_representative_id": upload("ine.jpg", JPG, "image/jpeg"),
    }
    files.update(overrides)
    return files


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post(client, data: dict, files: dict | None = None, **extra):
    return client.post(reverse(URL), {**data, **(files or {})}, **extra)


def _assert_nothing_saved(media: Path) -> None:
    assert Registration.objects.count() == 0
    assert RegistrationDocument.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert stored_files(media) == []


# --- the form per country --------------------------------------------------------------------------


def test_the_form_asks_for_the_documents_of_the_visitors_country(client):
    client.cookies[COOKIE_NAME] = "MX"
    page = client.get(reverse(URL)).content.decode()
    assert "Certificate of fiscal standing" in page
    assert "Legal Representative official ID (INE, ID Card, Passport)" in page
    assert 'name="document_fiscal_standing"' in page
    assert "Chamber of Commerce Certificate" not in page


def test_choosing_another_country_on_the_page_shows_its_documents(client):
    client.cookies[COOKIE_NAME] = "MX"
    page = client.get(reverse(URL), {"country": "CO"}).content.decode()
    assert "Chamber of Commerce Certificate" in page and "Sole Tax Registry Form (RUT)" in page
    assert 'name="document_chamber_of_commerce"' in page and 'name="document_rut"' in page
    assert "Certificate of fiscal standing" not in page


def test_an_unknown_country_on_the_page_falls_back_to_the_visitors_country(client):
    client.cookies[COOKIE_NAME] = "CL"
    page = client.get(reverse(URL), {"country": "XX"}).content.decode()
    assert "National ID Card photocopy" in page and "Sole Tax Registry Form (RUT)" in page


@pytest.mark.parametrize("country", ["US", "EC", "SV", "JM", "PA", "PE", "UY"])
def test_countries_without_documents_say_so(client, country):
    page = client.get(reverse(URL), {"country": country}).content.decode()
    assert "No documents will be requested when registering from our WebStore." in page
    assert 'type="file"' not in page


# --- happy paths -----------------------------------------------------------------------------------


def test_mexico_registration_with_its_two_documents_is_saved_and_emailed(client, media, settings):
    response = _post(client, form_data("MX"), mexico_files())

    assert response.status_code == 302 and response.url == reverse("accounts:registration-done")
    registration = Registration.objects.get()
    assert registration.state == Registration.State.SUBMITTED
    assert (registration.country, registration.company_name, registration.email) == ("MX", "Redes del Norte SA de CV", "lucia@redesdelnorte.example")
    documents = {d.kind: d for d in registration.documents.all()}
    assert set(documents) == {"fiscal_standing", "legal_representative_id"}
    assert documents["fiscal_standing"].content_type == "application/pdf"
    assert documents["legal_representative_id"].content_type == "image/jpeg"
    for document in documents.values():
        # Stored under a generated name, never the uploaded one.
        assert document.original_name in {"constancia.pdf", "ine.jpg"}
        assert document.original_name not in document.file.name
        assert (media / document.file.name).read_bytes() in {PDF, JPG}
    assert RegistrationEvent.objects.filter(registration=registration, to_state="submitted").count() == 1
    to_applicant = OutboundEmail.objects.get(to="lucia@redesdelnorte.example")
    assert "representatives will contact you" in to_applicant.body_text
    to_back_office = OutboundEmail.objects.get(to=settings.STORE_SUPPORT_EMAIL)
    assert "Redes del Norte SA de CV (Mexico)" in to_back_office.subject
    assert reverse("admin:accounts_registration_change", args=[registration.pk]) in to_back_office.body_text

    done = client.get(response.url).content.decode()
    assert "One of our representatives will contact you to validate your information" in done


def test_colombia_registration_takes_word_documents_by_their_content(client):
    files = {
        "document_chamber_of_commerce": upload("camara.docx", docx(), "application/octet-stream"),
        "document_rut": upload("rut.doc", DOC, "application/octet-stream"),
    }
    response = _post(client, form_data("CO", company_name="Andina Tech SAS", email="pedro@andina.example"), files)

    assert response.status_code == 302
    documents = {d.kind: d for d in Registration.objects.get().documents.all()}
    assert documents["chamber_of_commerce"].content_type.endswith("wordprocessingml.document")
    assert documents["chamber_of_commerce"].stored_name.endswith(".docx")
    assert documents["rut"].content_type == "application/msword" and documents["rut"].stored_name.endswith(".doc")


def test_miami_registration_needs_no_documents(client, media):
    response = _post(client, form_data("US", email="joe@miami-it.example"))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.country == "US" and registration.documents.count() == 0
    assert stored_files(media) == []


def test_a_png_named_pdf_is_accepted_and_stored_as_png(client, media):
    response = _post(client, form_data("MX"), mexico_files(document_fiscal_standing=upload("scan.pdf", PNG)))

    assert response.status_code == 302
    document = RegistrationDocument.objects.get(kind="fiscal_standing")
    assert document.content_type == "image/png"
    # The name is kept as a label only, ending with what the content is.
    assert document.stored_name.endswith(".png") and document.original_name == "scan.pdf.png"


def test_a_file_of_exactly_1_mb_is_accepted(client):
    exactly = PDF + b"\x00" * (MAX_DOCUMENT_BYTES - len(PDF))
    response = _post(client, form_data("MX"), mexico_files(document_fiscal_standing=upload("big.pdf", exactly)))
    assert response.status_code == 302
    assert RegistrationDocument.objects.get(kind="fiscal_standing").size == MAX_DOCUMENT_BYTES


# --- refusals: the message next to the input, the typed values kept, nothing saved ---------------


def test_a_file_one_byte_over_1_mb_is_refused(client, media):
    too_big = PDF + b"\x00" * (MAX_DOCUMENT_BYTES + 1 - len(PDF))
    response = _post(client, form_data("MX"), mexico_files(document_fiscal_standing=upload("big.pdf", too_big)))

    assert response.status_code == 200
    assert response.context["form"].errors["document_fiscal_standing"] == ["Certificate of fiscal standing is larger than 1 MB."]
    _assert_nothing_saved(media)


def test_an_executable_renamed_pdf_is_refused(client, media):
    response = _post(client, form_data("MX"), mexico_files(document_legal_representative_id=upload("ine.pdf", EXE)))

    assert response.context["form"].errors["document_legal_representative_id"] == [
        "Legal Representative official ID (INE, ID Card, Passport) is not a PDF, JPG, Word or PNG file."
    ]
    _assert_nothing_saved(media)


def test_a_zip_that_is_not_a_word_document_is_refused(client, media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "hello")
    response = _post(client, form_data("MX"), mexico_files(document_fiscal_standing=upload("x.docx", buffer.getvalue())))

    assert "Certificate of fiscal standing is not a PDF, JPG, Word or PNG file." in response.content.decode()
    _assert_nothing_saved(media)


def test_every_refused_file_gets_its_own_message_at_once(client, media):
    files = {
        "document_fiscal_standing": upload("big.pdf", PDF + b"\x00" * MAX_DOCUMENT_BYTES),
        "document_legal_representative_id": upload("ine.pdf", EXE),
    }
    errors = _post(client, form_data("MX"), files).context["form"].errors
    assert errors["document_fiscal_standing"] == ["Certificate of fiscal standing is larger than 1 MB."]
    assert errors["document_legal_representative_id"] == [
        "Legal Representative official ID (INE, ID Card, Passport) is not a PDF, JPG, Word or PNG file."
    ]
    _assert_nothing_saved(media)


def test_a_missing_required_document_is_refused(client, media):
    files = mexico_files()
    del files["document_legal_representative_id"]
    response = _post(client, form_data("MX"), files)

    assert response.context["form"].errors["document_legal_representative_id"] == [
        "Attach the Legal Representative official ID (INE, ID Card, Passport)."
    ]
    _assert_nothing_saved(media)


def test_a_refused_form_keeps_what_was_typed_and_asks_for_the_files_again(client, media):
    response = _post(client, form_data("MX", company_name="Redes & Co"), mexico_files(document_fiscal_standing=upload("x.pdf", EXE)))

    page = response.content.decode()
    assert 'value="Redes &amp; Co"' in page
    assert 'value="lucia@redesdelnorte.example"' in page
    assert 'value="Av. Constitución 100"' in page
    assert "the files must be chosen again" in page
    _assert_nothing_saved(media)


def test_a_missing_company_field_is_refused(client, media):
    response = _post(client, form_data("US", tax_id=""))
    assert response.context["form"].errors["tax_id"] == ["This field is required."]
    _assert_nothing_saved(media)


# --- a known email: the same answer as a new one, nothing saved, its owner told by email ------------


def _answer(client, response) -> tuple[int, str, str]:
    """What the applicant sees: the redirect and the page it leads to."""
    page = client.get(response.url).content.decode()
    # The CSRF tokens are masked afresh on every page, and each page has its own CSP nonce: everything
    # else must be the same.
    return response.status_code, response.url, re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+', r"\1", page)


def _applications_and_files(media: Path) -> tuple[int, int, list[Path]]:
    return Registration.objects.count(), RegistrationDocument.objects.count(), stored_files(media)


def test_an_email_of_a_user_gets_the_answer_of_a_new_application_and_saves_nothing(client, media, contact, settings):
    new = _answer(client, _post(client, form_data("MX"), mexico_files()))
    saved = _applications_and_files(media)
    OutboundEmail.objects.all().delete()

    known = _answer(client, _post(client, form_data("MX", email=contact.user.email.upper()), mexico_files()))

    assert known == new
    assert _applications_and_files(media) == saved
    email = OutboundEmail.objects.get()
    assert email.to == "carlos@acme.test"
    assert email.subject == "WebStore: your email is already registered with us"
    assert "We did not save it, because this email is already registered with us." in email.body_text
    assert f"{settings.SITE_URL.rstrip('/')}{reverse('account_login')}" in email.body_text
    assert reverse("account_reset_password") in email.body_text and reverse("accounts:request-access") in email.body_text
    assert "under review" not in email.body_text


def test_an_email_with_an_open_application_gets_the_same_answer_and_is_told_to_wait(client, media):
    first = _answer(client, _post(client, form_data("US")))
    OutboundEmail.objects.all().delete()

    again = _answer(client, _post(client, form_data("US", company_name="Another Name Inc")))

    assert again == first
    assert Registration.objects.count() == 1
    email = OutboundEmail.objects.get()
    assert email.to == "lucia@redesdelnorte.example"
    assert "This email already has an application under review. There is no need to apply again" in email.body_text
    assert email.body_html and "under review" in email.body_html
    assert "sign in" not in email.body_text.lower()


def test_the_email_to_a_known_address_carries_nothing_the_sender_typed(client, contact):
    data = form_data("US", email=contact.user.email, company_name="Pay at evil.example", first_name="Urgent", last_name="Call 555")
    _post(client, data)

    email = OutboundEmail.objects.get()
    for typed in ("evil.example", "Urgent", "Call 555"):
        assert typed not in email.subject and typed not in email.body_text and typed not in email.body_html


def test_a_rejected_applicant_may_apply_again(client, back_office):
    assert _post(client, form_data("US")).status_code == 302
    services.registration_reject(actor=back_office, registration=Registration.objects.get(), reason="Incomplete.")
    OutboundEmail.objects.all().delete()

    assert _post(client, form_data("US")).status_code == 302

    assert Registration.objects.count() == 2
    assert OutboundEmail.objects.filter(subject__contains="already registered").count() == 0


def test_a_known_email_with_a_refused_file_gets_the_refusal_as_a_new_one_would(client, media, contact):
    files = mexico_files(document_legal_representative_id=upload("ine.pdf", EXE))
    new = _post(client, form_data("MX"), files).context["form"].errors
    known = _post(client, form_data("MX", email=contact.user.email), mexico_files(document_legal_representative_id=upload("ine.pdf", EXE)))

    assert known.status_code == 200 and known.context["form"].errors == new
    _assert_nothing_saved(media)


def test_a_known_email_is_written_to_a_few_times_an_hour_at_most(client, contact):
    for n in range(services.REGISTRATION_EXISTS_EMAILS_PER_HOUR + 1):
        response = _post(client, form_data("US", email=contact.user.email), REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 302 and response.url == reverse("accounts:registration-done")
    assert OutboundEmail.objects.filter(to=contact.user.email).count() == services.REGISTRATION_EXISTS_EMAILS_PER_HOUR


def test_a_known_email_counts_against_the_networks_applications(client, contact):
    for _n in range(services.REGISTRATIONS_PER_IP_PER_HOUR):
        _post(client, form_data("US", email=contact.user.email))
    response = _post(client, form_data("US", email="new@example.test"))
    assert "Too many applications were sent from your network" in response.content.decode()


def test_the_same_email_applying_meanwhile_is_answered_as_known(media, monkeypatch):
    # The other request's row lands between the look-up and the insert: the constraint refuses ours.
    services.registration_submit(data=_data(country="US"), documents={})
    OutboundEmail.objects.all().delete()
    monkeypatch.setattr(services, "_email_known", lambda email: None)

    assert services.registration_submit(data=_data(country="US"), documents={}) is None

    assert Registration.objects.count() == 1
    assert "application under review" in OutboundEmail.objects.get(to="pedro@andina.example").body_text


def test_the_email_to_a_known_address_is_sent_only_after_commit(contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.registration_submit(data=_data(country="US", email=contact.user.email), documents={}) is None
    assert len(callbacks) == 1
    assert OutboundEmail.objects.get().to == contact.user.email


def test_the_email_to_a_known_address_is_in_the_applicants_language(contact):
    services.registration_submit(data=_data(country="US", email=contact.user.email, language="es"), documents={})

    email = OutboundEmail.objects.get()
    assert email.subject == "WebStore: su correo electrónico ya está registrado con nosotros"
    assert "Este correo electrónico ya tiene un usuario en la WebStore." in email.body_text
    assert ">Solicitar acceso</a>" in email.body_html


# --- a disk that fails while the documents are stored ----------------------------------------------


@pytest.fixture
def failing_disk(monkeypatch):
    """The storage writes part of the n-th file, then fails as a full disk does."""
    real_save = FileSystemStorage._save
    state = {"saves": 0, "fail_on": 2}

    def save(storage, name, content):
        state["saves"] += 1
        if state["saves"] == state["fail_on"]:
            path = Path(storage.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4 half")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return state


@pytest.mark.parametrize("fail_on", [1, 2])
def test_a_disk_error_leaves_nothing_and_shows_a_message_with_the_typed_values_kept(client, media, failing_disk, fail_on):
    failing_disk["fail_on"] = fail_on

    response = _post(client, form_data("MX", company_name="Redes & Co"), mexico_files())

    assert response.status_code == 200
    page = response.content.decode()
    assert "We could not store your documents because of a problem on our side, so nothing was saved." in page
    assert "Please correct the fields marked below." not in page
    assert "the files must be chosen again" in page
    assert 'value="Redes &amp; Co"' in page and 'value="lucia@redesdelnorte.example"' in page
    _assert_nothing_saved(media)
    assert RegistrationEvent.objects.count() == 0


def test_a_disk_error_is_a_registration_error_of_the_service(media, failing_disk):
    documents = {"chamber_of_commerce": upload("c.pdf", PDF), "rut": upload("r.png", PNG)}
    with pytest.raises(RegistrationError) as refused:
        services.registration_submit(data=_data(), documents=documents)
    assert refused.value.field is None
    _assert_nothing_saved(media)


def test_after_a_disk_error_the_same_application_can_be_sent_again(client, media, failing_disk):
    _post(client, form_data("MX"), mexico_files())
    failing_disk["fail_on"] = 0

    response = _post(client, form_data("MX"), mexico_files())

    assert response.status_code == 302
    assert Registration.objects.count() == 1 and len(stored_files(media)) == 2


def test_the_country_of_the_form_decides_the_documents_asked(client, media):
    # The page showed Miami's form (no documents); posted as Mexico it needs Mexico's documents.
    response = _post(client, form_data("MX"))
    assert set(response.context["form"].errors) == {"document_fiscal_standing", "document_legal_representative_id"}
    _assert_nothing_saved(media)


def test_submissions_are_throttled_per_ip(client):
    for n in range(services.REGISTRATIONS_PER_IP_PER_HOUR):
        assert _post(client, form_data("US", email=f"a{n}@example.test")).status_code == 302
    response = _post(client, form_data("US", email="one-more@example.test"))
    assert response.status_code == 200
    assert "Too many applications were sent from your network" in response.content.decode()
    assert Registration.objects.count() == services.REGISTRATIONS_PER_IP_PER_HOUR
    # Another network is not held back.
    assert _post(client, form_data("US", email="other@example.test"), REMOTE_ADDR="10.9.8.7").status_code == 302


# --- the service on its own -------------------------------------------------------------------------


def _data(country: str = "CO", **overrides) -> RegistrationData:
    return RegistrationData(**form_data(country, **{"email": "pedro@andina.example", **overrides}))


def test_files_written_before_a_failure_are_removed(media, monkeypatch):
    def broken_mail(registration):
        raise RuntimeError("the template engine failed")

    monkeypatch.setattr(services, "_registration_emails", broken_mail)
    documents = {"chamber_of_commerce": upload("c.pdf", PDF), "rut": upload("r.png", PNG)}
    with pytest.raises(RuntimeError):
        services.registration_submit(data=_data(), documents=documents)
    _assert_nothing_saved(media)


def test_the_service_checks_the_documents_itself(media):
    with pytest.raises(RegistrationError) as refused:
        services.registration_submit(data=_data(), documents={"chamber_of_commerce": upload("c.pdf", PDF), "rut": upload("r.pdf", EXE)})
    assert refused.value.field == "document_rut"
    _assert_nothing_saved(media)


def test_the_service_refuses_an_unknown_country(media):
    with pytest.raises(RegistrationError) as refused:
        services.registration_submit(data=_data(country="ZZ"), documents={})
    assert refused.value.field == "country"


def test_sniffing_reads_content_not_names():
    assert document_sniff(io.BytesIO(PDF)) == ("application/pdf", "pdf")
    assert document_sniff(io.BytesIO(JPG)) == ("image/jpeg", "jpg")
    assert document_sniff(io.BytesIO(PNG)) == ("image/png", "png")
    assert document_sniff(io.BytesIO(DOC)) == ("application/msword", "doc")
    assert document_sniff(io.BytesIO(docx()))[1] == "docx"
    assert document_sniff(io.BytesIO(EXE)) is None
    assert document_sniff(io.BytesIO(b"PK\x03\x04broken")) is None


def test_the_page_answers_in_spanish_too(client):
    client.cookies["django_language"] = "es"
    response = client.get(reverse(URL), {"country": "CO"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200 and 'lang="es"' in response.content.decode()


def test_an_unknown_posted_country_is_shown_as_an_error(client, media):
    response = _post(client, form_data("ZZ"))
    assert response.status_code == 200
    assert "Country: Select a valid choice." in response.content.decode()
    _assert_nothing_saved(media)


def test_the_emails_are_stored_with_the_registration_and_sent_only_after_commit(django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = services.registration_submit(data=_data(country="US"), documents={})
        assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 2
    assert len(callbacks) == 2
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted([registration.email, settings.STORE_SUPPORT_EMAIL])
