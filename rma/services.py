"""Every write of the RMA domain: a contact files a return request, the back office moves it along.

A request is filed in one transaction that locks its order line, so two requests for the same units
or the same serial number cannot both pass the checks. Each refusal raises RmaError with the reason
and, where it applies, the form field.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Contact, User
from catalog.models import Product
from orders.models import Order, OrderLine
from orders.services import OrderError, staff_check
from rma.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, sniff
from rma.models import RmaAttachment, RmaEvent, RmaRequest, ServiceCentre, ShippedSerials
from storefront.emails import email_queue
from storefront.errors import DomainError
from storefront.uploads import UploadRefusal, upload_display_name, upload_refusal

CLAIMABLE_ORDER_STATES = (Order.State.SHIPPED, Order.State.DELIVERED)
VOLUME_LICENSING_TYPES = (Product.Type.LICENCE, Product.Type.CLOUD)
DEFAULT_RETURN_INSTRUCTIONS = (
    "Pack the product in its original box with all its accessories, write the RMA number on the outside "
    "and send it to the service centre within 15 days."
)


class RmaError(DomainError):
    """An RMA action refused, with the reason and, where it applies, the form field."""


def return_instructions_default() -> str:
    """The instructions the back office gives on approval unless it writes others."""
    return getattr(settings, "RMA_RETURN_INSTRUCTIONS", "") or DEFAULT_RETURN_INSTRUCTIONS


def _number(rma: RmaRequest) -> str:
    return f"RMA{rma.pk:08d}"


def _check_permission(contact: Contact) -> None:
    if not contact.can_rma:
        raise RmaError(_("Your user cannot file RMA requests: ask your account administrator for the permission."))


def rma_order_check(*, contact: Contact, order_number: str) -> Order:
    """Step 1 of "RMA Request": the order must be the account's own, and shipped or delivered."""
    _check_permission(contact)
    number = (order_number or "").strip().upper()
    if not number:
        raise RmaError(_("Enter the order number."), field="order_number")
    order = (
        Order.objects.filter(account_id=contact.account_id, number=number)
        .prefetch_related("lines__product")
        .first()
    )
    if order is None:
        raise RmaError(_("Your account has no order %(number)s.") % {"number": number}, field="order_number")
    if order.state not in CLAIMABLE_ORDER_STATES:
        raise RmaError(
            _("Order %(number)s is “%(status)s”: only a shipped or delivered order can have an RMA request.")
            % {"number": order.number, "status": order.get_state_display()},
            field="order_number",
        )
    return order


