"""No password, code, reset key or session id in any log line: every log line of signing in, a wrong
password, a reset request, the reset from its key, and the authenticator app is captured and grepped."""

from __future__ import annotations

import logging
import re

from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils.log import AdminEmailHandler

from storefront.logfilters import redact
from storefront.models import OutboundEmail
from tests.accounts.factories import PASSWORD
from tests.accounts.test_views_two_step import code_for, confirm_password, wrong_code

NEW_PASSWORD = "Fresh-Start-42"
WRONG_PASSWORD = "Wrong-Pass-1"


def test_no_secret_reaches_a_log_line(client, contact, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    secrets: dict[str, str] = {"password": PASSWORD, "wrong password": WRONG_PASSWORD, "new password": NEW_PASSWORD}

    # Sign in, with a wrong password first
    client.post(reverse("account_login"), {"login": "carlos", "password": WRONG_PASSWORD})
    client.post(reverse("account_login"), {"login": "carlos", "password": PASSWORD})
    secrets["session id"] = client.cookies["sessionid"].value

    # Set up the authenticator app, with a wrong code first
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'<code id="totp-secret">(\w+)</code>', page).group(1)
    secrets["authenticator secret"] = secret
    bad, good = wrong_code(secret), code_for(secret)
    secrets["wrong setup code"], secrets["setup code"] = bad, good
    client.post(reverse("mfa_activate_totp"), {"code": bad})
    client.post(reverse("mfa_activate_totp"), {"code": good})
    assert Authenticator.objects.filter(user=contact.user).exists()
    client.post(reverse("account_logout"))

    # Forgot password, and the reset from its key (and a tampered key, and a key that 404s)
    client.post(reverse("account_reset_password"), {"user_id": "carlos", "email": "carlos@acme.test"})
    link = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+/)", OutboundEmail.objects.get().body_text).group(1)
    key = re.search(r"/key/[0-9a-z]+-(.+)/$", link).group(1)
    secrets["reset key"] = key
    client.get(link.replace(key, key[:-3] + "xyz"), follow=True)
    client.get(link + "extra/")
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0]
    client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # Sign in with the new password and the app's code, with a wrong code first
    client.post(reverse("account_login"), {"login": "carlos", "password": NEW_PASSWORD})
    wrong_sign_in_code, sign_in_code = wrong_code(secret), code_for(secret)
    secrets["wrong sign-in code"], secrets["sign-in code"] = wrong_sign_in_code, sign_in_code
    client.post(reverse("mfa_authenticate"), {"code": wrong_sign_in_code})
    assert client.post(reverse("mfa_authenticate"), {"code": sign_in_code}).status_code == 302
    secrets["new session id"] = client.cookies["sessionid"].value

    # An invitation link that is not valid any more answers 400: django.request logs its path
    client.get(reverse("accounts:contact-activate", args=["Sup3rSecretInvitationToken"]))
    secrets["invitation token"] = "Sup3rSecretInvitationToken"

    # Each line as a handler writes it, with the exception's traceback where there is one.
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    lines = [formatter.format(record) for record in caplog.records]
    with capsys.disabled():
        print(f"\n[logs] {len(caplog.records)} log lines captured, grepped for {len(secrets)} secrets")
    assert caplog.records, "the flow logged nothing: the test would prove nothing"
    for name, value in secrets.items():
        leaking = [line for line in lines if value in line]
        assert not leaking, f"the {name} is in a log line: {leaking[0][:300]}"


def test_redact_masks_link_keys_and_secret_query_values():
    assert redact("Not Found: /auth/password/reset/key/4-abc-def123/extra/") == "Not Found: /auth/password/reset/key/[redacted]/extra/"
    assert redact("Bad Request: /account/activate/tok3n/code/") == "Bad Request: /account/activate/[redacted]/code/"
    assert redact("GET /x/?a=1&token=s3cret&b=2") == "GET /x/?a=1&token=[redacted]&b=2"
    assert redact("GET /catalog/?q=thinkpad") == "GET /catalog/?q=thinkpad"


def test_no_logger_emails_the_request_report():
    # Django's mail_admins prints the request's path, query and headers unmasked: no logger has it.
    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger))]
    assert [logger.name for logger in loggers if any(isinstance(h, AdminEmailHandler) for h in logger.handlers)] == []


def test_a_server_error_on_a_reset_link_emails_no_one_its_key(settings, caplog):
    # Even with ADMINS set, as an operator might one day.
    settings.ADMINS, settings.DEBUG = [("Ops", "ops@distributor.test")], False
    path = "/auth/password/reset/key/4-Sup3rSecretResetKey/"
    request = RequestFactory().get(path + "?token=Sup3rSecretToken")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        logging.getLogger("django.request").error("Internal Server Error: %s", request.get_full_path(), extra={"status_code": 500, "request": request})

    assert mail.outbox == []
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert "Sup3rSecret" not in record.getMessage() and "[redacted]" in record.getMessage()

