"""The back office: accounts and contacts in the Django admin; a sales executive sees only its own."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Contact, ContactEvent, User
from storefront.models import OutboundEmail


def _sales_client(client, sales_executive):
    sales_executive.user_permissions.set(
        Permission.objects.filter(codename__in=["view_account", "change_account", "view_contact"])
    )
    client.force_login(sales_executive)
    return client


def test_back_office_lists_and_opens_accounts_and_contacts(client, back_office, admin_contact, other_contact):
    client.force_login(back_office)
    assert client.get(reverse("admin:accounts_account_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_account_change", args=[admin_contact.account_id])).status_code == 200
    page = client.get(reverse("admin:accounts_contact_changelist")).content.decode()
    assert admin_contact.user.email in page and other_contact.user.email in page
    assert client.get(reverse("admin:accounts_contact_change", args=[other_contact.pk])).status_code == 200


def test_sales_executive_sees_only_its_accounts(client, sales_executive, account, other_account, contact, other_contact):
    client = _sales_client(client, sales_executive)
    page = client.get(reverse("admin:accounts_account_changelist")).content.decode()
    assert account.customer_code in page and other_account.customer_code not in page
    assert client.get(reverse("admin:accounts_account_change", args=[other_account.pk])).status_code == 302
    contacts = client.get(reverse("admin:accounts_contact_changelist")).content.decode()
    assert contact.user.email in contacts and other_contact.user.email not in contacts


def test_sales_executive_edits_blocked_data_but_not_the_credit_limit(client, sales_executive, account):
    client = _sales_client(client, sales_executive)
    url = reverse("admin:accounts_account_change", args=[account.pk])
    response = client.post(
        url,
        {
            "company_name": "Acme Reseller SA de CV",
            "tax_id": "NEW-TAX",
            "address": "",
            "city": "",
            "phone": "",
            "blocked_fields": ["company_name", "tax_id"],
            "credit_limit": "99999999",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.company_name == "Acme Reseller SA de CV" and account.tax_id == "NEW-TAX"
    assert account.credit_limit == Decimal("500000.00")


def test_back_office_adds_users_with_an_email_and_no_case_twins(client, back_office, contact):
    client.force_login(back_office)
    url = reverse("admin:accounts_user_add")
    form = {"username": "newbie", "email": "", "password1": "Sturdy-Pass-42", "password2": "Sturdy-Pass-42", "usable_password": "true"}
    assert "This field is required." in client.post(url, form).content.decode()
    assert "Another user has this email." in client.post(url, {**form, "email": "CARLOS@acme.test"}).content.decode()
    assert client.post(url, {**form, "email": "Newbie@Acme.test"}).status_code == 302
    assert User.objects.get(username="newbie").email == "newbie@acme.test"


def test_back_office_invites_the_first_administrator_of_a_new_account(client, back_office, account):
    client.force_login(back_office)
    user = User.objects.create(username="first", email="first@acme.test", first_name="First", last_name="Admin", is_active=False)
    response = client.post(
        reverse("admin:accounts_contact_add"),
        {"user": user.pk, "account": account.pk, "position": "Owner", "telephone": "", "is_admin": "on", "can_see_prices": "on",
         "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get(user=user)
    response = client.post(reverse("admin:accounts_contact_changelist"), {"action": "send_invitation", "_selected_action": [contact.pk]}, follow=True)
    assert "Invitations sent: 1." in response.content.decode()
    assert OutboundEmail.objects.filter(to="first@acme.test", subject__contains="confirm").exists()
    assert ContactEvent.objects.filter(contact=contact, note="created in the back office", actor=back_office).exists()


def test_an_account_cannot_get_a_price_list_in_another_currency(client, back_office, account, price_lists):
    client.force_login(back_office)
    response = client.post(
        reverse("admin:accounts_account_change", args=[account.pk]),
        {
            "customer_code": account.customer_code, "company_name": account.company_name, "tax_id": account.tax_id,
            "country": "MX", "currency": "MXN", "state": "active", "credit_limit": "1000", "credit_used": "0",
            "price_list": price_lists["cop"].pk, "address": "", "city": "", "phone": "",
            "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
        },
    )
    assert "This price list is in COP; the account buys in MXN." in response.content.decode()
    account.refresh_from_db()
    assert account.price_list == price_lists["gold"]
