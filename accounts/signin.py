"""The bound on guessing: wrong passwords and wrong codes counted per account, whatever the address.

allauth counts failed sign-ins per client address and per login string (the user id, or the email:
two strings for one account). Neither bounds an account against guesses spread over many addresses
and both its names, so every password or authenticator code checked for an account first takes one
place in that account's own count, and gives it back when it was right. Whatever hour one looks at
(the window slides), an account has at most `ACCOUNT_RATE_LIMITS["login_failed_account"]` wrong
guesses checked; past that every guess is refused unchecked, right or wrong, until the hour has
moved on or the contact resets its password by email.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from allauth.core.internal import ratelimit

from accounts.models import User

ACTION = "login_failed_account"


class GuessesSpent(Exception):
    """The account's guesses of the hour are spent: the guess was not checked."""


def _account_key(*, user: User | None = None, login: str = "") -> str:
    """The count a guess belongs to: the account's user, or, when no user has that name, the name itself
    (so an unknown name is refused after as many guesses as a known one, and tells nothing)."""
    if user is None and login:
        login = login.strip()
        user = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).only("pk").first()
    if user is not None:
        return f"user:{user.pk}"
    return f"login:{login.strip().lower()}"


def signin_guess_take(*, request: HttpRequest, user: User | None = None, login: str = "") -> ratelimit.RateLimitUsage:
    """Take one place in the account's count of guesses, or raise GuessesSpent; the caller gives it back
    (`.rollback()`) when the guess was right."""
    usage = ratelimit.consume(
        request, app="allauth.account", action=ACTION, key=_account_key(user=user, login=login), limit_get=True
    )
    if not usage:
        raise GuessesSpent
    return usage


def signin_guesses_clear(*, request: HttpRequest, user: User) -> None:
    """Forget the account's wrong guesses: its holder proved itself another way (a reset link by email)."""
    ratelimit.clear(request, app="allauth.account", action=ACTION, key=_account_key(user=user))
