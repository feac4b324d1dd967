"""Account Information and Contact information."""

from __future__ import annotations

from django.urls import reverse


def test_account_information_shows_the_contacts_own_account(contact_client, account, other_account):
    page = contact_client.get(reverse("accounts:account-detail")).content.decode()
    assert account.customer_code in page and other_account.customer_code not in page


def test_contact_updates_its_own_information(contact_client, contact):
    response = contact_client.post(
        reverse("accounts:contact-information"),
        {"section": "own", "own-first_name": "Carlos", "own-last_name": "Bermudez", "own-position": "Head buyer", "own-telephone": "+52 1"},
        follow=True,
    )
    assert "The changes have been registered correctly." in response.content.decode()
    contact.refresh_from_db()
    assert (contact.position, contact.telephone) == ("Head buyer", "+52 1")


def test_contact_information_bad_input_keeps_what_was_typed(contact_client, contact):
    response = contact_client.post(
        reverse("accounts:contact-information"),
        {"section": "own", "own-first_name": "", "own-last_name": "Bermudez", "own-position": "Head buyer", "own-telephone": "+52 1"},
    )
    page = response.content.decode()
    assert "This field is required." in page and 'value="Head buyer"' in page
    contact.refresh_from_db()
    assert contact.position == "Buyer"


def test_blocked_fields_are_read_only_and_ignored_when_posted(admin_contact_client, account):
    page = admin_contact_client.get(reverse("accounts:contact-information")).content.decode()
    assert "Blocked: only your sales executive can change it." in page
    admin_contact_client.post(
        reverse("accounts:contact-information"),
        {"section": "account", "account-company_name": "Hijacked", "account-tax_id": "X", "account-address": "Calle 1", "account-city": "Puebla", "account-phone": "1"},
    )
    account.refresh_from_db()
    assert account.company_name == "Acme Reseller" and account.city == "Puebla"


def test_ordinary_contact_cannot_change_company_details(contact_client, account):
    contact_client.post(
        reverse("accounts:contact-information"),
        {"section": "account", "account-address": "Calle 1", "account-city": "Puebla", "account-phone": "1"},
    )
    account.refresh_from_db()
    assert account.city == ""
