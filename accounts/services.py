"""Every write of the accounts domain: contacts, their lifecycle, and the account's own data.

Each state change of a contact goes through `_contact_transition`, which locks the row, checks the move
against Contact.ALLOWED_TRANSITIONS, saves and writes a ContactEvent. Emails are stored in the same
transaction and delivered after commit (storefront.emails).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from allauth.account.models import EmailAddress

from accounts.models import Account, Contact, ContactEvent, ContactLink, User, VerificationCode
from storefront.audit.services import Kind as AuditKind
from storefront.audit.services import security_event_record
from storefront.emails import email_queue
from storefront.errors import DomainError


class ContactError(DomainError):
    """A contact action refused, with a message for the person and, where it applies, the form field."""


@dataclass(frozen=True)
class ContactData:
    first_name: str
    last_name: str
    email: str
    position: str = ""
    telephone: str = ""
    is_admin: bool = False
    permissions: frozenset[str] = frozenset()


# --- links and codes ------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_create(*, contact: Contact, purpose: str, email: str = "") -> str:
    """Store a new single-use link (its hash only) and return the token that goes in the email."""
    ContactLink.objects.filter(contact=contact, purpose=purpose, used_at__isnull=True).update(used_at=timezone.now())
    token = secrets.token_urlsafe(32)
    ContactLink.objects.create(
        contact=contact,
        purpose=purpose,
        token_hash=_token_hash(token),
        email=email,
        expires_at=timezone.now() + settings.CONTACT_LINK_TTL,
    )
    return token


def contact_link_get(*, token: str, purpose: str, lock: bool = False) -> ContactLink:
    """The unused, unexpired link of that token and purpose, or ContactError."""
    links = ContactLink.objects.select_related("contact__user", "contact__account")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=_token_hash(token or ""), purpose=purpose).first()
    if link is None:
        raise ContactError(_("This link is not valid. Ask your account administrator for a new one."))
    if link.used_at is not None:
        raise ContactError(_("This link has already been used."))
    if link.expires_at <= timezone.now():
        raise ContactError(_("This link has expired. Ask your account administrator for a new one."))
    return link


def _code_hash(contact_id: int, code: str) -> str:
    return salted_hmac("accounts.VerificationCode", f"{contact_id}:{code}", algorithm="sha256").hexdigest()


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# --- who may act, under lock ---------------------------------------------------------------------

Actor = Contact | User


def _lock(*contacts: Contact) -> dict[int, Contact]:
    """Lock the contacts' rows in primary-key order, so two administrators acting on each other
    never deadlock, and return them fresh."""
    pks = sorted({c.pk for c in contacts})
    rows = Contact.objects.select_for_update(of=("self",)).select_related("user", "account").filter(pk__in=pks).order_by("pk")
    return {row.pk: row for row in rows}


def _authorize(actor: Actor, account: Account, *, locked: dict[int, Contact] | None = None) -> User:
    """The user acting, if it may manage this account's contacts: an active administrator of the
    account (checked on its locked, current row) or distributor staff in charge of the account."""
    if isinstance(actor, Contact):
        current = (locked or {}).get(actor.pk) or _lock(actor)[actor.pk]
        if not (current.is_admin and current.is_active and current.account_id == account.pk):
            raise ContactError(_("Only an administrator of this account can manage its contacts."))
        return current.user
    if actor.is_active and actor.is_staff and (actor.is_superuser or account.sales_executive_id == actor.pk):
        return actor
    raise ContactError(_("Only an administrator of this account can manage its contacts."))


# --- state changes --------------------------------------------------------------------------------


def _contact_transition(*, contact: Contact, to_state: str, actor: User | None, note: str = "") -> Contact:
    """Check the move on the locked row, save it and record who made it."""
    locked = Contact.objects.select_for_update(of=("self",)).get(pk=contact.pk)
    if to_state not in Contact.ALLOWED_TRANSITIONS[locked.state]:
        raise ContactError(
            _("A contact in state “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_state_display(), "to": Contact.State(to_state).label}
        )
    from_state = locked.state
    locked.state = to_state
    locked.save(update_fields=["state"])
    ContactEvent.objects.create(contact=locked, actor=actor, from_state=from_state, to_state=to_state, note=note)
    contact.state = to_state
    return locked


def _event(contact: Contact, actor: User | None, note: str) -> None:
    ContactEvent.objects.create(contact=contact, actor=actor, from_state=contact.state, to_state=contact.state, note=note[:255])


def _rights(contact: Contact) -> dict[str, Any]:
    """What a contact may do, as the audit trail keeps it before and after a change."""
    return {"is_admin": contact.is_admin, "permissions": sorted(n for n in Contact.PERMISSION_FIELDS if getattr(contact, n))}


def _audit(kind: str, *, actor: User | None, contact: Contact, **detail: Any) -> None:
    security_event_record(
        kind=kind, actor=actor, account=contact.account_id, detail={"contact": contact.pk, "user": contact.user.username, **detail}
    )


def _check_email_free(email: str, *, field: str = "email", exclude_user: int | None = None) -> None:
    """No other user has this email, nor is validating it with a live link."""
    users = User.objects.filter(email__iexact=email)
    pending = ContactLink.objects.filter(
        purpose=ContactLink.Purpose.VALIDATE_EMAIL, email__iexact=email, used_at__isnull=True, expires_at__gt=timezone.now()
    )
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user)
        pending = pending.exclude(contact__user_id=exclude_user)
        addresses = addresses.exclude(user_id=exclude_user)
    if users.exists() or pending.exists() or addresses.exists():
        raise ContactError(_("This email cannot be used: another user has it."), field=field)


def _username_for(email: str) -> str:
    """A user id made from the email's local part, with only the characters user ids allow."""
    base = re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0])[:140] or "contact"
    candidate = base
    n = 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _send_invitation(contact: Contact, *, inviter: str) -> None:
    """The confirm email (awaiting confirmation) or the ACTIVATE USER email (awaiting activation)."""
    if contact.state == Contact.State.AWAITING_CONFIRMATION:
        token = _link_create(contact=contact, purpose=ContactLink.Purpose.CONFIRM)
        email_queue(
            to=contact.user.email,
            template="contact-confirm",
            context={
                "contact": contact,
                "account": contact.account,
                "admin_name": inviter,
                "url": _absolute(reverse("accounts:contact-confirm", args=[token])),
            },
        )
    elif contact.state == Contact.State.AWAITING_ACTIVATION:
        token = _link_create(contact=contact, purpose=ContactLink.Purpose.ACTIVATE)
        email_queue(
            to=contact.user.email,
            template="contact-activate",
            context={"contact": contact, "url": _absolute(reverse("accounts:contact-activate", args=[token]))},
        )
    else:
        raise ContactError(_("This contact is not waiting for an invitation."))


