"""The sign-in link: asked for on the sign-in page while an account's sign-in is paused, emailed to the
user, and followed to a page that asks for the password (accounts.signin)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login

from accounts import signin
from accounts.forms import SignInLinkPasswordForm, SignInLinkRequestForm
from accounts.signin import SignInLinkError
from storefront.throttle import client_ip


def _link_invalid(request: HttpRequest, exc: SignInLinkError) -> HttpResponse:
    return render(request, "accounts/link_invalid.html", {"error": exc.message, "signin_link": True}, status=400)


@require_http_methods(["GET", "POST"])
def signin_link_request(request: HttpRequest) -> HttpResponse:
    form = SignInLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # The same answer whether or not a link was sent: the page tells no one which users exist.
            signin.signin_link_request(login=form.cleaned_data["login"], client_ip=client_ip(request))
        except SignInLinkError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("accounts:signin-link-sent")
    return render(request, "accounts/signin_link_request.html", {"form": form})


def signin_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signin_link_sent.html")


@require_GET
@never_cache
def signin_link(request: HttpRequest, key: str) -> HttpResponse:
    """The emailed URL: a live link's key moves into the session and the page without it asks for the
    password, so the key is in no URL a form is posted to (nor in a Referer or the audit trail).
    Following it spends nothing: a mail scanner that opens it uses nothing up."""
    try:
        signin.signin_link_get(key=key)
    except SignInLinkError as exc:
        return _link_invalid(request, exc)
    request.session[signin.LINK_KEY_SESSION] = key
    return redirect("accounts:signin-link-password")


@require_http_methods(["GET", "POST"])
@never_cache
def signin_link_password(request: HttpRequest) -> HttpResponse:
    try:
        link = signin.signin_link_get(key=request.session.get(signin.LINK_KEY_SESSION, ""))
    except SignInLinkError as exc:
        return _link_invalid(request, exc)
    form = SignInLinkPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signin.signin_link_use(link=link, password=form.cleaned_data["password"], request=request)
        except SignInLinkError as exc:
            if exc.field != "password":
                return _link_invalid(request, exc)
            form.add_error("password", exc.message)
        else:
            signin.signin_link_grant(request=request, link=link)
            # allauth's own sign-in from here: the authenticator app's step when the user has one, the
            # audit trail's "signed in", the redirect.
            return perform_password_login(request, {"username": user.get_username()}, Login(user=user))
    return render(request, "accounts/signin_link_password.html", {"form": form, "target": link.user})
