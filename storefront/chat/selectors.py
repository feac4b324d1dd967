"""Reads of chat support, each one query whatever the size of the conversation or the console."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet

from accounts.models import Contact
from storefront.chat.models import Conversation, Message, Side


def conversation_for_customer(*, pk: int, contact: Contact | None, session_ids: Iterable[int]) -> Conversation | None:
    """The conversation if the asker may see it: a contact's own, or a visitor's started in this session."""
    conversation = Conversation.objects.filter(pk=pk).first()
    if conversation is None:
        return None
    if conversation.contact_id is not None:
        if contact is not None and contact.pk == conversation.contact_id:
            return conversation
        return None
    return conversation if pk in set(session_ids) else None


def open_conversation_for_customer(*, contact: Contact | None, session_ids: Iterable[int]) -> Conversation | None:
    """The customer's open conversation, newest first, if any: "Click to start chat" leads back to it."""
    if contact is not None:
        mine = Q(contact=contact) | Q(pk__in=list(session_ids), contact__isnull=True)
    else:
        mine = Q(pk__in=list(session_ids), contact__isnull=True)
    return Conversation.objects.filter(mine, state=Conversation.State.OPEN).order_by("-last_message_at", "-id").first()


def conversation_for_console(*, pk: int) -> Conversation | None:
    """Any conversation, with its contact and account, for the support console."""
    return Conversation.objects.select_related("contact__user", "account").filter(pk=pk).first()


def messages_after(*, conversation: Conversation, after_id: int = 0) -> list[Message]:
    """The conversation's messages newer than `after_id`, oldest first."""
    return list(
        Message.objects.filter(conversation=conversation, pk__gt=after_id)
        .only("pk", "side", "author_name", "text", "created_at")
        .order_by("pk")
    )


def console_conversations() -> QuerySet[Conversation]:
    """The open conversations, newest activity first, each with its unread customer messages counted."""
    unread = Count("messages", filter=Q(messages__side=Side.CUSTOMER, messages__pk__gt=F("staff_read_id")))
    return (
        Conversation.objects.filter(state=Conversation.State.OPEN)
        .select_related("account")
        .annotate(unread=unread)
        .order_by("-last_message_at", "-id")
    )
