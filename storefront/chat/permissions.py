"""Who may see and write in which chat, in one place.

A visitor is tied to the conversations it started by its session; a contact to its own conversations.
Anyone else's conversation is a 404, so nobody learns it exists. The support console is for the
distributor's support agents, staff users with the chat.answer_conversation permission: a visitor is
sent to sign in, anyone else (a contact, staff without the permission) gets 403. Being staff is not
enough: a sales executive sees only its own accounts, and a chat may be another account's.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from storefront.chat.models import Conversation
from storefront.chat.selectors import conversation_for_console, conversation_for_customer, open_conversation_for_customer

View = Callable[..., HttpResponse]

# The ids of the conversations this browser started, kept in its session.
SESSION_KEY = "chat_conversations"
# A session remembers at most this many conversations (the newest).
SESSION_MAX = 20


def session_conversation_ids(request: HttpRequest) -> list[int]:
    """The conversations started in this session (whatever the session holds, only whole numbers)."""
    ids = request.session.get(SESSION_KEY, [])
    if not isinstance(ids, list):
        return []
    return [value for value in ids if isinstance(value, int)]


def session_remember(request: HttpRequest, conversation: Conversation) -> None:
    """Tie the conversation to this browser's session."""
    ids = [pk for pk in session_conversation_ids(request) if pk != conversation.pk]
    request.session[SESSION_KEY] = [*ids, conversation.pk][-SESSION_MAX:]


def get_conversation_for_customer(request: HttpRequest, pk: int) -> Conversation:
    """The asker's own conversation; 404 for anyone else's."""
    conversation = conversation_for_customer(
        pk=pk, contact=getattr(request, "contact", None), session_ids=session_conversation_ids(request)
    )
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def open_conversation_of(request: HttpRequest) -> Conversation | None:
    """The asker's open conversation, if it has one."""
    return open_conversation_for_customer(contact=getattr(request, "contact", None), session_ids=session_conversation_ids(request))


def staff_permission_required(permission: str) -> Callable[[View], View]:
    """A console page for active staff holding `permission`: visitors are sent to sign in, anyone else gets 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.is_staff and user.has_perm(permission)):
                raise PermissionDenied(f"Only staff with the {permission} permission can open this page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_conversation_for_staff(request: HttpRequest, pk: int) -> Conversation:
    """Any conversation, for a support agent (the decorator has checked who asks); 404 when there is none."""
    conversation = conversation_for_console(pk=pk)
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation
