"""SecurityEvent: one row per event of the audit trail, written once and never changed or deleted.

Append-only three times over: the model refuses to save an existing row or delete one, its queryset
refuses update() and delete(), and the database refuses UPDATE and DELETE by trigger
(migrations/0002_append_only.py), so not even raw SQL or the admin can rewrite the trail.

The actor and the account are kept as ids without a foreign-key constraint: deleting a user or an account
must neither fail on its audit rows nor rewrite them (SET NULL would be an UPDATE).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of the audit trail."""


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Security events are never changed.")

    def delete(self):
        raise AppendOnlyError("Security events are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Security events are never changed.")

    # What the deletion collector uses for fast deletes.
    def _raw_delete(self, using):
        raise AppendOnlyError("Security events are never deleted.")


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        SIGN_IN_LINK_SENT = "sign_in_link_sent", _("sign-in link sent")
        SIGN_OUT = "sign_out", _("signed out")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset")
        TOTP_ENABLED = "totp_enabled", _("authenticator app added")
        TOTP_DISABLED = "totp_disabled", _("authenticator app removed")
        RECOVERY_CODES_RESET = "recovery_codes_reset", _("recovery codes renewed")
        TOTP_REQUIREMENT_CHANGED = "totp_requirement_changed", _("authenticator app requirement changed")
        CONTACT_CREATED = "contact_created", _("contact created")
        CONTACT_CHANGED = "contact_changed", _("contact changed")
        CONTACT_ACTIVATED = "contact_activated", _("contact activated")
        CONTACT_DEACTIVATED = "contact_deactivated", _("contact deactivated")
        CONTACT_REACTIVATED = "contact_reactivated", _("contact reactivated")
        EMAIL_CHANGED = "email_changed", _("email changed")
        ACCOUNT_CHANGED = "account_changed", _("account data changed")
        CREDIT_LIMIT_CHANGED = "credit_limit_changed", _("credit limit changed")
        SPECIAL_PRICE_APPROVED = "special_price_approved", _("special price approved")
        SPECIAL_PRICE_REJECTED = "special_price_rejected", _("special price rejected")
        SPECIAL_PRICE_COUNTER_OFFERED = "special_price_counter_offered", _("special price counter-offered")
        PRICE_LIST_EXPORTED = "price_list_exported", _("Price List exported")
        INVOICE_DOWNLOADED = "invoice_downloaded", _("invoice downloaded")
        STATEMENT_EXPORTED = "statement_exported", _("statement exported")

    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The actor's user id at the time: the row still says who it was if the user is renamed or deleted.
    actor_name = models.CharField(_("by (user id)"), max_length=150, blank=True)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ("-at", "-id")
        indexes = [
            models.Index(fields=["account", "-at"], name="audit_event_account_at"),
            models.Index(fields=["kind", "-at"], name="audit_event_kind_at"),
            models.Index(fields=["-at"], name="audit_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.actor_name or '-'} · {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Security events are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Security events are never deleted.")