def _actor_name(actor: Actor) -> str:
    return actor.full_name if isinstance(actor, Contact) else (actor.get_full_name() or actor.username)


@transaction.atomic
def contact_create(*, actor: Actor, account: Account, data: ContactData, username: str = "") -> Contact:
    """NEW CONTACT: store the contact, awaiting confirmation, and email it the confirmation link."""
    actor_user = _authorize(actor, account)
    email = data.email.strip().lower()
    _check_email_free(email)
    username = username.strip() or _username_for(email)
    if User.objects.filter(username__iexact=username).exists():
        raise ContactError(_("This user id is taken; choose another."), field="username")
    try:
        with transaction.atomic():
            user = User(username=username, email=email, first_name=data.first_name.strip(), last_name=data.last_name.strip(), is_active=False)
            user.set_unusable_password()
            user.save()
    except IntegrityError:
        raise ContactError(_("This email cannot be used: another user has it."), field="email") from None
    contact = Contact.objects.create(
        user=user,
        account=account,
        position=data.position.strip(),
        telephone=data.telephone.strip(),
        is_admin=data.is_admin,
        **{name: name in data.permissions for name in Contact.PERMISSION_FIELDS},
    )
    ContactEvent.objects.create(contact=contact, actor=actor_user, to_state=contact.state, note="created")
    _audit(AuditKind.CONTACT_CREATED, actor=actor_user, contact=contact, email=email, **_rights(contact))
    _send_invitation(contact, inviter=_actor_name(actor))
    return contact


