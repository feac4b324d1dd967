from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """An email the store sends: saved with the change that causes it, delivered by a task after commit."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
