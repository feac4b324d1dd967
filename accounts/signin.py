"""The bound on guessing: wrong passwords and codes counted per account, whatever the address, and the
way back in for the account's holder while its bound is spent (a sign-in link by email).

allauth counts failed sign-ins per client address and per login string (the user id, or the email:
two strings for one account). Neither bounds an account against guesses spread over many addresses
and both its names, so every password or authenticator code checked for an account first takes one
place in that account's own count, and gives it back when it was right. In each clock hour (10:00 to
11:00, ...) an account has at most SIGNIN_GUESSES_PER_HOUR wrong guesses checked; past that every
guess is refused unchecked, right or wrong, until the hour turns. (Around the turn of an hour, one
hour's bound spent at its end and the next one's at its start fall within sixty minutes: twice the
bound is the most any sixty minutes can see.) A name no user has is counted like an account, so it is
refused after as many guesses as a known one, and the answers tell nothing about which accounts exist.

The count is kept in the database (SignInGuesses), not in the cache: the cache answers like an empty
one while Redis is down (storefront.cache), and a bound that lapses during an outage bounds nothing.
Taking a place is one statement, an INSERT ... ON CONFLICT DO UPDATE that adds one only while the
hour's count is under the bound (and that also finds the account of a user id or email), so two
requests at once cannot both take the last place; giving it back is one UPDATE. A right password
costs those two small writes.

Anyone who knows a user id can spend an account's bound, and then the holder's right password is
refused too. The sign-in page says so and offers a sign-in link by email: it goes to the user's own
address, works once and for SIGNIN_LINK_TTL, is bound to the user and to its password hash (a new
password voids it), and leads to a page that asks for the password with SIGNIN_LINK_TRIES tries of
its own, codes of an authenticator app included. An attacker without the mailbox cannot keep the
holder out (one live link at a time: whoever asks, the link goes to the holder's mailbox, and once it
has expired the holder may ask again); one with the mailbox gets at most SIGNIN_LINK_TRIES more guesses
per SIGNIN_LINK_TTL, still needing the password (the mailbox already resets the password through Forgot your
password, so the link gives it nothing new). The link is only sent while the bound is spent, to an
active user, and the request answers the same whatever was typed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import connection, transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import SignInGuesses, SignInLink, User
from storefront.audit.services import Kind as AuditKind
from storefront.audit.services import security_event_record
from storefront.emails import email_queue
from storefront.errors import DomainError
from storefront.throttle import throttle_key, throttle_take

HOUR = 3600
# The session keys of the link: its key between the emailed URL and the password page (so the key is
# in no URL the password is posted to), then the link a sign-in went through (its codes count there).
LINK_KEY_SESSION = "signin_link_key"
LINK_GRANT_SESSION = "signin_link"


class GuessesSpent(Exception):
    """The account's guesses of the hour are spent: the guess was not checked."""


class SignInLinkError(DomainError):
    """A sign-in link refused: gone (expired, used, replaced, password changed) or a wrong password."""


@dataclass(frozen=True)
class GuessTaken:
    """One place taken in the account's count (or, past its bound, in a sign-in link's tries)."""

    key: str = ""
    hour: int = 0
    link_id: int | None = None

    def rollback(self) -> None:
        """Give the place back: the guess was right (or was never checked)."""
        if self.link_id is not None:
            SignInLink.objects.filter(pk=self.link_id, tries__gt=0).update(tries=F("tries") - 1)
        else:
            SignInGuesses.objects.filter(key=self.key, hour=self.hour, guesses__gt=0).update(guesses=F("guesses") - 1)


def _hour() -> int:
    return int(time.time()) // HOUR


def _user_key(user_id: int) -> str:
    return f"user:{user_id}"


def _login_key(login: str) -> str:
    return "login:" + hashlib.sha256(login.strip().lower().encode()).hexdigest()


def _owner_key(login: str) -> QuerySet:
    """The count key of the user named `login` (user id or email), as a one-value query."""
    return (
        User._default_manager.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .order_by("pk")
        .annotate(count_key=Concat(Value("user:"), Cast("pk", output_field=CharField())))
        .values("count_key")[:1]
    )


