"""Chat support pages: the customer's (start, the conversation) and the staff's support console.

A conversation page shows the thread and polls every two seconds for the messages after the last one
shown; "Send" posts with htmx and gets back the same update (the new messages, the message box
emptied), or, without JavaScript, posts and is redirected to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from storefront.chat import services
from storefront.chat.forms import ContactStartForm, MessageForm, VisitorStartForm
from storefront.chat.models import Conversation, Side
from storefront.chat.permissions import (
    get_conversation_for_customer,
    get_conversation_for_staff,
    open_conversation_of,
    session_remember,
    staff_permission_required,
)
from storefront.chat.selectors import console_conversations, messages_after
from storefront.chat.services import ANSWER_PERMISSION, ChatError
from storefront.throttle import client_ip

THREAD = "chat/partials/thread.html"


def _after(request: HttpRequest) -> int | None:
    """The id of the last message the page shows (the `after` parameter); None when it is not one."""
    raw = request.GET.get("after", request.POST.get("after", "0")) or "0"
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 <= value < 2**63 else None


def _thread_context(conversation: Conversation, *, side: str, after: int = 0, form: MessageForm | None = None, error: str = "") -> dict:
    """What the thread's partials need: the messages after `after`, the addresses, the message box."""
    shown = messages_after(conversation=conversation, after_id=after)
    if side == Side.AGENT:
        urls = {
            "poll_url": reverse("chat:console-messages", args=[conversation.pk]),
            "post_url": reverse("chat:console-message-post", args=[conversation.pk]),
            "close_url": reverse("chat:console-close", args=[conversation.pk]),
        }
    else:
        urls = {
            "poll_url": reverse("chat:messages", args=[conversation.pk]),
            "post_url": reverse("chat:message-post", args=[conversation.pk]),
            "close_url": reverse("chat:end", args=[conversation.pk]),
        }
    return {
        "conversation": conversation,
        "chat_messages": shown,
        "last_id": shown[-1].pk if shown else after,
        "viewer_side": side,
        "form": form or MessageForm(),
        "error": error,
        **urls,
    }


def _updates(request: HttpRequest, context: dict, *, compose: bool) -> HttpResponse:
    """The htmx answer of a poll or a post: the new messages, the next poll, and the message box if asked."""
    response = render(request, f"{THREAD}#updates", {**context, "compose": compose or not context["conversation"].is_open})
    add_never_cache_headers(response)
    return response


def _poll(request: HttpRequest, conversation: Conversation, *, side: str) -> HttpResponse:
    """A poll: the messages after `after` (204 when none and still open); staff have now read them."""
    after = _after(request)
    if after is None:
        return HttpResponseBadRequest(_("The last message shown is not a message number."))
    context = _thread_context(conversation, side=side, after=after)
    if not context["chat_messages"] and conversation.is_open:
        # Nothing new: htmx leaves the page as it is and polls again.
        response = HttpResponse(status=204)
        add_never_cache_headers(response)
        return response
    if side == Side.AGENT and context["chat_messages"]:
        services.chat_mark_read(conversation=conversation, user=request.user, up_to_id=context["last_id"])
    return _updates(request, context, compose=False)


def _post(request: HttpRequest, conversation: Conversation, *, side: str, page: str, page_url: str) -> HttpResponse:
    """"Send" on either side: with htmx the update and a fresh box, without it a redirect or the page with the error."""
    form = MessageForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.chat_post(
                conversation=conversation,
                side=side,
                author=request.user if request.user.is_authenticated else None,
                text=form.cleaned_data["text"],
            )
        except ChatError as exc:
            error = exc.message
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if not request.htmx:
                return redirect(page_url)
            form = MessageForm(autofocus=True)
    conversation.refresh_from_db()
    if not request.htmx:
        if conversation.is_open:
            response = render(request, page, _thread_context(conversation, side=side, form=form))
            patch_vary_headers(response, ["HX-Request"])
            return response
        messages.error(request, error or _("This chat has ended."))
        return redirect(page_url)
    context = _thread_context(conversation, side=side, after=_after(request) or 0, form=form, error=error)
    if side == Side.AGENT and context["chat_messages"]:
        services.chat_mark_read(conversation=conversation, user=request.user, up_to_id=context["last_id"])
    response = _updates(request, context, compose=True)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the customer: a visitor or a signed-in contact ----------------------------------------------