@transaction.atomic
def contact_invitation_resend(*, actor: Actor, contact: Contact) -> Contact:
    """Send again the email the contact needs next (confirm, or ACTIVATE USER), with a fresh link."""
    locked = _lock(contact, *([actor] if isinstance(actor, Contact) else []))
    target = locked[contact.pk]
    actor_user = _authorize(actor, target.account, locked=locked)
    _send_invitation(target, inviter=_actor_name(actor))
    _event(target, actor_user, "invitation sent again")
    return target


@transaction.atomic
def contact_confirm(*, token: str) -> Contact:
    """The new contact clicked "confirm": it now awaits activation and gets the ACTIVATE USER email."""
    link = contact_link_get(token=token, purpose=ContactLink.Purpose.CONFIRM, lock=True)
    contact = link.contact
    current = Contact.objects.select_for_update(of=("self",)).values_list("state", flat=True).get(pk=contact.pk)
    if current != Contact.State.AWAITING_CONFIRMATION:
        # The map lets "inactive" move to "awaiting activation" too, but only by an administrator's
        # reactivation: a confirm link never brings back a deactivated contact (read locked, so a
        # deactivation committing meanwhile is seen).
        raise ContactError(_("This link is not valid. Ask your account administrator for a new one."))
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    _contact_transition(
        contact=contact, to_state=Contact.State.AWAITING_ACTIVATION, actor=contact.user, note="confirmed"
    )
    activate_token = _link_create(contact=contact, purpose=ContactLink.Purpose.ACTIVATE)
    email_queue(
        to=contact.user.email,
        template="contact-activate",
        context={"contact": contact, "url": _absolute(reverse("accounts:contact-activate", args=[activate_token]))},
    )
    return contact


