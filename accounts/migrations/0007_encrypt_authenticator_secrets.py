"""The authenticator secrets stored in the clear before accounts.mfa_secrets, encrypted (and decrypted
again when migrating back)."""

from django.db import migrations

from accounts.mfa_secrets import authenticator_data_map, is_encrypted, secret_decrypt, secret_encrypt


def _convert(apps, convert) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
        data = authenticator_data_map(authenticator.type, authenticator.data, convert)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor) -> None:
    _convert(apps, lambda value: value if is_encrypted(value) else secret_encrypt(value))


def decrypt_secrets(apps, schema_editor) -> None:
    _convert(apps, secret_decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_signin_guesses_and_links"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
