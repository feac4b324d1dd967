"""Every write of chat support: a customer starts a chat, either side writes and closes it, staff read it.

Each write locks the conversation's row first, so a message and a close cannot cross (no message lands
in a closed conversation) and the throttle counts every message of that side. Starting a chat is
limited per client IP and per email. Only a staff user with the chat.answer_conversation permission
(a superuser has every permission) writes as the agent. Each refusal raises ChatError with the reason
and, where it applies, the form field.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.countries import COUNTRIES
from accounts.models import Contact, User
from storefront.chat.models import Conversation, Message, Side
from storefront.errors import DomainError
from storefront.throttle import throttle_give_back, throttle_key, throttle_take
from storefront.validators import MULTILINE_ALLOWED, NoControlCharactersValidator, has_forbidden_characters

MAX_MESSAGE_LENGTH = 2000
MAX_NAME_LENGTH = 150
# Messages one side of a conversation may write within THROTTLE_WINDOW.
THROTTLE_MESSAGES = 30
THROTTLE_WINDOW = timedelta(minutes=1)
# Conversations started per hour from one client IP and for one email.
CHATS_PER_IP_PER_HOUR = 5
CHATS_PER_EMAIL_PER_HOUR = 3
# The permission that lets a staff user read and answer chats in the support console.
ANSWER_PERMISSION = "chat.answer_conversation"


class ChatError(DomainError):
    """A chat action refused, with the reason and, where it applies, the form field."""


def agent_name(user: User) -> str:
    """How a staff member is named to the customer."""
    return (user.get_full_name() or user.username)[:MAX_NAME_LENGTH]


def agent_may_answer(user: User | None) -> bool:
    """Whether the user may read and answer chats: active staff with the permission (superusers have it)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff and user.has_perm(ANSWER_PERMISSION))


def _check_agent(user: User | None) -> None:
    if not agent_may_answer(user):
        raise ChatError(_("Only the distributor's support staff can answer chats."))


def _refuse_controls(value: str, *, field: str, allowed: frozenset[str] = frozenset()) -> None:
    # The forms refuse these with the same message; this holds for any other caller too.
    if has_forbidden_characters(value, allowed=allowed):
        raise ChatError(str(NoControlCharactersValidator.message), field=field)


def _clean_text(text: str | None) -> str:
    # Browsers send line breaks as CRLF: counted as one character, as the message box counts them.
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise ChatError(_("Write a message before sending it."), field="text")
    _refuse_controls(text, field="text", allowed=MULTILINE_ALLOWED)
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ChatError(
            _("A message can be at most %(max)s characters long; yours has %(length)s.")
            % {"max": f"{MAX_MESSAGE_LENGTH:,}", "length": f"{len(text):,}"},
            field="text",
        )
    return text


