"""The back office reviews registrations in the admin: documents, Approve and Reject."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import registration as services
from accounts.models import Account, Contact, ContactLink, Registration, RegistrationEvent
from accounts.registration import RegistrationData, RegistrationError
from storefront.models import OutboundEmail
from tests.accounts.factories import AccountFactory, UserFactory
from tests.accounts.test_registration import JPG, PDF, form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_registration_changelist"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def mexico(db) -> Registration:
    """A Mexican company's application with its two documents."""
    documents = {
        "fiscal_standing": SimpleUploadedFile("constancia.pdf", PDF),
        "legal_representative_id": SimpleUploadedFile("ine.jpg", JPG),
    }
    registration = services.registration_submit(data=RegistrationData(**form_data("MX")), documents=documents)
    OutboundEmail.objects.all().delete()
    return registration


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _action(client, action: str, registrations: list[Registration], **form) -> object:
    data = {"action": action, "_selected_action": [r.pk for r in registrations], "apply": "1", **form}
    return client.post(reverse(CHANGELIST), data)


# --- list and detail --------------------------------------------------------------------------------


def test_the_list_shows_country_company_state_and_submitted(client, back_office, mexico):
    client.force_login(back_office)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "Redes del Norte SA de CV" in page and "Mexico" in page and "Submitted" in page


def test_the_detail_links_each_document_for_download(client, back_office, mexico):
    client.force_login(back_office)
    page = client.get(reverse("admin:accounts_registration_change", args=[mexico.pk])).content.decode()
    for document in mexico.documents.all():
        assert reverse("admin:accounts_registration_document", args=[mexico.pk, document.pk]) in page
    assert "Certificate of fiscal standing" in page and "constancia.pdf" in page