def quantity_under_rma(order_line: OrderLine) -> int:
    """Units of the line already claimed by requests that were not rejected."""
    claimed = (
        RmaRequest.objects.filter(order_line=order_line)
        .exclude(state=RmaRequest.State.REJECTED)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return claimed or 0


def _check_attachments(files: Sequence) -> list[tuple[object, str, str]]:
    if len(files) > MAX_ATTACHMENTS:
        raise RmaError(_("Add at most %(max)d files.") % {"max": MAX_ATTACHMENTS}, field="attachments")
    checked = []
    for upload in files:
        name = getattr(upload, "name", "") or "file"
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise RmaError(_("%(name)s is larger than 5 MB.") % {"name": name}, field="attachments")
        kind = sniff(upload)
        # A PDF or an image that is also a web page, or an image that is not one past its first bytes, is
        # not one of the kinds we take.
        refusal = upload_refusal(upload, extension=kind[1]) if kind is not None else UploadRefusal.NOT_THE_KIND
        if refusal is UploadRefusal.PDF_ACTIVE:
            raise RmaError(
                _("%(name)s is a PDF with scripts, attached files or actions: print it to a new PDF and upload that.") % {"name": name},
                field="attachments",
            )
        if refusal is UploadRefusal.PDF_UNCHECKED:
            raise RmaError(
                _("%(name)s is a PDF that cannot be checked (protected or damaged): print it to a new PDF and upload that.")
                % {"name": name},
                field="attachments",
            )
        if refusal is not None:
            raise RmaError(_("%(name)s is not a PDF, JPG or PNG file.") % {"name": name}, field="attachments")
        checked.append((upload, *kind))
    return checked


@transaction.atomic
def rma_submit(
    *,
    contact: Contact,
    order_number: str,
    order_line_id: int,
    quantity: int,
    claim_type: str,
    details: str,
    serial_number: str = "",
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    attachments: Sequence[IO[bytes]] = (),
) -> RmaRequest:
    """"submit": the request gets its RMA number at once, and an email confirms it."""
    order = rma_order_check(contact=contact, order_number=order_number)
    # The line's row is the lock: the quantity and serial checks below see every earlier request.
    line = OrderLine.objects.select_for_update(of=("self",)).filter(order=order, pk=order_line_id).select_related("product").first()
    if line is None:
        raise RmaError(_("That product is not on order %(number)s.") % {"number": order.number}, field="order_line")
    product = line.product
    if product.product_type in VOLUME_LICENSING_TYPES:
        raise RmaError(
            _(
                "%(name)s is a volume licensing product: volume licensing products, such as Windows Legal and "
                "activated cloud products, are never accepted for RMA."
            )
            % {"name": line.name},
            field="order_line",
        )
    if not isinstance(quantity, int) or quantity < 1:
        raise RmaError(_("The quantity must be a whole number of at least 1."), field="quantity")
    claimed = quantity_under_rma(line)
    available = line.quantity - claimed
    if quantity > available:
        raise RmaError(
            _("You can claim at most %(available)d of %(sku)s: %(ordered)d were ordered and %(claimed)d are already under RMA.")
            % {"available": max(available, 0), "sku": line.sku, "ordered": line.quantity, "claimed": claimed},
            field="quantity",
        )
    if claim_type not in RmaRequest.ClaimType.values:
        raise RmaError(_("Choose the type of claim."), field="claim_type")
    details = (details or "").strip()
    if not details:
        raise RmaError(_("Describe the problem."), field="details")
    serial = (serial_number or "").strip().upper()
    if product.product_type == Product.Type.HARDWARE:
        if not serial:
            raise RmaError(_("The serial number is required for hardware."), field="serial_number")
        shipped = ShippedSerials.objects.filter(order_line=line).values_list("serials", flat=True).first()
        if shipped and serial not in {str(s).strip().upper() for s in shipped}:
            raise RmaError(
                _("Serial number %(serial)s was not shipped on order %(number)s.") % {"serial": serial, "number": order.number},
                field="serial_number",
            )
        open_claim = (
            RmaRequest.objects.filter(product=product, serial_number=serial)
            .exclude(state__in=RmaRequest.CLOSED_STATES)
            .values_list("number", flat=True)
            .first()
        )
        if open_claim:
            raise RmaError(
                _("Serial number %(serial)s is already under RMA %(rma)s, which is still open.") % {"serial": serial, "rma": open_claim},
                field="serial_number",
            )
    contact_name = (contact_name or "").strip()
    contact_email = (contact_email or "").strip()
    if not contact_name:
        raise RmaError(_("Enter the name of the person we contact about this request."), field="contact_name")
    if not contact_email:
        raise RmaError(_("Enter the email of the person we contact about this request."), field="contact_email")
    checked = _check_attachments(attachments)

    try:
        # A savepoint: on PostgreSQL the transaction stays usable after the constraint refuses the row.
        with transaction.atomic():
            rma = RmaRequest.objects.create(
                number=uuid.uuid4().hex[:20],
                account_id=order.account_id,
                order=order,
                order_line=line,
                product=product,
                sku=line.sku,
                product_name=line.name,
                quantity=quantity,
                claim_type=claim_type,
                details=details[:4000],
                serial_number=serial[:80],
                contact_name=contact_name[:150],
                contact_email=contact_email,
                contact_phone=(contact_phone or "").strip()[:40],
                created_by=contact,
            )
    except IntegrityError:
        # The same serial number was filed meanwhile on another order line (whose lock this one does not hold).
        raise RmaError(
            _("Serial number %(serial)s is already under an RMA request that is still open.") % {"serial": serial},
            field="serial_number",
        ) from None
    rma.number = _number(rma)
    rma.save(update_fields=["number"])
    for position, (upload, content_type, extension) in enumerate(checked, start=1):
        attachment = RmaAttachment(
            rma=rma,
            stored_name=f"{position:02d}-{uuid.uuid4().hex[:12]}.{extension}",
            original_name=upload_display_name(getattr(upload, "name", "") or "attachment", extension=extension),
            content_type=content_type,
            size=upload.size,
        )
        upload.seek(0)
        attachment.file.save(attachment.stored_name, File(upload), save=False)
        attachment.save()
    RmaEvent.objects.create(rma=rma, actor=contact.user, to_state=rma.state, note="submitted")
    _email(rma, "rma-submitted")
    return rma


def _email(rma: RmaRequest, template: str) -> None:
    recipients = {rma.contact_email}
    if rma.created_by.user.email:
        recipients.add(rma.created_by.user.email)
    for to in sorted(recipients):
        email_queue(to=to, template=template, context={"rma": rma, "site_url": getattr(settings, "SITE_URL", "")})


@transaction.atomic
def rma_move(
    *,
    actor: User,
    rma: RmaRequest,
    to_state: str,
    note: str = "",
    service_centre: ServiceCentre | None = None,
    return_instructions: str = "",
    resolution: str = "",
    rejection_reason: str = "",
) -> RmaRequest:
    """The back office moves a request along: under review, approved, received, resolved or rejected."""
    try:
        staff_check(actor, rma.account_id)
    except OrderError as exc:
        raise RmaError(exc.message) from None
    locked = RmaRequest.objects.select_for_update().select_related("account", "created_by__user").get(pk=rma.pk)
    if to_state not in RmaRequest.State.values or to_state not in RmaRequest.ALLOWED_TRANSITIONS[locked.state]:
        target = RmaRequest.State(to_state).label if to_state in RmaRequest.State.values else to_state
        raise RmaError(
            _("An RMA request in status “%(from)s” cannot become “%(to)s”.") % {"from": locked.get_state_display(), "to": target}
        )
    fields = ["state", "updated_at"]
    if to_state == RmaRequest.State.APPROVED:
        if service_centre is None:
            raise RmaError(_("Choose the service centre the product goes to."), field="service_centre")
        if service_centre.country != locked.account.country:
            raise RmaError(_("The service centre must be in the account's country."), field="service_centre")
        instructions = (return_instructions or "").strip()
        if not instructions:
            raise RmaError(_("Write the return instructions."), field="return_instructions")
        locked.service_centre = service_centre
        locked.return_instructions = instructions
        fields += ["service_centre", "return_instructions"]
    elif to_state == RmaRequest.State.RESOLVED:
        if resolution not in RmaRequest.Resolution.values:
            raise RmaError(_("Choose how the request was resolved: repaired, replaced or credited."), field="resolution")
        locked.resolution = resolution
        locked.closed_at = timezone.now()
        fields += ["resolution", "closed_at"]
    elif to_state == RmaRequest.State.REJECTED:
        reason = (rejection_reason or "").strip()
        if not reason:
            raise RmaError(_("Give the reason for the rejection."), field="rejection_reason")
        locked.rejection_reason = reason
        locked.closed_at = timezone.now()
        fields += ["rejection_reason", "closed_at"]
    if not note:
        # The history tells the why without opening the request.
        if to_state == RmaRequest.State.APPROVED:
            note = locked.service_centre.name
        elif to_state == RmaRequest.State.RESOLVED:
            note = locked.get_resolution_display()
        elif to_state == RmaRequest.State.REJECTED:
            note = locked.rejection_reason
    from_state = locked.state
    locked.state = to_state
    locked.save(update_fields=fields)
    RmaEvent.objects.create(rma=locked, actor=actor, from_state=from_state, to_state=to_state, note=(note or "")[:255])
    _email(locked, "rma-moved")
    return locked