def _lock(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def chat_start_throttle_take(*, email: str, client_ip: str | None) -> None:
    """Count one chat started for this email and from this IP; ChatError when either has started too many this hour."""
    email_key = throttle_key("chat:start:email", email)
    if not throttle_take(email_key, CHATS_PER_EMAIL_PER_HOUR):
        raise ChatError(
            _("%(count)d chats were started with this email address in the last hour. Continue one of them, or try again later.")
            % {"count": CHATS_PER_EMAIL_PER_HOUR},
            field="email",
        )
    if client_ip and not throttle_take(throttle_key("chat:start:ip", client_ip), CHATS_PER_IP_PER_HOUR):
        # Refused for the IP: this attempt does not count against the email either.
        throttle_give_back(email_key)
        raise ChatError(_("Too many chats were started from your network in the last hour. Please try again later."))


@transaction.atomic
def chat_start(
    *, contact: Contact | None, name: str = "", email: str = "", text: str, country: str, client_ip: str | None = None
) -> Conversation:
    """"Click to start chat": a conversation with its first message; a contact's name, email and account are its own.

    Limited per email, and for a visitor per client IP too (a contact is known; its colleagues share its office's IP).
    """
    if contact is not None:
        name, email = contact.full_name, contact.user.email
        country = contact.account.country
    else:
        name = " ".join((name or "").replace("\x00", "").split())
        email = (email or "").strip().lower()
        if not name:
            raise ChatError(_("Enter your name."), field="name")
        if len(name) > MAX_NAME_LENGTH:
            raise ChatError(_("Your name can be at most %(max)d characters long.") % {"max": MAX_NAME_LENGTH}, field="name")
        _refuse_controls(name, field="name")
        try:
            validate_email(email)
        except ValidationError:
            raise ChatError(_("Enter a valid email address."), field="email") from None
    if country not in COUNTRIES:
        raise ChatError(_("Choose your country at the top of the page."))
    text = _clean_text(text)
    # Counted only once the input is good: a typo does not spend a place.
    chat_start_throttle_take(email=email, client_ip=client_ip if contact is None else None)
    now = timezone.now()
    conversation = Conversation.objects.create(
        customer_name=name[:MAX_NAME_LENGTH],
        customer_email=email,
        contact=contact,
        account_id=contact.account_id if contact is not None else None,
        country=country,
        started_at=now,
        last_message_at=now,
        waiting_since=now,
    )
    Message.objects.create(
        conversation=conversation,
        side=Side.CUSTOMER,
        author=contact.user if contact is not None else None,
        author_name=conversation.customer_name,
        text=text,
        created_at=now,
    )
    return conversation


@transaction.atomic
def chat_post(*, conversation: Conversation, side: str, author: User | None, text: str) -> Message:
    """"Send": one message of the customer or of an agent, refused when closed, empty, too long or too fast."""
    if side not in Side.values:
        raise ChatError(_("Unknown side of the conversation."))
    if side == Side.AGENT:
        _check_agent(author)
    text = _clean_text(text)
    conversation = _lock(conversation)
    if not conversation.is_open:
        raise ChatError(_("This chat has ended: start a new chat to write to us again."))
    now = timezone.now()
    recent = Message.objects.filter(conversation=conversation, side=side, created_at__gt=now - THROTTLE_WINDOW).count()
    if recent >= THROTTLE_MESSAGES:
        raise ChatError(
            _("You are sending messages too fast: at most %(count)d a minute. Wait a moment and send it again.")
            % {"count": THROTTLE_MESSAGES},
            field="text",
        )
    if side == Side.AGENT:
        name = agent_name(author)
        conversation.waiting_since = None
    else:
        name = conversation.customer_name
        conversation.waiting_since = conversation.waiting_since or now
    message = Message.objects.create(
        conversation=conversation, side=side, author=author, author_name=name, text=text, created_at=now
    )
    conversation.last_message_at = now
    fields = ["last_message_at", "waiting_since"]
    if side == Side.AGENT:
        # An agent has seen everything up to its own reply.
        conversation.staff_read_id = message.pk
        fields.append("staff_read_id")
    conversation.save(update_fields=fields)
    return message


@transaction.atomic
def chat_close(*, conversation: Conversation, side: str, actor: User | None) -> Conversation:
    """"End chat" (the customer) or "Close conversation" (an agent): the conversation is kept, closed."""
    if side not in Side.values:
        raise ChatError(_("Unknown side of the conversation."))
    if side == Side.AGENT:
        _check_agent(actor)
    conversation = _lock(conversation)
    if Conversation.State.CLOSED not in Conversation.ALLOWED_TRANSITIONS[conversation.state]:
        raise ChatError(_("This chat has already ended."))
    conversation.state = Conversation.State.CLOSED
    conversation.closed_at = timezone.now()
    conversation.closed_by = actor if actor is not None and actor.is_authenticated else None
    conversation.closed_by_side = side
    conversation.waiting_since = None
    conversation.save(update_fields=["state", "closed_at", "closed_by", "closed_by_side", "waiting_since"])
    return conversation


def chat_mark_read(*, conversation: Conversation, user: User, up_to_id: int) -> None:
    """Staff have seen the conversation up to that message: its customer messages are no longer unread."""
    _check_agent(user)
    # One conditional UPDATE: two agents reading at once never move the mark backwards.
    Conversation.objects.filter(pk=conversation.pk, staff_read_id__lt=up_to_id).update(staff_read_id=up_to_id)