@require_http_methods(["GET", "POST"])
def chat_start(request: HttpRequest) -> HttpResponse:
    """"Click to start chat": a visitor gives its name and email, a contact only its message."""
    contact = getattr(request, "contact", None)
    if contact is None and services.agent_may_answer(request.user):
        return redirect("chat:console")
    current = open_conversation_of(request)
    if current is not None:
        messages.info(request, _("You have a chat open: continue it here."))
        return redirect("chat:conversation", pk=current.pk)
    form_class = ContactStartForm if contact is not None else VisitorStartForm
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                conversation = services.chat_start(
                    contact=contact,
                    name=form.cleaned_data.get("name", ""),
                    email=form.cleaned_data.get("email", ""),
                    text=form.cleaned_data["text"],
                    country=getattr(request, "country", ""),
                    client_ip=client_ip(request),
                )
            except ChatError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                session_remember(request, conversation)
                return redirect("chat:conversation", pk=conversation.pk)
    else:
        form = form_class()
    return render(request, "chat/conversation_start.html", {"form": form, "chat_contact": contact})


@require_GET
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's conversation: the thread, the message box, "End chat"."""
    conversation = get_conversation_for_customer(request, pk)
    response = render(request, "chat/conversation_detail.html", _thread_context(conversation, side=Side.CUSTOMER))
    add_never_cache_headers(response)
    return response


@require_GET
def messages_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's page asks every two seconds for the messages after the last one it shows."""
    conversation = get_conversation_for_customer(request, pk)
    if not request.htmx:
        return redirect("chat:conversation", pk=pk)
    return _poll(request, conversation, side=Side.CUSTOMER)


@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    """"Send" on the customer's side."""
    conversation = get_conversation_for_customer(request, pk)
    return _post(
        request, conversation, side=Side.CUSTOMER, page="chat/conversation_detail.html",
        page_url=reverse("chat:conversation", args=[pk]),
    )


@require_POST
def conversation_end(request: HttpRequest, pk: int) -> HttpResponse:
    """"End chat": the customer closes the conversation, which is kept."""
    conversation = get_conversation_for_customer(request, pk)
    try:
        services.chat_close(conversation=conversation, side=Side.CUSTOMER, actor=request.user if request.user.is_authenticated else None)
    except ChatError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The chat has ended. Thank you for writing to us."))
    return redirect("chat:conversation", pk=pk)


# --- the support console: support agents (staff with the permission) -----------------------------


@staff_permission_required(ANSWER_PERMISSION)
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    """The open conversations, newest activity first; the list refreshes itself every two seconds."""
    context = {"conversations": list(console_conversations())}
    template = "chat/console_list.html#conversation-list" if request.htmx else "chat/console_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


@staff_permission_required(ANSWER_PERMISSION)
@require_GET
def console_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation in the console: the thread, the reply box, "Close conversation"."""
    conversation = get_conversation_for_staff(request, pk)
    context = _thread_context(conversation, side=Side.AGENT)
    if context["chat_messages"]:
        services.chat_mark_read(conversation=conversation, user=request.user, up_to_id=context["last_id"])
    response = render(request, "chat/console_detail.html", context)
    add_never_cache_headers(response)
    return response


@staff_permission_required(ANSWER_PERMISSION)
@require_GET
def console_messages_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """The console's conversation asks every two seconds for the customer's new messages."""
    conversation = get_conversation_for_staff(request, pk)
    if not request.htmx:
        return redirect("chat:console-conversation", pk=pk)
    return _poll(request, conversation, side=Side.AGENT)


@staff_permission_required(ANSWER_PERMISSION)
@require_POST
def console_message_post(request: HttpRequest, pk: int) -> HttpResponse:
    """"Send" in the console: the staff member answers as the agent."""
    conversation = get_conversation_for_staff(request, pk)
    return _post(
        request, conversation, side=Side.AGENT, page="chat/console_detail.html",
        page_url=reverse("chat:console-conversation", args=[pk]),
    )


@staff_permission_required(ANSWER_PERMISSION)
@require_POST
def console_close(request: HttpRequest, pk: int) -> HttpResponse:
    """"Close conversation": staff close it; it is kept and leaves the console's list."""
    conversation = get_conversation_for_staff(request, pk)
    try:
        services.chat_close(conversation=conversation, side=Side.AGENT, actor=request.user)
    except ChatError as exc:
        messages.error(request, exc.message)
        return redirect("chat:console-conversation", pk=pk)
    messages.success(request, _("Conversation #%(number)d is closed.") % {"number": conversation.pk})
    return redirect("chat:console")
