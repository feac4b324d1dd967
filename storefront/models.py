from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


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


# The notes the code writes on events (people's own reasons are shown as typed): kept in English in
# the database, shown in the reader's language.
EVENT_NOTES = {
    "placed": _("placed"),
    "submitted": _("submitted"),
    "cancelled": _("cancelled"),
    "cancelled by the reseller": _("cancelled by the reseller"),
    "back office": _("by the back office"),
    "demo data": _("demo data"),
    "special price requested": _("special price requested"),
    "special price approved": _("special price approved"),
    "counter-offer": _("counter-offer"),
    "counter-offer accepted": _("counter-offer accepted"),
    "counter-offer declined": _("counter-offer declined"),
    "eCertificate available": _("eCertificate available"),
}
# Notes that start with a fixed phrase and end with a number or a name.
EVENT_NOTE_PREFIXES = (
    ("invoiced ", _("invoiced %s")),
    ("paid ", _("paid %s")),
    ("authorization number ", _("authorization number %s")),
    ("counter-offer declined ", _("counter-offer declined: %s")),
)


def event_note_label(note: str) -> str:
    """An event's note in the reader's language when the code wrote it, else as it was typed."""
    if note in EVENT_NOTES:
        return str(EVENT_NOTES[note])
    for prefix, label in EVENT_NOTE_PREFIXES:
        if note.startswith(prefix):
            return str(label) % note[len(prefix):]
    count, _space, unit = note.partition(" ")
    if count.isdigit() and unit == "lines":  # a quote moved from or to the cart: "3 lines"
        return ngettext("%(count)d line", "%(count)d lines", int(count)) % {"count": int(count)}
    for phrase, label in (("; replaced by ", _("%(reason)s; replaced by %(number)s")),):
        if phrase in note:
            reason, number = note.split(phrase, 1)
            return str(label) % {"reason": event_note_label(reason), "number": number}
    return note


class StateEvent(models.Model):
    """One change of state of a record (an order, an RMA): who made it, when, from which state to which.

    A subclass adds the foreign key to its record and names its states in `STATES`.
    """

    STATES: type[models.TextChoices]

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def _label(self, state: str) -> str:
        return self.STATES(state).label if state in self.STATES.values else state

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_state} → {self.to_state}" if self.at else self.to_state

    @property
    def from_label(self) -> str:
        return self._label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._label(self.to_state)

    @property
    def note_label(self) -> str:
        return event_note_label(self.note)
