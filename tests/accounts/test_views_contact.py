"""The contact pages as an administrator, a contact, another account and a visitor see them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Contact
from storefront.models import OutboundEmail
from tests.accounts.factories import ContactFactory


def _contact_urls(pk: int) -> list[str]:
    return [reverse("accounts:contact-edit", args=[pk]), reverse("accounts:contact-deactivate", args=[pk])]


def _new_contact_form(**overrides) -> dict:
    data = {
        "first_name": "Nora",
        "last_name": "Nuñez",
        "email": "nora@acme.test",
        "username": "",
        "position": "Buyer",
        "telephone": "+52 55 1234",
        "permissions": ["can_see_prices", "can_order"],
    }
    data.update(overrides)
    return data


# --- who sees the contact list ---------------------------------------------------------------------


def test_administrator_sees_the_contact_list_of_its_account(admin_contact_client, contact, other_contact):
    response = admin_contact_client.get(reverse("accounts:contact-list"))
    assert response.status_code == 200
    assert contact.user.email in response.content.decode()
    assert other_contact.user.email not in response.content.decode()
    assert "NEW CONTACT" in response.content.decode()


def test_ordinary_contact_gets_no_contact_list(contact_client):
    assert contact_client.get(reverse("accounts:contact-list")).status_code == 403
    assert contact_client.get(reverse("accounts:contact-create")).status_code == 403
    assert "contact list" not in contact_client.get(reverse("accounts:account-detail")).content.decode()


def test_ordinary_contact_cannot_open_a_contact_of_its_own_account(contact_client, admin_contact):
    for url in _contact_urls(admin_contact.pk):
        assert contact_client.get(url).status_code == 403
        assert contact_client.post(url, _new_contact_form()).status_code == 403


def test_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("accounts:contact-list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_staff_without_a_contact_gets_no_contact_pages(client, sales_executive):
    client.force_login(sales_executive)
    assert client.get(reverse("accounts:contact-list")).status_code == 403


def test_every_contact_url_of_another_account_is_404(admin_contact_client, other_contact, other_admin):
    for target in (other_contact, other_admin):
        for url in _contact_urls(target.pk):
            assert admin_contact_client.get(url).status_code == 404
            assert admin_contact_client.post(url, _new_contact_form(email="x@y.test")).status_code == 404
    other_contact.refresh_from_db()
    assert other_contact.state == Contact.State.ACTIVE and other_contact.user.first_name == "Omar"


@pytest.mark.parametrize("size", [5, 50])
def test_contact_list_runs_the_same_queries_for_5_and_50_contacts(admin_contact_client, admin_contact, size, django_assert_num_queries):
    ContactFactory.create_batch(size - 1, account=admin_contact.account)
    # user with its contact and account, contact list
    with django_assert_num_queries(2):
        response = admin_contact_client.get(reverse("accounts:contact-list"))
    assert response.content.decode().count("data-contact=") == size


# --- NEW CONTACT -----------------------------------------------------------------------------------


def test_new_contact_is_saved_and_listed(admin_contact_client):
    response = admin_contact_client.post(reverse("accounts:contact-create"), _new_contact_form(), follow=True)
    page = response.content.decode()
    assert "We sent an email to nora@acme.test to confirm" in page
    assert "Awaiting confirmation" in page
    assert OutboundEmail.objects.filter(to="nora@acme.test").count() == 1


def test_new_contact_bad_input_keeps_what_was_typed(admin_contact_client):
    response = admin_contact_client.post(reverse("accounts:contact-create"), _new_contact_form(email="not-an-email", first_name=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page and "This field is required." in page
    assert 'value="not-an-email"' in page and 'value="+52 55 1234"' in page
    assert not Contact.objects.filter(position="Buyer", user__last_name="Nuñez").exists()


def test_new_contact_with_a_taken_email_says_so_on_the_form(admin_contact_client, other_contact):
    response = admin_contact_client.post(reverse("accounts:contact-create"), _new_contact_form(email=other_contact.user.email))
    assert response.status_code == 200
    assert "This email cannot be used: another user has it." in response.content.decode()
    assert not OutboundEmail.objects.exists()


# --- edit and Validate Email -----------------------------------------------------------------------


def test_edit_with_validate_email_sends_the_link_to_the_new_address(admin_contact_client, contact):
    form = _new_contact_form(first_name="Carlos", last_name="Bermudez", email="carlos.new@acme.test", action="validate_email")
    response = admin_contact_client.post(reverse("accounts:contact-edit", args=[contact.pk]), form, follow=True)
    page = response.content.decode()
    assert "awaiting validation" in page
    contact.refresh_from_db()
    assert contact.user.email == "carlos@acme.test" and contact.pending_email == "carlos.new@acme.test"
    assert OutboundEmail.objects.filter(to="carlos.new@acme.test").count() == 1

    # Validate Email again resends the link for the pending address.
    admin_contact_client.post(reverse("accounts:contact-edit", args=[contact.pk]), form)
    assert OutboundEmail.objects.filter(to="carlos.new@acme.test").count() == 2


def test_the_link_validates_the_new_email(admin_contact_client, contact, client):
    form = _new_contact_form(first_name="Carlos", email="carlos.new@acme.test", action="validate_email")
    admin_contact_client.post(reverse("accounts:contact-edit", args=[contact.pk]), form)
    link = re.search(r"http://\S+", OutboundEmail.objects.get(to="carlos.new@acme.test").body_text).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link

    assert "Validate Email" in client.get(path).content.decode()
    client.post(path)

    contact.refresh_from_db()
    assert contact.user.email == "carlos.new@acme.test"
    assert client.post(path).status_code == 400


# --- deactivate ------------------------------------------------------------------------------------


def test_deactivate_asks_for_confirmation_then_registers(admin_contact_client, contact):
    url = reverse("accounts:contact-deactivate", args=[contact.pk])
    assert "Are you sure you want to deactivate" in admin_contact_client.get(url).content.decode()
    contact.refresh_from_db()
    assert contact.state == Contact.State.ACTIVE

    response = admin_contact_client.post(url, follow=True)

    assert "The changes have been registered correctly." in response.content.decode()
    contact.refresh_from_db()
    assert contact.state == Contact.State.INACTIVE


def test_deactivation_ends_the_contacts_open_sessions(admin_contact_client, contact, contact_client):
    assert contact_client.get(reverse("accounts:account-detail")).status_code == 200
    admin_contact_client.post(reverse("accounts:contact-deactivate", args=[contact.pk]))
    response = contact_client.get(reverse("accounts:account-detail"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_administrator_cannot_deactivate_itself_through_the_page(admin_contact_client, admin_contact):
    response = admin_contact_client.post(reverse("accounts:contact-deactivate", args=[admin_contact.pk]))
    assert response.status_code == 200
    assert "You cannot deactivate yourself." in response.content.decode()
    admin_contact.refresh_from_db()
    assert admin_contact.state == Contact.State.ACTIVE


def test_deactivating_an_inactive_contact_says_why(admin_contact_client, contact):
    url = reverse("accounts:contact-deactivate", args=[contact.pk])
    admin_contact_client.post(url)
    response = admin_contact_client.post(url)
    assert response.status_code == 200 and "cannot become" in response.content.decode()


# --- the new contact's own pages -------------------------------------------------------------------


def test_an_unknown_link_gets_a_clear_page(client, db):
    for name in ("accounts:contact-confirm", "accounts:contact-activate", "accounts:contact-activate-code", "accounts:email-validate"):
        response = client.get(reverse(name, args=["not-a-token"]))
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()


def test_activation_pages_walk_to_sign_in(admin_contact_client, client):
    admin_contact_client.post(reverse("accounts:contact-create"), _new_contact_form())
    confirm_url = re.search(r"(/account/confirm/\S+/)", OutboundEmail.objects.latest("id").body_text).group(1)
    assert "confirm" in client.get(confirm_url).content.decode()
    assert "IMPORTANT! There is still one step left to finish." in client.post(confirm_url).content.decode()

    activate_url = re.search(r"(/account/activate/\S+/)", OutboundEmail.objects.latest("id").body_text).group(1)
    response = client.post(activate_url, {"email": "wrong@acme.test"})
    assert "This is not the email your administrator registered for you." in response.content.decode()
    assert 'value="wrong@acme.test"' in response.content.decode()
    code_page = client.post(activate_url, {"email": "nora@acme.test"}, follow=True)
    assert "VALIDATE CODE" in code_page.content.decode()

    code = re.search(r"\b(\d{6})\b", OutboundEmail.objects.latest("id").body_text).group(1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert "The code is not correct. 4 tries left." in client.post(f"{activate_url}code/", {"code": wrong}).content.decode()
    assert "The code has six digits." in client.post(f"{activate_url}code/", {"code": "12ab"}).content.decode()
    response = client.post(f"{activate_url}code/", {"code": code})
    assert response["Location"].endswith("/password/")

    weak = client.post(f"{activate_url}password/", {"password1": "orchidlamp77", "password2": "orchidlamp77"})
    assert "at least one capital letter" in weak.content.decode()
    done = client.post(f"{activate_url}password/", {"password1": "Orchid-Lamp-77", "password2": "Orchid-Lamp-77"}, follow=True)
    assert "Your user is active" in done.content.decode()
    assert Client().login(username="nora", password="Orchid-Lamp-77")


def test_password_step_without_a_validated_code_goes_back_to_the_code(admin_contact_client, client):
    admin_contact_client.post(reverse("accounts:contact-create"), _new_contact_form())
    confirm_url = re.search(r"(/account/confirm/\S+/)", OutboundEmail.objects.latest("id").body_text).group(1)
    client.post(confirm_url)
    activate_url = re.search(r"(/account/activate/\S+/)", OutboundEmail.objects.latest("id").body_text).group(1)
    response = client.post(f"{activate_url}password/", {"password1": "Orchid-Lamp-77", "password2": "Orchid-Lamp-77"})
    assert response.status_code == 302 and response["Location"].endswith("/code/")
    assert Contact.objects.get(user__email="nora@acme.test").state == Contact.State.AWAITING_ACTIVATION


def test_htmx_gets_the_confirmation_alone_for_the_dialog(admin_contact_client, contact):
    url = reverse("accounts:contact-deactivate", args=[contact.pk])
    response = admin_contact_client.get(url, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Are you sure you want to deactivate" in page and "<html" not in page
    assert "HX-Request" in response["Vary"]
    assert "<html" in admin_contact_client.get(url).content.decode()


def test_a_non_administrator_gets_404_for_another_accounts_contacts(contact_client, other_contact):
    for url in _contact_urls(other_contact.pk):
        assert contact_client.get(url).status_code == 404
    for name in ("accounts:contact-reactivate", "accounts:contact-invitation"):
        assert contact_client.post(reverse(name, args=[other_contact.pk])).status_code == 404


def test_allauths_email_management_is_not_reachable(contact_client):
    assert contact_client.get("/auth/email/").status_code == 404
    assert contact_client.post("/auth/email/", {"email": "mine@else.test", "action_add": ""}).status_code == 404


def test_list_offers_reactivate_and_send_again(admin_contact_client, admin_contact, contact):
    admin_contact_client.post(reverse("accounts:contact-create"), _new_contact_form())
    admin_contact_client.post(reverse("accounts:contact-deactivate", args=[contact.pk]))
    page = admin_contact_client.get(reverse("accounts:contact-list")).content.decode()
    assert "Reactivate" in page and "Send invitation again" in page

    response = admin_contact_client.post(reverse("accounts:contact-reactivate", args=[contact.pk]), follow=True)
    assert "is reactivated" in response.content.decode()
    nora = Contact.objects.get(user__email="nora@acme.test")
    response = admin_contact_client.post(reverse("accounts:contact-invitation", args=[nora.pk]), follow=True)
    assert "We sent the invitation again to nora@acme.test." in response.content.decode()
    assert OutboundEmail.objects.filter(to="nora@acme.test").count() == 2


def test_editing_a_deactivated_contact_says_why_and_saves_nothing(admin_contact_client, contact):
    admin_contact_client.post(reverse("accounts:contact-deactivate", args=[contact.pk]))
    form = _new_contact_form(first_name="Changed", email="carlos@acme.test", action="validate_email")
    response = admin_contact_client.post(reverse("accounts:contact-edit", args=[contact.pk]), form)
    assert "This contact is deactivated" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user.first_name == "Carlos" and not contact.pending_email
