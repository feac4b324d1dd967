"""Becoming a customer and getting access: "Become a Customer" applications, their review by the back
office, and "Request Access" for a customer's contact without WebStore access.

An application is saved with its documents in one transaction, its emails stored in it and sent after
commit; files written before a failure are removed, so a refused or failed application leaves nothing.
An application with an email already known gets the answer of a new one and saves nothing; only the
owner of the address learns, by email, that it was known.
Approval creates the account and its administrator through accounts.services.contact_create, so the
administrator gets the foundation's confirm and ACTIVATE USER emails.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from allauth.account.models import EmailAddress

from accounts import services as contact_services
from accounts.countries import COUNTRIES, currency_for
from accounts.documents import DocumentError, document_check, documents_for
from accounts.models import Account, Contact, Registration, RegistrationDocument, RegistrationEvent, User
from storefront.emails import email_queue
from storefront.errors import DomainError
from storefront.throttle import throttle_give_back, throttle_key, throttle_take
from storefront.uploads import upload_display_name

logger = logging.getLogger(__name__)

REGISTRATIONS_PER_IP_PER_HOUR = 5
REGISTRATION_EXISTS_EMAILS_PER_HOUR = 3
ACCESS_REQUESTS_PER_IP_PER_HOUR = 10
ACCESS_REQUESTS_PER_EMAIL_PER_HOUR = 3
DEFAULT_SUPPORT_EMAIL = "support@store.test"


class RegistrationError(DomainError):
    """A registration or access request refused, with a message and, where it applies, the form field."""


@dataclass(frozen=True)
class RegistrationData:
    country: str
    company_name: str
    tax_id: str
    address: str
    city: str
    company_phone: str
    first_name: str
    last_name: str
    position: str
    email: str
    phone: str
    website: str = ""
    language: str = ""


# --- throttles ------------------------------------------------------------------------------------


def registration_throttle_take(*, client_ip: str) -> None:
    """Count one application from this IP; RegistrationError when it sent too many this hour."""
    if not throttle_take(throttle_key("accounts:registration:ip", client_ip), REGISTRATIONS_PER_IP_PER_HOUR):
        raise RegistrationError(_("Too many applications were sent from your network in the last hour. Please try again later."))


def access_request_throttle_take(*, client_ip: str, email: str) -> None:
    """Count one access request from this IP and for this email; RegistrationError when either is spent."""
    ip_key = throttle_key("accounts:access:ip", client_ip)
    if not throttle_take(ip_key, ACCESS_REQUESTS_PER_IP_PER_HOUR):
        raise RegistrationError(_("Too many access requests were sent from your network in the last hour. Please try again later."))
    if not throttle_take(throttle_key("accounts:access:email", email), ACCESS_REQUESTS_PER_EMAIL_PER_HOUR):
        throttle_give_back(ip_key)
        raise RegistrationError(
            _("Too many access requests were sent for this email in the last hour. Please try again later."), field="email"
        )


# --- Become a Customer ----------------------------------------------------------------------------


def _support_email() -> str:
    return getattr(settings, "STORE_SUPPORT_EMAIL", DEFAULT_SUPPORT_EMAIL)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _email_known(email: str) -> str | None:
    """"user" when the email belongs to a user, "application" when it has one under review, else None."""
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        return "user"
    if Registration.objects.filter(email__iexact=email, state=Registration.State.SUBMITTED).exists():
        return "application"
    return None


def _clean(data: RegistrationData) -> dict[str, str]:
    values = {name: (getattr(data, name) or "").strip() for name in RegistrationData.__dataclass_fields__}
    values["email"] = values["email"].lower()
    if values["country"] not in COUNTRIES:
        raise RegistrationError(_("Choose one of the countries in the list."), field="country")
    required = ("company_name", "tax_id", "address", "city", "company_phone", "first_name", "last_name", "position", "email", "phone")
    for name in required:
        if not values[name]:
            raise RegistrationError(_("This field is required."), field=name)
    languages = {code for code, _name in settings.LANGUAGES}
    if values["language"] not in languages:
        values["language"] = settings.LANGUAGE_CODE
    return values


def registration_documents_check(*, country: str, documents: Mapping[str, IO[bytes]]) -> list[tuple[str, IO[bytes], str, str]]:
    """Every document the country requires, each checked: (key, file, content type, extension)."""
    checked = []
    for doc in documents_for(country):
        field = f"document_{doc.key}"
        upload = documents.get(doc.key)
        if not upload:
            raise RegistrationError(_("Attach the %(document)s.") % {"document": doc.label}, field=field)
        try:
            content_type, extension = document_check(upload, label=doc.label)
        except DocumentError as exc:
            raise RegistrationError(exc.message, field=field) from None
        checked.append((doc.key, upload, content_type, extension))
    return checked


def registration_submit(*, data: RegistrationData, documents: Mapping[str, IO[bytes]]) -> Registration | None:
    """"Become a Customer": save the application and its documents, email the applicant and the back office.

    An email already known (a user's, or one with an application under review) saves nothing: its owner
    is told by email, and the caller answers as for a new application, so the page reveals no address.
    """
    values = _clean(data)
    # Checked before the email is looked up: a refused file reads the same for a known and a new address.
    checked = registration_documents_check(country=values["country"], documents=documents)
    written: list[str] = []
    try:
        with transaction.atomic():
            known = _email_known(values["email"])
            registration = None if known else _registration_create(values)
            if registration is None:
                # The same email applying meanwhile from another request is an application under review too.
                _registration_exists_email(email=values["email"], language=values["language"], known=known or "application")
                return None
            RegistrationEvent.objects.create(registration=registration, to_state=registration.state, note="submitted")
            # The files come last: anything refused above leaves none behind.
            for key, upload, content_type, extension in checked:
                document = RegistrationDocument(
                    registration=registration,
                    kind=key,
                    stored_name=f"{uuid.uuid4().hex}.{extension}",
                    original_name=upload_display_name(getattr(upload, "name", "") or key, extension=extension),
                    content_type=content_type,
                    size=upload.size,
                )
                # Named before the write: a disk that fails halfway can leave part of the file behind.
                written.append(document.file.field.generate_filename(document, document.stored_name))
                upload.seek(0)
                try:
                    document.file.save(document.stored_name, File(upload), save=False)
                except OSError as exc:
                    logger.exception("Could not store a document of a registration")
                    raise RegistrationError(
                        _(
                            "We could not store your documents because of a problem on our side, so nothing was saved. "
                            "Please send the form again in a few minutes."
                        )
                    ) from exc
                written[-1] = document.file.name
                document.save()
            _registration_emails(registration)
    except BaseException:
        _files_remove(written)
        raise
    return registration


def _registration_create(values: dict[str, str]) -> Registration | None:
    """The application row, or None when the same email applied meanwhile from another request."""
    try:
        # A savepoint: on PostgreSQL the transaction stays usable after the constraint refuses the row.
        with transaction.atomic():
            return Registration.objects.create(**values)
    except IntegrityError:
        return None


def _files_remove(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # The original failure matters more; the file is named in the log for removal by hand.
            logger.exception("Could not remove the stored document %s", name)


def _registration_exists_email(*, email: str, language: str, known: str) -> None:
    """Tell the owner of a known email that a new application was not needed, and how to go on."""
    # Anyone can send the form with anyone's address: a few of these per address and hour, silently,
    # and nothing the sender typed goes into them but the address itself.
    if not throttle_take(throttle_key("accounts:registration:exists", email), REGISTRATION_EXISTS_EMAILS_PER_HOUR):
        return
    email_queue(
        to=email,
        template="registration-exists",
        context={
            "email": email,
            "known": known,
            "sign_in_url": _absolute(reverse("account_login")),
            "reset_url": _absolute(reverse("account_reset_password")),
            "request_access_url": _absolute(reverse("accounts:request-access")),
        },
        language=language,
    )


def _registration_emails(registration: Registration) -> None:
    email_queue(
        to=registration.email,
        template="registration-received",
        context={"registration": registration},
        language=registration.language,
    )
    email_queue(
        to=_support_email(),
        template="registration-submitted",
        context={
            "registration": registration,
            "documents": [str(doc.label) for doc in documents_for(registration.country)],
            "url": _absolute(reverse("admin:accounts_registration_change", args=[registration.pk])),
        },
        language=settings.LANGUAGE_CODE,
    )


# --- the back office's review ---------------------------------------------------------------------


def _check_reviewer(actor: User) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm("accounts.change_registration")):
        raise RegistrationError(_("Only the back office can review registrations."))


def _lock_submitted(registration: Registration, to_state: str) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if to_state not in Registration.ALLOWED_TRANSITIONS[locked.state]:
        raise RegistrationError(
            _("A registration in state “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_state_display(), "to": Registration.State(to_state).label}
        )
    return locked


def _customer_code_new() -> str:
    """A customer code no account has: the country-free prefix and random digits."""
    while True:
        code = f"C{secrets.randbelow(10**7):07d}"
        if not Account.objects.filter(customer_code__iexact=code).exists():
            return code


@transaction.atomic
def registration_approve(
    *, actor: User, registration: Registration, customer_code: str = "", sales_executive: User | None = None
) -> Account:
    """Approve: the account and its administrator contact, who receives the confirm and activation emails."""
    _check_reviewer(actor)
    locked = _lock_submitted(registration, Registration.State.APPROVED)
    code = (customer_code or "").strip().upper()
    if code:
        if len(code) > Account._meta.get_field("customer_code").max_length:
            raise RegistrationError(_("The customer code is too long."), field="customer_code")
        if Account.objects.filter(customer_code__iexact=code).exists():
            raise RegistrationError(_("Another account has the customer code %(code)s.") % {"code": code}, field="customer_code")
    else:
        code = _customer_code_new()
    if sales_executive is not None and not (sales_executive.is_active and sales_executive.is_staff):
        raise RegistrationError(_("The sales executive must be an active staff user."), field="sales_executive")
    try:
        with transaction.atomic():
            account = Account.objects.create(
                customer_code=code,
                company_name=locked.company_name,
                tax_id=locked.tax_id,
                country=locked.country,
                currency=currency_for(locked.country),
                address=locked.address,
                city=locked.city,
                phone=locked.company_phone,
                sales_executive=sales_executive,
            )
    except IntegrityError:
        raise RegistrationError(_("Another account has the customer code %(code)s.") % {"code": code}, field="customer_code") from None
    data = contact_services.ContactData(
        first_name=locked.first_name,
        last_name=locked.last_name,
        email=locked.email,
        position=locked.position,
        telephone=locked.phone,
        is_admin=True,
        permissions=frozenset(Contact.PERMISSION_FIELDS),
    )
    try:
        # The foundation's rule: the back office acting on an account is a superuser or its sales executive.
        # The invitation goes out in the language the applicant registered in.
        with translation.override(locked.language or settings.LANGUAGE_CODE):
            contact_services.contact_create(actor=actor, account=account, data=data)
    except contact_services.ContactError as exc:
        raise RegistrationError(exc.message, field=exc.field) from None
    now = timezone.now()
    locked.state = Registration.State.APPROVED
    locked.decided_at = now
    locked.decided_by = actor
    locked.account = account
    locked.save(update_fields=["state", "decided_at", "decided_by", "account"])
    RegistrationEvent.objects.create(
        registration=locked, actor=actor, from_state=Registration.State.SUBMITTED, to_state=locked.state, note=f"account {code}"
    )
    registration.state = locked.state
    return account


@transaction.atomic
def registration_reject(*, actor: User, registration: Registration, reason: str) -> Registration:
    """Reject with a reason, which the applicant receives by email."""
    _check_reviewer(actor)
    locked = _lock_submitted(registration, Registration.State.REJECTED)
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError(_("Give the reason for the rejection."), field="reason")
    locked.state = Registration.State.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.rejection_reason = reason
    locked.save(update_fields=["state", "decided_at", "decided_by", "rejection_reason"])
    RegistrationEvent.objects.create(
        registration=locked, actor=actor, from_state=Registration.State.SUBMITTED, to_state=locked.state, note=reason[:255]
    )
    email_queue(to=locked.email, template="registration-rejected", context={"registration": locked}, language=locked.language)
    registration.state = locked.state
    return locked


# --- Request Access -------------------------------------------------------------------------------


@transaction.atomic
def access_request(*, country: str, customer_code: str, email: str, name: str) -> None:
    """"Request Access": if the data match a contact of that account, email that address how to continue.

    The name matches loosely: the contact's first name, last name or full name, ignoring case and accents.
    Returns nothing and raises nothing about the match, so the page cannot tell whether it matched.
    """
    email = (email or "").strip().lower()
    # One query whether or not anything matches.
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("user", "account")
        .filter(
            account__country=(country or "").strip().upper(),
            account__customer_code__iexact=(customer_code or "").strip(),
            user__email__iexact=email,
        )
        .first()
    )
    if contact is None or not _name_matches(name, contact):
        return
    context = {"contact": contact, "account": contact.account, "name": (name or "").strip()[:150]}
    if contact.state in (Contact.State.AWAITING_CONFIRMATION, Contact.State.AWAITING_ACTIVATION):
        admins = list(_account_admins(contact.account).exclude(pk=contact.pk))
        inviter = admins[0].full_name if admins else settings.STORE_NAME
        contact_services._send_invitation(contact, inviter=inviter)
        contact_services._event(contact, None, "invitation sent again on Request Access")
        email_queue(to=contact.user.email, template="access-request", context={**context, "next": "activation"})
    elif contact.state == Contact.State.ACTIVE:
        email_queue(
            to=contact.user.email,
            template="access-request",
            context={
                **context,
                "next": "sign_in",
                "sign_in_url": _absolute(reverse("account_login")),
                "reset_url": _absolute(reverse("account_reset_password")),
            },
        )
    else:
        email_queue(to=contact.user.email, template="access-request", context={**context, "next": "inactive"})
        for admin in _account_admins(contact.account):
            email_queue(to=admin.user.email, template="access-request-admin", context={**context, "admin": admin})


def _name_key(value: str) -> str:
    """A name compared loosely: accents dropped, case folded, spaces collapsed ("  JOSÉ  Núñez" → "jose nunez")."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _name_matches(given: str, contact: Contact) -> bool:
    given_key = _name_key(given)
    first, last = contact.user.first_name, contact.user.last_name
    candidates = {_name_key(first), _name_key(last), _name_key(f"{first} {last}")}
    return bool(given_key) and given_key in candidates - {""}


def _account_admins(account: Account):
    return Contact.objects.filter(account=account, is_admin=True, state=Contact.State.ACTIVE).select_related("user").order_by("pk")
