"""Two accounts, each with one object of every kind a URL can name, made directly as rows.

The walker needs the objects to exist, not to have gone through their flows; files are written so
that a download by the owner succeeds (a 404 for the other account then means scoping, not a missing
file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account, Contact, ContactLink, User
from catalog.models import PriceListExport, Product
from licensing.models import LicenceOrder, Program
from orders.models import Cart, CartLine, OrderLine
from quotes.models import Quote
from rma.models import RmaAttachment, RmaRequest
from storefront.chat import services as chat_services
from tests.accounts.factories import ContactFactory, UserFactory
from tests.orders.invoice_factories import InvoiceFactory, OrderFactory
from tests.quotes.factories import make_customer, make_quote

PDF = b"%PDF-1.4\n%walker\n"
EVERY_FLAG = dict(
    is_admin=True, can_see_prices=True, can_order=True, can_quote=True, can_rma=True, can_license=True, can_download=True, can_invoice=True
)


@dataclass
class World:
    """One account's objects: `me` acts, holding every permission; `ids` fills URL parameters."""

    account: Account
    me: Contact
    colleague: Contact
    executive: User
    ids: dict[str, str] = field(default_factory=dict)


def seed_account(account: Account, *, me: Contact, executive: User, product: Product, tag: str) -> World:
    """Every kind of object a URL names, for `account`; `me` is made to hold every permission."""
    for flag, value in EVERY_FLAG.items():
        setattr(me, flag, value)
    me.save()
    colleague = ContactFactory(account=account, user__username=f"colleague-{tag}", user__email=f"colleague-{tag}@example.test")
    account.sales_executive = executive
    account.save(update_fields=["sales_executive"])

    order = OrderFactory(placed_by=me, submission_key=f"walker-{tag}-order")
    order.refresh_from_db()  # the number is computed by the database
    line = OrderLine.objects.create(
        order=order, product=product, sku=product.sku, name=product.name, unit_price=Decimal("10.00"), quantity=2, line_total=Decimal("20.00")
    )
    invoice = InvoiceFactory(order=order, number=f"INV-W-{tag}")
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(PDF))

    quote = make_quote(me, lines=[(product, "100.00", 1)], customer=make_customer(account))
    quote.pdf_state = Quote.PdfState.READY
    quote.pdf_file.save(f"{quote.number}.pdf", ContentFile(PDF))

    cart = Cart.objects.create(contact=me)
    cart_line = CartLine.objects.create(cart=cart, product=product, quantity=1)

    rma = RmaRequest.objects.create(
        number=f"RMA-W-{tag}", account=account, order=order, order_line=line, product=product, sku=product.sku,
        product_name=product.name, quantity=1, claim_type=RmaRequest.ClaimType.choices[0][0], details="Broken hinge.",
        contact_name="Walker", contact_email="walker@example.test", created_by=me,
    )
    attachment = RmaAttachment(rma=rma, stored_name=f"walker-{tag}.pdf", original_name="photo.pdf", content_type="application/pdf", size=len(PDF))
    attachment.file.save(f"walker-{tag}.pdf", ContentFile(PDF))

    now = timezone.now()
    vl_order = LicenceOrder.objects.create(
        number=f"VL-W-{tag}", account=account, placed_by=me, program=Program.OPEN_VALUE, end_customer="Colegio",
        currency=account.currency, submission_key=f"walker-{tag}-vl", state=LicenceOrder.State.RECEIVED,
        processed_at=now - timedelta(days=2), received_at=now - timedelta(days=2), certificate_released_at=now - timedelta(days=1),
    )
    vl_order.certificate.save(f"{vl_order.number}.pdf", ContentFile(PDF))

    export = PriceListExport(contact=me, file_format=PriceListExport.Format.CSV, title="All", scope="all", state=PriceListExport.State.READY)
    export.file.save(f"walker-{tag}.csv", ContentFile(b"sku\n"))

    conversation = chat_services.chat_start(contact=me, text="Where is my order?", country=account.country)
    confirm_token = account_services._link_create(contact=colleague, purpose=ContactLink.Purpose.CONFIRM)

    ids = {
        "contact": colleague.pk,
        "order": order.number,
        "invoice": invoice.number,
        "quote": quote.number,
        "quote_line": quote.lines.get().pk,
        "quote_pdf": quote.pdf_token,
        "cart_line": cart_line.pk,
        "rma": rma.number,
        "rma_attachment": attachment.pk,
        "vl_order": vl_order.number,
        "price_list": export.token,
        "conversation": conversation.pk,
        "link": confirm_token,
    }
    return World(account=account, me=me, colleague=colleague, executive=executive, ids={k: str(v) for k, v in ids.items()})


def other_executive() -> User:
    return UserFactory(username="sales-orbit", email="sales-orbit@distributor.test", is_staff=True)


def snapshot(world: World) -> dict[str, object]:
    """The rows of the world that a request might change: states, lines, flags, credit."""
    from storefront.chat.models import Conversation

    account = Account.objects.get(pk=world.account.pk)
    return {
        "credit": (account.credit_limit, account.credit_used),
        "contacts": sorted(
            Contact.objects.filter(account=world.account).values_list("pk", "state", "is_admin", *Contact.PERMISSION_FIELDS, "user__email", "user__is_staff", "user__is_superuser")
        ),
        "orders": sorted(world.account.orders.values_list("pk", "state", "total")),
        "quotes": sorted(Quote.objects.filter(account=world.account).values_list("pk", "customer_id", "notes", "profit_value", "current_for_id")),
        "quote_lines": sorted(Quote.objects.filter(account=world.account).values_list("lines__pk", "lines__quantity")),
        "cart_lines": sorted(CartLine.objects.filter(cart__contact__account=world.account).values_list("pk", "quantity")),
        "rma": sorted(RmaRequest.objects.filter(account=world.account).values_list("pk", "state")),
        "vl_orders": sorted(LicenceOrder.objects.filter(account=world.account).values_list("pk", "state", "total")),
        "conversations": sorted(Conversation.objects.filter(account=world.account).values_list("pk", "state")),
        "price_lists": sorted(PriceListExport.objects.filter(contact__account=world.account).values_list("pk", "state")),
    }