def test_staff_download_a_document_as_an_attachment_that_is_never_sniffed(client, back_office, mexico):
    client.force_login(back_office)
    document = mexico.documents.get(kind="fiscal_standing")
    response = client.get(reverse("admin:accounts_registration_document", args=[mexico.pk, document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "constancia" not in response["Content-Disposition"]


def test_visitors_and_contacts_cannot_download_documents(client, contact, mexico):
    url = reverse("admin:accounts_registration_document", args=[mexico.pk, mexico.documents.first().pk])
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(contact.user)
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url


def test_staff_without_the_registration_permission_cannot_download(client, sales_executive, mexico):
    client.force_login(sales_executive)
    url = reverse("admin:accounts_registration_document", args=[mexico.pk, mexico.documents.first().pk])
    assert client.get(url).status_code == 403


def test_a_document_of_another_registration_is_not_found(client, back_office, mexico):
    other = services.registration_submit(data=RegistrationData(**form_data("US", email="x@y.example")), documents={})
    client.force_login(back_office)
    url = reverse("admin:accounts_registration_document", args=[other.pk, mexico.documents.first().pk])
    assert client.get(url).status_code == 404


# --- Approve -----------------------------------------------------------------------------------------


def test_approve_creates_the_account_and_its_administrator_who_gets_the_invitation(client, back_office, mexico):
    client.force_login(back_office)
    response = _action(client, "approve", [mexico], customer_code="")

    assert response.status_code == 302
    mexico.refresh_from_db()
    account = mexico.account
    assert mexico.state == Registration.State.APPROVED and mexico.decided_by == back_office and mexico.decided_at
    assert account.country == "MX" and account.currency == "MXN"
    assert (account.company_name, account.tax_id, account.city, account.phone) == (
        "Redes del Norte SA de CV", "RNO010101AB1", "Monterrey", "+52 81 5555 0000"
    )
    assert account.customer_code
    admin = Contact.objects.get(account=account)
    assert admin.is_admin and admin.state == Contact.State.AWAITING_CONFIRMATION
    assert all(getattr(admin, name) for name in Contact.PERMISSION_FIELDS)
    assert admin.user.email == "lucia@redesdelnorte.example" and admin.user.first_name == "Lucía"
    assert ContactLink.objects.filter(contact=admin, purpose=ContactLink.Purpose.CONFIRM).count() == 1
    invitation = OutboundEmail.objects.get(to="lucia@redesdelnorte.example")
    assert "/account/confirm/" in invitation.body_text
    assert RegistrationEvent.objects.filter(registration=mexico, to_state="approved", actor=back_office).count() == 1
    assert any(account.customer_code in message for message in _messages(response))


def test_approve_takes_the_customer_code_typed_by_the_back_office(back_office, mexico):
    account = services.registration_approve(actor=back_office, registration=mexico, customer_code=" mx-777 ")
    assert account.customer_code == "MX-777"


def test_approve_refuses_a_customer_code_another_account_has(client, back_office, mexico):
    AccountFactory(customer_code="MX-777")
    client.force_login(back_office)
    response = _action(client, "approve", [mexico], customer_code="mx-777")

    assert "Another account has the customer code MX-777." in " ".join(_messages(response))
    mexico.refresh_from_db()
    assert mexico.state == Registration.State.SUBMITTED and mexico.account is None
    assert Account.objects.count() == 1


def test_approve_twice_makes_one_account(client, back_office, mexico):
    client.force_login(back_office)
    _action(client, "approve", [mexico])
    response = _action(client, "approve", [mexico])

    assert "cannot become “Approved”" in " ".join(_messages(response))
    assert Account.objects.count() == 1 and Contact.objects.count() == 1
    with pytest.raises(RegistrationError):
        services.registration_approve(actor=back_office, registration=mexico)


def test_approve_refuses_when_the_email_was_taken_meanwhile(back_office, mexico):
    UserFactory(email="lucia@redesdelnorte.example")
    with pytest.raises(RegistrationError) as refused:
        services.registration_approve(actor=back_office, registration=mexico)
    assert "another user has it" in refused.value.message
    # All or nothing: no account without its administrator.
    assert Account.objects.count() == 0
    assert Registration.objects.get().state == Registration.State.SUBMITTED


def test_staff_who_may_review_approve_as_the_new_accounts_sales_executive(sales_executive, mexico):
    sales_executive.user_permissions.add(Permission.objects.get(codename="change_registration", content_type__app_label="accounts"))
    with pytest.raises(RegistrationError):
        # Neither a superuser nor the account's sales executive: the foundation's rule refuses.
        services.registration_approve(actor=sales_executive, registration=mexico)
    assert Account.objects.count() == 0
    account = services.registration_approve(actor=sales_executive, registration=mexico, sales_executive=sales_executive)
    assert account.sales_executive == sales_executive


def test_staff_without_the_permission_cannot_approve(sales_executive, mexico):
    with pytest.raises(RegistrationError) as refused:
        services.registration_approve(actor=sales_executive, registration=mexico, sales_executive=sales_executive)
    assert refused.value.message == "Only the back office can review registrations."


def test_approve_asks_first_on_an_intermediate_page(client, back_office, mexico):
    client.force_login(back_office)
    page = client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [mexico.pk]}).content.decode()
    assert "Customer code" in page and "Sales executive" in page
    assert Account.objects.count() == 0


def test_a_typed_customer_code_is_for_one_registration_only(client, back_office, mexico):
    other = services.registration_submit(data=RegistrationData(**form_data("US", email="x@y.example")), documents={})
    client.force_login(back_office)
    page = _action(client, "approve", [mexico, other], customer_code="ONE").content.decode()
    assert "Type a customer code only when approving a single registration." in page
    assert Account.objects.count() == 0


# --- Reject ------------------------------------------------------------------------------------------


def test_reject_emails_the_reason_to_the_applicant(client, back_office, mexico):
    client.force_login(back_office)
    response = _action(client, "reject", [mexico], reason="The certificate of fiscal standing has expired.")

    assert response.status_code == 302
    mexico.refresh_from_db()
    assert mexico.state == Registration.State.REJECTED and mexico.decided_by == back_office
    email = OutboundEmail.objects.get(to="lucia@redesdelnorte.example")
    assert "The certificate of fiscal standing has expired." in email.body_text
    assert Account.objects.count() == 0


def test_reject_needs_a_reason(client, back_office, mexico):
    client.force_login(back_office)
    page = _action(client, "reject", [mexico], reason="  ").content.decode()
    assert "This field is required." in page
    with pytest.raises(RegistrationError) as refused:
        services.registration_reject(actor=back_office, registration=mexico, reason=" ")
    assert refused.value.field == "reason"
    assert Registration.objects.get().state == Registration.State.SUBMITTED


def test_an_approved_registration_cannot_be_rejected(client, back_office, mexico):
    services.registration_approve(actor=back_office, registration=mexico)
    client.force_login(back_office)
    response = _action(client, "reject", [mexico], reason="Too late.")
    assert "cannot become “Rejected”" in " ".join(_messages(response))
    assert Registration.objects.get().state == Registration.State.APPROVED


def test_registrations_are_never_edited_added_or_deleted_in_the_admin(client, back_office, mexico):
    client.force_login(back_office)
    assert client.get(reverse("admin:accounts_registration_add")).status_code == 403
    url = reverse("admin:accounts_registration_change", args=[mexico.pk])
    client.post(url, {"company_name": "Changed"})
    assert Registration.objects.get().company_name == "Redes del Norte SA de CV"
