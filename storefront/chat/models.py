"""Chat support: a conversation between a customer (a visitor or a contact) and the distributor's staff.

Conversations are kept, never deleted: closing one only changes its state. The customer's name, email
and country are copied onto the conversation when it starts, and each message keeps its author's name,
so the thread reads the same after a contact or a staff user changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES


class Side(models.TextChoices):
    """Which side of the conversation wrote or did something."""

    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")


class Conversation(models.Model):
    """One chat: opened by a visitor or a contact, answered by staff from the support console."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {State.OPEN: {State.CLOSED}, State.CLOSED: set()}

    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    customer_name = models.CharField(_("name"), max_length=150)
    customer_email = models.EmailField(_("email"))
    contact = models.ForeignKey(
        "accounts.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat_conversations",
    )
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat_conversations",
    )
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now, db_index=True)
    # When the oldest customer message no agent has answered yet was written; empty once answered.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    # The id of the newest message staff have seen: customer messages after it are unread.
    staff_read_id = models.PositiveBigIntegerField(_("read by staff up to message"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_by_side = models.CharField(_("closed by side"), max_length=16, choices=Side.choices, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("chat conversation")
        verbose_name_plural = _("chat conversations")
        # Support agents: read and answer every chat from the support console. Being staff is not enough.
        permissions = [("answer_conversation", _("Can answer chat conversations"))]
        indexes = [models.Index(fields=["state", "-last_message_at"], name="chat_conv_state_activity")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_name} <{self.customer_email}>"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Message(models.Model):
    """One message of a conversation, written by the customer or by an agent."""

    conversation = models.ForeignKey(Conversation, verbose_name=_("conversation"), on_delete=models.PROTECT, related_name="messages")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author name"), max_length=150)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        indexes = [models.Index(fields=["conversation", "side", "created_at"], name="chat_msg_conv_side_time")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:60]}"