@transaction.atomic
def contact_code_send(*, token: str, email: str) -> VerificationCode:
    """ACTIVATE USER, first step: email a six-digit code to the contact's own address."""
    link = contact_link_get(token=token, purpose=ContactLink.Purpose.ACTIVATE, lock=True)
    contact = link.contact
    if contact.state != Contact.State.AWAITING_ACTIVATION:
        raise ContactError(_("This user cannot be activated."))
    if email.strip().lower() != contact.user.email:
        raise ContactError(_("This is not the email your administrator registered for you."), field="email")
    now = timezone.now()
    sent_last_hour = VerificationCode.objects.filter(contact=contact, created_at__gte=now - timedelta(hours=1)).count()
    if sent_last_hour >= settings.VERIFICATION_CODE_SENDS_PER_HOUR:
        raise ContactError(_("Too many codes were sent in the last hour. Try again later."), field="email")
    VerificationCode.objects.filter(contact=contact, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    verification = VerificationCode.objects.create(
        contact=contact, code_hash=_code_hash(contact.pk, code), expires_at=now + settings.VERIFICATION_CODE_TTL
    )
    minutes = int(settings.VERIFICATION_CODE_TTL.total_seconds() // 60)
    email_queue(to=contact.user.email, template="contact-code", context={"contact": contact, "code": code, "minutes": minutes})
    return verification


def contact_code_validate(*, token: str, code: str) -> VerificationCode:
    """VALIDATE CODE: check the latest code; a wrong one counts a try, and the fifth wrong try ends the code."""
    with transaction.atomic():
        link = contact_link_get(token=token, purpose=ContactLink.Purpose.ACTIVATE, lock=True)
        verification = (
            VerificationCode.objects.select_for_update()
            .filter(contact=link.contact, used_at__isnull=True, verified_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if verification is None:
            raise ContactError(_("Ask for a new code first."), field="code")
        if verification.expires_at <= timezone.now():
            raise ContactError(_("This code has expired. Ask for a new code."), field="code")
        if verification.tries >= settings.VERIFICATION_CODE_MAX_TRIES:
            raise ContactError(_("Too many wrong tries for this code. Ask for a new code."), field="code")
        if constant_time_compare(verification.code_hash, _code_hash(link.contact_id, (code or "").strip())):
            verification.verified_at = timezone.now()
            verification.save(update_fields=["verified_at"])
            return verification
        # The wrong try must be counted even though the call fails, so it is saved before raising.
        verification.tries += 1
        verification.save(update_fields=["tries"])
        left = settings.VERIFICATION_CODE_MAX_TRIES - verification.tries
    if left <= 0:
        raise ContactError(_("Too many wrong tries for this code. Ask for a new code."), field="code")
    raise ContactError(_("The code is not correct. %(left)d tries left.") % {"left": left}, field="code")


@transaction.atomic
def contact_activate(*, token: str, verification_id: int | None, password: str) -> Contact:
    """Last step: with a validated code, set the password; the contact can sign in from now on."""
    link = contact_link_get(token=token, purpose=ContactLink.Purpose.ACTIVATE, lock=True)
    contact = link.contact
    verification = VerificationCode.objects.filter(
        pk=verification_id or 0, contact=contact, verified_at__isnull=False, used_at__isnull=True
    ).first()
    if verification is None or verification.verified_at + settings.VERIFICATION_CODE_TTL <= timezone.now():
        raise ContactError(_("Validate a code first: your code is missing or has expired."))
    user = contact.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ContactError(" ".join(exc.messages), field="password1") from None
    now = timezone.now()
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    verification.used_at = now
    verification.save(update_fields=["used_at"])
    link.used_at = now
    link.save(update_fields=["used_at"])
    _contact_transition(contact=contact, to_state=Contact.State.ACTIVE, actor=user, note="activated")
    _audit(AuditKind.CONTACT_ACTIVATED, actor=user, contact=contact)
    return contact


class EditOutcome:
    """What an edit did about the email, for the page to say so."""

    NONE = ""
    VALIDATION_SENT = "validation_sent"
    VALIDATION_CANCELLED = "validation_cancelled"
    INVITATION_READDRESSED = "invitation_readdressed"


_EDITED_FIELDS = ("first_name", "last_name", "position", "telephone", "is_admin", *Contact.PERMISSION_FIELDS)


@transaction.atomic
def contact_update(*, actor: Actor, contact: Contact, data: ContactData, resend_validation: bool = False) -> tuple[Contact, str]:
    """The administrator edits a contact, all or nothing.

    A new email holds only once the contact validates it (Validate Email sends the link, again if
    asked); setting the current email back cancels a pending change. A contact that has not yet
    confirmed its invitation simply gets the invitation at the corrected address.
    """
    locked = _lock(contact, *([actor] if isinstance(actor, Contact) else []))
    target = locked[contact.pk]
    actor_user = _authorize(actor, target.account, locked=locked)
    if target.state == Contact.State.INACTIVE:
        raise ContactError(_("This contact is deactivated: reactivate it first."))
    if isinstance(actor, Contact) and target.pk == actor.pk and not data.is_admin:
        raise ContactError(_("You cannot remove your own administrator rights."), field="is_admin")
    new_email = data.email.strip().lower()
    user = target.user
    if new_email != user.email:
        _check_email_free(new_email, exclude_user=user.pk)

    before = (user.first_name, user.last_name, target.position, target.telephone, target.is_admin, *(getattr(target, n) for n in Contact.PERMISSION_FIELDS))
    rights_before = _rights(target)
    user.first_name = data.first_name.strip()
    user.last_name = data.last_name.strip()
    target.position = data.position.strip()
    target.telephone = data.telephone.strip()
    target.is_admin = data.is_admin
    for name in Contact.PERMISSION_FIELDS:
        setattr(target, name, name in data.permissions)
    after = (user.first_name, user.last_name, target.position, target.telephone, target.is_admin, *(getattr(target, n) for n in Contact.PERMISSION_FIELDS))
    user.save(update_fields=["first_name", "last_name"])
    target.save(update_fields=["position", "telephone", "is_admin", *Contact.PERMISSION_FIELDS])
    if before != after:
        _event(target, actor_user, "edited")
        changed = [name for name, old, new in zip(_EDITED_FIELDS, before, after) if old != new]
        _audit(AuditKind.CONTACT_CHANGED, actor=actor_user, contact=target, fields=changed, before=rights_before, after=_rights(target))

    outcome = EditOutcome.NONE
    if target.state == Contact.State.AWAITING_CONFIRMATION and new_email != user.email:
        user.email = new_email
        user.save(update_fields=["email"])
        _send_invitation(target, inviter=_actor_name(actor))
        _event(target, actor_user, f"invitation sent to corrected email {new_email}")
        outcome = EditOutcome.INVITATION_READDRESSED
    elif new_email == user.email:
        if target.pending_email:
            _email_change_cancel(target, actor_user)
            outcome = EditOutcome.VALIDATION_CANCELLED
    elif new_email != target.pending_email or resend_validation:
        _email_change_start(target, actor_user, new_email)
        outcome = EditOutcome.VALIDATION_SENT
    return target, outcome


def _email_change_start(contact: Contact, actor_user: User, new_email: str) -> None:
    """Validate Email: a link to the new address; the email changes only when it is followed."""
    contact.pending_email = new_email
    contact.save(update_fields=["pending_email"])
    token = _link_create(contact=contact, purpose=ContactLink.Purpose.VALIDATE_EMAIL, email=new_email)
    _event(contact, actor_user, f"email change requested: {new_email}")
    email_queue(
        to=new_email,
        template="contact-validate-email",
        context={"contact": contact, "new_email": new_email, "url": _absolute(reverse("accounts:email-validate", args=[token]))},
    )


def _email_change_cancel(contact: Contact, actor_user: User) -> None:
    ContactLink.objects.filter(contact=contact, purpose=ContactLink.Purpose.VALIDATE_EMAIL, used_at__isnull=True).update(used_at=timezone.now())
    _event(contact, actor_user, f"email change cancelled: {contact.pending_email}")
    contact.pending_email = ""
    contact.save(update_fields=["pending_email"])


@transaction.atomic
def contact_email_validate(*, token: str) -> Contact:
    """The contact followed the link sent to its new address: the new email now holds."""
    link = contact_link_get(token=token, purpose=ContactLink.Purpose.VALIDATE_EMAIL, lock=True)
    contact = Contact.objects.select_for_update().select_related("user").get(pk=link.contact_id)
    if contact.state == Contact.State.INACTIVE:
        raise ContactError(_("This contact is deactivated."))
    _check_email_free(link.email, exclude_user=contact.user_id)
    user = contact.user
    old_email = user.email
    user.email = link.email
    user.save(update_fields=["email"])
    # Nothing may keep the old address signing in.
    EmailAddress.objects.filter(user=user).delete()
    contact.pending_email = ""
    contact.save(update_fields=["pending_email"])
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    ContactEvent.objects.create(
        contact=contact, actor=user, from_state=contact.state, to_state=contact.state, note=f"email changed from {old_email}"
    )
    _audit(AuditKind.EMAIL_CHANGED, actor=user, contact=contact, before=old_email, after=user.email)
    return contact


@transaction.atomic
def contact_deactivate(*, actor: Actor, contact: Contact) -> Contact:
    """Deactivate a contact: it can no longer sign in, and its open sessions end at their next request."""
    locked = _lock(contact, *([actor] if isinstance(actor, Contact) else []))
    actor_user = _authorize(actor, locked[contact.pk].account, locked=locked)
    if isinstance(actor, Contact) and contact.pk == actor.pk:
        raise ContactError(_("You cannot deactivate yourself."))
    target = _contact_transition(contact=contact, to_state=Contact.State.INACTIVE, actor=actor_user, note="deactivated")
    User.objects.filter(pk=target.user_id).update(is_active=False)
    ContactLink.objects.filter(contact=target, used_at__isnull=True).update(used_at=timezone.now())
    if target.pending_email:
        target.pending_email = ""
        target.save(update_fields=["pending_email"])
    _audit(AuditKind.CONTACT_DEACTIVATED, actor=actor_user, contact=locked[contact.pk])
    return target


@transaction.atomic
def contact_reactivate(*, actor: Actor, contact: Contact) -> Contact:
    """Reactivate a deactivated contact: it gets the ACTIVATE USER email and sets a new password."""
    locked = _lock(contact, *([actor] if isinstance(actor, Contact) else []))
    actor_user = _authorize(actor, locked[contact.pk].account, locked=locked)
    if locked[contact.pk].state != Contact.State.INACTIVE:
        # The map lets "awaiting confirmation" move to "awaiting activation" too, but only by the
        # contact's own confirm link: reactivating would skip the confirmation of its address.
        raise ContactError(_("Only a deactivated contact can be reactivated."))
    target = _contact_transition(contact=contact, to_state=Contact.State.AWAITING_ACTIVATION, actor=actor_user, note="reactivated")
    target = Contact.objects.select_related("user", "account").get(pk=target.pk)
    # The old password must not come back: activation sets a new one.
    target.user.set_unusable_password()
    target.user.save(update_fields=["password"])
    _audit(AuditKind.CONTACT_REACTIVATED, actor=actor_user, contact=target)
    _send_invitation(target, inviter=_actor_name(actor))
    return target


@transaction.atomic
def contact_update_own(*, contact: Contact, first_name: str, last_name: str, position: str, telephone: str) -> Contact:
    """Contact information: the contact updates its own name, position and telephone."""
    user = contact.user
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    contact.position = position.strip()
    contact.telephone = telephone.strip()
    contact.save(update_fields=["position", "telephone"])
    ContactEvent.objects.create(contact=contact, actor=user, from_state=contact.state, to_state=contact.state, note="own data updated")
    return contact


@transaction.atomic
def account_update_by_contact(*, contact: Contact, changes: dict[str, Any]) -> Account:
    """An account administrator edits the account's data, except the fields the distributor blocked."""
    account = Account.objects.select_for_update().get(pk=contact.account_id)
    if not (contact.is_admin and contact.is_active):
        raise ContactError(_("Only an administrator of this account can change its data."))
    for name, value in changes.items():
        if name not in Account.CUSTOMER_EDITABLE_FIELDS:
            raise ContactError(_("This field cannot be changed here."), field=name)
        if account.field_is_blocked(name) and getattr(account, name) != value:
            raise ContactError(_("This field is blocked: ask your sales executive to change it."), field=name)
    fields = [name for name, value in changes.items() if getattr(account, name) != value]
    for name in fields:
        setattr(account, name, changes[name])
    if fields:
        account.save(update_fields=fields)
        _event(contact, contact.user, f"account data changed: {', '.join(fields)}")
        _audit(AuditKind.ACCOUNT_CHANGED, actor=contact.user, contact=contact, fields=fields)
    return account


@transaction.atomic
def account_totp_requirement_set(*, actor: Contact, required: bool) -> Account:
    """An account administrator turns on (or off) the authenticator app for every administrator of its account."""
    locked = _lock(actor)
    current = locked[actor.pk]
    account = Account.objects.select_for_update().get(pk=current.account_id)
    if not (current.is_admin and current.is_active):
        raise ContactError(_("Only an administrator of this account can change how its administrators sign in."))
    if account.totp_required_for_admins != required:
        account.totp_required_for_admins = required
        account.save(update_fields=["totp_required_for_admins"])
        _event(current, current.user, f"authenticator app required for administrators: {'on' if required else 'off'}")
        _audit(AuditKind.TOTP_REQUIREMENT_CHANGED, actor=current.user, contact=current, required=required)
    return account
