"""Home, health and the development outbox."""

from __future__ import annotations

from django.urls import reverse

from storefront.emails import email_store


def test_visitor_home_offers_sign_in(client, db):
    page = client.get(reverse("home")).content.decode()
    assert "Sign in" in page and "WebStore" in page


def test_store_name_is_a_setting(client, db, settings):
    settings.STORE_NAME = "PartsHub"
    assert "PartsHub" in client.get(reverse("home")).content.decode()


def test_contact_home_shows_its_account(contact_client, account):
    page = contact_client.get(reverse("home")).content.decode()
    assert account.company_name in page and account.customer_code in page


def test_healthz_reports_the_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_outbox_page_is_hidden_without_debug(client, db, settings):
    settings.DEBUG = False
    assert client.get(reverse("dev-outbox")).status_code == 404


def test_outbox_page_lists_emails_newest_first_with_links(client, db, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        email_store(to="old@b.test", subject="Older", body_text="See http://127.0.0.1:8000/x/")
        email_store(to="new@b.test", subject="Newer", body_text="Your code is 123456")
    page = client.get(reverse("dev-outbox")).content.decode()
    assert page.index("Newer") < page.index("Older")
    assert '<a href="http://127.0.0.1:8000/x/"' in page and "123456" in page


def test_every_page_sends_a_content_security_policy(client, db):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
