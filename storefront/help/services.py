"""Writes of the help centre: "Questions or Concerns" saved, emailed to support and acknowledged."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Contact
from storefront.emails import email_queue
from storefront.help.models import Inquiry
from storefront.throttle import throttle_give_back, throttle_key, throttle_take

# "Questions or Concerns" accepted per hour from one email address and from one client IP.
INQUIRIES_PER_EMAIL_PER_HOUR = 5
INQUIRIES_PER_IP_PER_HOUR = 20


class HelpError(Exception):
    """A request of the help centre that cannot be carried out; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def inquiry_throttle_take(*, email: str, client_ip: str | None) -> None:
    """Count one "Questions or Concerns" from this address and IP; HelpError when either has sent too many."""
    email_key = throttle_key("help:inquiry:email", email)
    if not throttle_take(email_key, INQUIRIES_PER_EMAIL_PER_HOUR):
        raise HelpError(
            _("You have sent %(count)d questions from this email address in the last hour. Please try again later or call us at %(phone)s.")
            % {"count": INQUIRIES_PER_EMAIL_PER_HOUR, "phone": settings.STORE_SUPPORT_PHONE}
        )
    if client_ip and not throttle_take(throttle_key("help:inquiry:ip", client_ip), INQUIRIES_PER_IP_PER_HOUR):
        # Refused for the IP: this attempt does not count against the address either.
        throttle_give_back(email_key)
        raise HelpError(
            _("Too many questions were sent from your network in the last hour. Please try again later or call us at %(phone)s.")
            % {"phone": settings.STORE_SUPPORT_PHONE}
        )


def inquiry_submit(
    *,
    contact: Contact | None,
    country: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    comment: str,
    company_name: str = "",
    fax: str = "",
    address: str = "",
    client_ip: str | None = None,
) -> Inquiry:
    """Save a "Questions or Concerns", then queue its email to support and the sender's acknowledgement."""
    inquiry_throttle_take(email=email, client_ip=client_ip)
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            contact=contact,
            country=country,
            first_name=first_name,
            last_name=last_name,
            company_name=company_name,
            email=email,
            phone=phone,
            fax=fax,
            address=address,
            comment=comment,
            client_ip=client_ip,
        )
        # Saved first: a mail or broker failure never loses the question (the outbox retries).
        email_queue(
            to=settings.STORE_SUPPORT_EMAIL,
            template="help-inquiry",
            context={"inquiry": inquiry, "customer_code": contact.account.customer_code if contact else ""},
            language=settings.LANGUAGE_CODE,
        )
        email_queue(to=inquiry.email, template="help-inquiry-received", context={"inquiry": inquiry})
    return inquiry
