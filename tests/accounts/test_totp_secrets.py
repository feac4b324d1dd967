"""The authenticator app's secret at rest: stored encrypted, never as the base32 the app was given; signing in
with a code still works; a rotated SECRET_KEY keeps opening it through its fallback until
`mfa_secrets_rotate` re-encrypts it; secrets stored before encryption are encrypted by the migration."""

from __future__ import annotations

import importlib
import io
import json
import logging
import re

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.mfa_secrets import PREFIX, secret_decrypt
from tests.accounts.test_views_two_step import code_for, confirm_password, sign_in, with_totp

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("accounts.migrations.0007_encrypt_authenticator_secrets")


def _stored(contact) -> str:
    """The secret as the database holds it."""
    return Authenticator.objects.filter(user=contact.user, type=Authenticator.Type.TOTP).values_list("data", flat=True).get()["secret"]


def test_the_secret_set_up_on_the_page_is_stored_encrypted(client, contact):
    sign_in(client, "carlos")
    confirm_password(client)
    secret = re.search(r'<code id="totp-secret">(\w+)</code>', client.get(reverse("mfa_activate_totp")).content.decode()).group(1)
    assert client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)}).status_code == 302

    row = Authenticator.objects.filter(user=contact.user).values_list("data", flat=True).get()
    assert secret not in json.dumps(row) and secret.lower() not in json.dumps(row).lower()
    assert row["secret"].startswith(PREFIX) and secret_decrypt(row["secret"]) == secret


def test_signing_in_with_a_code_works_with_the_encrypted_secret(client, contact):
    secret = with_totp(contact)
    assert _stored(contact) != secret

    assert sign_in(client, "carlos")["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "Carlos" in client.get(reverse("home")).content.decode()


def test_each_secret_is_encrypted_apart(contact, admin_contact):
    # The same secret twice gives two different stored values (a fresh IV each time).
    with_totp(contact)
    with_totp(admin_contact)
    assert _stored(contact) != _stored(admin_contact)


def test_after_a_key_rotation_the_fallback_opens_the_secret_until_the_command_re_encrypts_it(client, contact, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-old-key-" + "x" * 40, []
    secret = with_totp(contact)
    before = _stored(contact)

    # The new key in SECRET_KEY, the old one in the fallbacks: the secret still opens
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-new-key-" + "y" * 40, [settings.SECRET_KEY]
    assert secret_decrypt(before) == secret

    call_command("mfa_secrets_rotate", stdout=(out := io.StringIO()))
    assert out.getvalue() == "1 authenticator(s) encrypted under the current key.\n"
    after = _stored(contact)
    assert after != before

    # Without the old key the re-encrypted secret still opens, and the contact signs in with its code
    settings.SECRET_KEY_FALLBACKS = []
    assert secret_decrypt(after) == secret
    sign_in(client, "carlos")
    assert client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})["Location"] == reverse("home")


def test_a_secret_no_key_opens_refuses_the_code_on_the_page_and_logs_why(client, contact, settings, caplog):
    settings.SECRET_KEY = "the-lost-key-" + "z" * 40
    secret = with_totp(contact)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "an-unrelated-key-" + "w" * 40, []

    sign_in(client, "carlos")
    with caplog.at_level(logging.ERROR, logger="accounts.adapter"):
        response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})

    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert any("SECRET_KEY_FALLBACKS" in record.getMessage() for record in caplog.records)
    with pytest.raises(CommandError, match=r"1 authenticator\(s\) no key opens"):
        call_command("mfa_secrets_rotate", stdout=io.StringIO())


def test_the_migration_encrypts_the_secrets_stored_in_the_clear_and_back(contact, admin_contact):
    # Given authenticators written before encryption: a TOTP secret and recovery codes
    totp = Authenticator.objects.create(user=contact.user, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    codes = Authenticator.objects.create(
        user=admin_contact.user, type="recovery_codes", data={"seed": "ab" * 40, "used_mask": 3, "migrated_codes": ["12345678"]}
    )

    MIGRATION.encrypt_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert totp.data["secret"].startswith(PREFIX) and secret_decrypt(totp.data["secret"]) == "JBSWY3DPEHPK3PXP"
    assert codes.data["seed"].startswith(PREFIX) and codes.data["used_mask"] == 3
    assert [secret_decrypt(code) for code in codes.data["migrated_codes"]] == ["12345678"]

    # Running it again leaves encrypted secrets as they are
    encrypted = totp.data["secret"]
    MIGRATION.encrypt_secrets(apps, None)
    totp.refresh_from_db()
    assert totp.data["secret"] == encrypted

    MIGRATION.decrypt_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert totp.data == {"secret": "JBSWY3DPEHPK3PXP"}
    assert codes.data == {"seed": "ab" * 40, "used_mask": 3, "migrated_codes": ["12345678"]}


def test_a_secret_still_in_the_clear_works_until_the_command_encrypts_it(client, contact):
    # A secret a web process of the previous release wrote during the deploy, after the migration ran.
    secret = "JBSWY3DPEHPK3PXP"
    Authenticator.objects.create(user=contact.user, type="totp", data={"secret": secret})
    sign_in(client, "carlos")
    assert client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})["Location"] == reverse("home")

    call_command("mfa_secrets_rotate", stdout=io.StringIO())
    assert _stored(contact).startswith(PREFIX) and secret_decrypt(_stored(contact)) == secret