def _take(key_sql: str, key_params: list, hour: int) -> str | None:
    """Add one to the count of the key `key_sql` computes, unless its hour's count is at the bound;
    the key counted, or None when the bound is spent. One statement: atomic on PostgreSQL and SQLite."""
    table = connection.ops.quote_name(SignInGuesses._meta.db_table)
    # Only the table's quoted name and `key_sql` (a placeholder, or a query the ORM compiled with
    # placeholders) go into the text; every value is a parameter.
    sql = (
        f'INSERT INTO {table} ("key", "hour", "guesses") VALUES ({key_sql}, %s, 1) '  # nosec B608
        'ON CONFLICT ("key") DO UPDATE SET '
        f'"guesses" = CASE WHEN {table}."hour" = excluded."hour" THEN {table}."guesses" + 1 ELSE 1 END, '
        '"hour" = excluded."hour" '
        f'WHERE {table}."hour" <> excluded."hour" OR {table}."guesses" < %s '
        'RETURNING "key"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key_params, hour, settings.SIGNIN_GUESSES_PER_HOUR])
        row = cursor.fetchone()
    return row[0] if row else None


def signin_guess_take(*, request: HttpRequest, user: User | None = None, login: str = "") -> GuessTaken:
    """Take one place in the account's count of guesses (the user's, or the user named `login`), or
    raise GuessesSpent; the caller gives it back (`.rollback()`) when the guess was right.

    Past the bound, a session that signed in through a sign-in link takes its place in the link's
    tries instead (the code of its authenticator app, after the password)."""
    hour = _hour()
    if user is not None:
        key = _take("%s", [_user_key(user.pk)], hour)
    else:
        login = login.strip()
        owner_sql, owner_params = _owner_key(login).query.sql_with_params()
        key = _take(f"COALESCE(({owner_sql}), %s)", [*owner_params, _login_key(login)], hour)
    if key is not None:
        return GuessTaken(key=key, hour=hour)
    grant = request.session.get(LINK_GRANT_SESSION) if user is not None and hasattr(request, "session") else None
    if isinstance(grant, dict) and grant.get("user") == user.pk:
        taken = SignInLink.objects.filter(
            pk=grant.get("link"), user_id=user.pk, tries__lt=settings.SIGNIN_LINK_TRIES, expires_at__gt=timezone.now()
        ).update(tries=F("tries") + 1)
        if taken:
            return GuessTaken(link_id=grant["link"])
    raise GuessesSpent


def signin_guesses_clear(*, user: User) -> None:
    """Forget the account's wrong guesses: its holder proved itself another way (a reset link by email)."""
    SignInGuesses.objects.filter(key=_user_key(user.pk)).delete()


def signin_guesses_spent(*, user: User) -> bool:
    """Whether the account's guesses of this hour are spent (its sign-in is paused)."""
    return SignInGuesses.objects.filter(
        key=_user_key(user.pk), hour=_hour(), guesses__gte=settings.SIGNIN_GUESSES_PER_HOUR
    ).exists()


def signin_records_purge() -> int:
    """Delete the counts of past hours and the sign-in links expired over a day ago; returns how many."""
    guesses, _details = SignInGuesses.objects.filter(hour__lt=_hour() - 1).delete()
    links, _details = SignInLink.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    return guesses + links


# --- the sign-in link ----------------------------------------------------------------------------


def _link_hash(user: User, secret: str) -> str:
    # Keyed with SECRET_KEY, over the user and its password hash: another user's id, or a new password,
    # gives another hash.
    return salted_hmac("accounts.SignInLink", f"{user.pk}:{user.password}:{secret}", algorithm="sha256").hexdigest()


def _link_gone() -> SignInLinkError:
    return SignInLinkError(
        _(
            "This sign-in link cannot be used: it has expired, it was already used, "
            "or the password was changed since. Ask for a new one on the sign-in page."
        )
    )


def signin_link_request(*, login: str, client_ip: str) -> None:
    """Email a sign-in link to the user of that user id or email, when its sign-in is paused (its guesses
    of the hour spent), it is active, and no link of its own is still live (unused and unexpired);
    otherwise do nothing. The caller answers the same either way.

    SignInLinkError when this address asked too often (counted in the cache: while Redis is down the
    per-user limit alone holds)."""
    if not throttle_take(throttle_key("accounts:signin-link:ip", client_ip), settings.SIGNIN_LINK_REQUESTS_PER_IP_PER_HOUR):
        raise SignInLinkError(_("Too many sign-in links were asked for from your network in the last hour. Please try again later."))
    login = login.strip()
    if not login:
        return
    with transaction.atomic():
        # The user's row is locked so that two requests at once count each other's links.
        user = (
            User._default_manager.select_for_update()
            .filter(Q(username__iexact=login) | Q(email__iexact=login), is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None or not signin_guesses_spent(user=user):
            return
        now = timezone.now()
        # One live link at a time: while one is in the mailbox, asking again sends nothing. So whoever
        # asks (the holder, or someone spending the holder's quota) the mailbox holds a working link or
        # may ask for one, and a user gets at most one email per SIGNIN_LINK_TTL.
        if SignInLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).exists():
            return
        secret = secrets.token_urlsafe(32)
        SignInLink.objects.create(user=user, token_hash=_link_hash(user, secret), expires_at=now + settings.SIGNIN_LINK_TTL)
        key = f"{int_to_base36(user.pk)}-{secret}"
        email_queue(
            to=user.email,
            template="signin-link",
            context={
                "user": user,
                "url": f"{settings.SITE_URL.rstrip('/')}{reverse('accounts:signin-link', args=[key])}",
                "minutes": int(settings.SIGNIN_LINK_TTL.total_seconds() // 60),
            },
        )
        security_event_record(kind=AuditKind.SIGN_IN_LINK_SENT, actor=user)


def signin_link_get(*, key: str) -> SignInLink:
    """The live link of that key (from the email), with its user; SignInLinkError when it is gone."""
    uidb36, _sep, secret = (key or "").partition("-")
    try:
        user_id = base36_to_int(uidb36)
    except ValueError:
        raise _link_gone() from None
    if user_id > 2**63 - 1:  # past any primary key (and past what SQLite can compare)
        raise _link_gone()
    link = (
        SignInLink.objects.select_related("user")
        .filter(user_id=user_id, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    if (
        link is None
        or not secret
        or link.expires_at <= timezone.now()
        or link.tries >= settings.SIGNIN_LINK_TRIES
        or not link.user.is_active
        or not constant_time_compare(link.token_hash, _link_hash(link.user, secret))
    ):
        raise _link_gone()
    return link


def signin_link_use(*, link: SignInLink, password: str, request: HttpRequest) -> User:
    """Check the password typed on the link's page against the link's user, with the link's own tries;
    the user when it is right (the link is then used), SignInLinkError otherwise."""
    # A try is taken before the check, like a guess: two posts at once cannot both have the last one.
    taken = SignInLink.objects.filter(
        pk=link.pk, used_at__isnull=True, tries__lt=settings.SIGNIN_LINK_TRIES, expires_at__gt=timezone.now()
    ).update(tries=F("tries") + 1)
    if not taken:
        raise _link_gone()
    user = link.user
    if not user.check_password(password):
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
        left = settings.SIGNIN_LINK_TRIES - link.tries - 1
        if left <= 0:
            raise SignInLinkError(
                _("The password is not correct, and this link allows no more tries. Ask for a new one on the sign-in page.")
            )
        raise SignInLinkError(
            ngettext(
                "The password is not correct. This link allows one more try.",
                "The password is not correct. This link allows %(left)s more tries.",
                left,
            )
            % {"left": left},
            field="password",
        )
    if not SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise _link_gone()
    return user


def signin_link_grant(*, request: HttpRequest, link: SignInLink) -> None:
    """Remember in the session the link this sign-in went through: while the account's bound is spent,
    the code of its authenticator app counts in the link's tries (accounts.signin.signin_guess_take)."""
    request.session.pop(LINK_KEY_SESSION, None)
    request.session[LINK_GRANT_SESSION] = {"user": link.user_id, "link": link.pk}
