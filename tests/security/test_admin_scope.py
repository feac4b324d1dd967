"""The Django admin shows a sales executive only its own accounts (DESIGN: "A sales executive sees only
its accounts"); the back office, a superuser, sees every account.

The meta-test walks admin.site._registry: every registered model, and every inline's model, with a
chain of relations to Account must have an admin that mixes in AccountScoped (a new admin cannot
forget). Then, for every such admin, the sales executive of Acme holding every permission of the
model: lists Acme's rows and never Orbit's; gets on Orbit's row's change, delete and history pages
exactly the answer it gets for a row that does not exist; sees nothing of Orbit (name, code, its
people) on the list, its own row's page or the add page, where a select or a filter could list every
account; and cannot pick Orbit's rows in a form by typing their id.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.models import Account, Registration, RegistrationDocument
from catalog.models import PriceListExport
from licensing.models import LicenceOrder
from orders.models import Invoice, Order, OrderLine
from quotes.models import Customer, Quote
from rma.models import RmaAttachment, RmaRequest, ShippedSerials
from storefront.admin import AccountScoped, account_path
from storefront.audit.models import SecurityEvent
from storefront.chat.models import Conversation
from storefront.events.models import Registration as EventRegistration
from storefront.help.models import Inquiry
from storefront.models import OutboundEmail
from tests.events.factories import EventFactory, RegistrationFactory
from tests.security.conftest import client_for
from tests.security.seed import PDF, World

pytestmark = pytest.mark.django_db

MISSING_PK = 987654321


# --- the meta-test ----------------------------------------------------------------------------------


def _leads_to_account(model: type[models.Model], path: str) -> bool:
    if path == "":
        return model is Account
    try:
        return get_fields_from_path(model, path)[-1].related_model is Account
    except Exception:  # a misspelt path is as bad as none
        return False


def unscoped_admins(site: admin.AdminSite) -> list[str]:
    """Every admin (and inline) of `site` whose model has a path to Account but which is not scoped,
    or whose declared path does not lead to Account."""
    problems = []
    for model, model_admin in site._registry.items():
        classes = [(model, type(model_admin), model_admin.__class__.__name__)]
        classes += [(inline.model, inline, f"{model_admin.__class__.__name__}.{inline.__name__}") for inline in model_admin.inlines]
        for target, cls, name in classes:
            if account_path(target) is None:
                continue
            if not issubclass(cls, AccountScoped):
                problems.append(f"{name} ({target._meta.label}) is not scoped to the sales executive's accounts")
            elif not _leads_to_account(target, cls.account_path):
                problems.append(f"{name}.account_path {cls.account_path!r} does not lead from {target._meta.label} to Account")
    return problems


def test_every_admin_of_a_model_that_belongs_to_an_account_is_scoped(capsys):
    assert unscoped_admins(admin.site) == []
    with capsys.disabled():
        print(f"\n[admin scope] {len(SCOPED)} of {len(admin.site._registry)} registered admins are scoped to the sales executive's accounts: "
              + ", ".join(sorted(SCOPED)))


def test_the_meta_test_finds_an_admin_that_forgot():
    """The check is not vacuous: a plain admin of the reseller's customers, or a path to nowhere, is reported."""
    site = admin.AdminSite(name="forgetful")

    class CustomerAdmin(admin.ModelAdmin):
        pass

    class QuoteAdmin(AccountScoped, admin.ModelAdmin):
        account_path = "customer"

    site.register(Customer, CustomerAdmin)
    site.register(Quote, QuoteAdmin)
    problems = unscoped_admins(site)
    assert problems == [
        "CustomerAdmin (quotes.Customer) is not scoped to the sales executive's accounts",
        "QuoteAdmin.account_path 'customer' does not lead from quotes.Quote to Account",
    ]


def test_the_path_to_an_account_goes_through_foreign_keys_and_a_users_contact():
    assert account_path(Account) == ""
    assert account_path(Quote) == "account"
    assert account_path(ShippedSerials) == "order_line__order__account"
    assert account_path(EmailAddress) == "user__contact__account"
    assert account_path(OutboundEmail) is None


# --- one row of every scoped model for each account -------------------------------------------------


def _registration(world: World) -> Registration:
    registration = Registration.objects.create(
        country=world.account.country, company_name=world.account.company_name, tax_id=world.account.tax_id, address="Main 1",
        city="Town", company_phone="+52 55 0000 0000", first_name="Rita", last_name="Reg", position="Owner",
        email=f"reg@{world.account.customer_code.lower()}.test", phone="+52 55 0000 0001", state=Registration.State.APPROVED,
        account=world.account,
    )
    document = RegistrationDocument(
        registration=registration, kind="fiscal_standing", stored_name="doc.pdf", original_name="doc.pdf", content_type="application/pdf", size=len(PDF)
    )
    document.file.save(f"reg-{registration.pk}.pdf", ContentFile(PDF))
    return registration


ROWS: dict[str, Callable[[World], models.Model]] = {
    "accounts.account": lambda w: w.account,
    "accounts.contact": lambda w: w.colleague,
    "accounts.user": lambda w: w.colleague.user,
    "accounts.registration": _registration,
    "account.emailaddress": lambda w: EmailAddress.objects.create(user=w.colleague.user, email=w.colleague.user.email, verified=True, primary=True),
    "mfa.authenticator": lambda w: Authenticator.objects.create(user=w.colleague.user, type=Authenticator.Type.TOTP, data={"secret": "x"}),
    "catalog.pricelistexport": lambda w: PriceListExport.objects.get(contact__account=w.account),
    "orders.order": lambda w: Order.objects.get(account=w.account),
    "orders.invoice": lambda w: Invoice.objects.get(account=w.account),
    "quotes.quote": lambda w: Quote.objects.get(account=w.account),
    "quotes.customer": lambda w: Customer.objects.get(account=w.account),
    "rma.rmarequest": lambda w: RmaRequest.objects.get(account=w.account),
    "rma.shippedserials": lambda w: ShippedSerials.objects.create(order_line=OrderLine.objects.get(order__account=w.account), serials=["SN-1"]),
    "licensing.licenceorder": lambda w: LicenceOrder.objects.get(account=w.account),
    "help.inquiry": lambda w: Inquiry.objects.create(
        contact=w.me, country=w.account.country, first_name="Ina", last_name="Quiry", email=w.me.user.email, phone="1", comment="Prices?"
    ),
    "chat.conversation": lambda w: Conversation.objects.get(account=w.account),
    "events.registration": lambda w: RegistrationFactory(contact=w.me, kind=EventRegistration.Kind.CUSTOMER_CONTACT, email=w.me.user.email),
    "audit.securityevent": lambda w: SecurityEvent.objects.create(kind=SecurityEvent.Kind.CONTACT_CHANGED, actor=w.me.user, account=w.account),
}

SCOPED = sorted(model._meta.label_lower for model, model_admin in admin.site._registry.items() if isinstance(model_admin, AccountScoped))


def test_every_scoped_admin_is_walked_below():
    assert sorted(ROWS) == SCOPED


def _model(label: str) -> type[models.Model]:
    return next(model for model in admin.site._registry if model._meta.label_lower == label)


def _account_of(row: models.Model, path: str) -> Account | None:
    """The row's account, followed attribute by attribute (not by the query the admin runs)."""
    for name in [part for part in path.split("__") if part]:
        row = getattr(row, name, None)
        if row is None:
            return None
    return row


def _with_every_permission_of(user, model: type[models.Model]) -> Client:
    user.user_permissions.set(Permission.objects.filter(content_type=ContentType.objects.get_for_model(model)))
    return client_for(user)


def _url(model: type[models.Model], view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _answer(response) -> tuple[int, str | None]:
    return response.status_code, response.get("Location")


def _theirs(theirs: World) -> list[str]:
    """What would show that Orbit's data reached the page."""
    return [theirs.account.company_name, theirs.account.customer_code, theirs.me.user.email, theirs.colleague.user.email, theirs.executive.username]


@pytest.mark.parametrize("label", SCOPED)
def test_a_sales_executive_lists_and_opens_only_its_own_accounts_rows(label, worlds):
    ours, theirs = worlds
    model = _model(label)
    model_admin = admin.site._registry[model]
    mine, other = ROWS[label](ours), ROWS[label](theirs)
    client = _with_every_permission_of(ours.executive, model)

    listing = client.get(_url(model, "changelist"))
    assert listing.status_code == 200
    listed = list(listing.context["cl"].result_list)
    assert mine.pk in {row.pk for row in listed} and other.pk not in {row.pk for row in listed}
    accounts = {_account_of(row, model_admin.account_path) for row in listed}
    allowed = {ours.account} | ({None} if model_admin.unowned_rows_shared else set())
    assert accounts <= allowed, f"{label}: rows of {accounts - allowed} listed"

    own_page = client.get(_url(model, "change", mine.pk))
    assert own_page.status_code == 200
    pages = {"list": listing, "own row": own_page}
    if model_admin.has_add_permission(listing.wsgi_request):
        pages["add"] = client.get(_url(model, "add"))
    for name, page in pages.items():
        html = page.content.decode()
        assert not [marker for marker in _theirs(theirs) if marker in html], f"{label}: Orbit shows on the {name} page"


@pytest.mark.parametrize("label", SCOPED)
def test_a_sales_executive_gets_on_another_accounts_row_the_answer_for_no_row(label, worlds):
    ours, theirs = worlds
    model = _model(label)
    other = ROWS[label](theirs)
    before = model._default_manager.filter(pk=other.pk).count()
    client = _with_every_permission_of(ours.executive, model)
    for view, method, data in (("change", "get", None), ("change", "post", {}), ("delete", "get", None), ("delete", "post", {"post": "yes"}),
                               ("history", "get", None)):
        answer = getattr(client, method)(_url(model, view, other.pk), data)
        nothing = getattr(client, method)(_url(model, view, MISSING_PK), data)
        assert _answer(answer) == _answer(nothing), f"{label} {view} {method.upper()}: {_answer(answer)} for Orbit's, {_answer(nothing)} for none"
        assert answer.status_code in (302, 403, 404) and theirs.account.company_name not in answer.content.decode()
    assert model._default_manager.filter(pk=other.pk).count() == before == 1


@pytest.mark.parametrize("label", SCOPED)
def test_the_back_office_lists_every_accounts_rows(label, worlds, back_office):
    ours, theirs = worlds
    model = _model(label)
    mine, other = ROWS[label](ours), ROWS[label](theirs)
    listing = client_for(back_office).get(_url(model, "changelist"))
    assert {mine.pk, other.pk} <= {row.pk for row in listing.context["cl"].result_list}
    assert client_for(back_office).get(_url(model, "change", other.pk)).status_code == 200


# --- picking a row in a form: selects and raw ids -----------------------------------------------------


def test_a_sales_executive_cannot_give_its_customer_to_another_account_by_its_id(worlds):
    ours, theirs = worlds
    client = _with_every_permission_of(ours.executive, Customer)
    page = client.post(_url(Customer, "add"), {"account": theirs.account.pk, "company": "Planted Co"})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert not Customer.objects.filter(company="Planted Co").exists()
    assert client.post(_url(Customer, "add"), {"account": ours.account.pk, "company": "Own Co"}).status_code == 302
    assert Customer.objects.get(company="Own Co").account == ours.account


def test_a_sales_executive_cannot_attach_serials_to_another_accounts_order_line(worlds):
    ours, theirs = worlds
    client = _with_every_permission_of(ours.executive, ShippedSerials)
    their_line = OrderLine.objects.get(order__account=theirs.account)
    page = client.post(_url(ShippedSerials, "add"), {"order_line": their_line.pk, "serials": '["SN-X"]'})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert not ShippedSerials.objects.filter(order_line=their_line).exists()


def test_the_raw_id_lookup_of_an_account_lists_the_executives_accounts_only(worlds):
    ours, theirs = worlds
    client = _with_every_permission_of(ours.executive, Account)
    listing = client.get(_url(Account, "changelist"), {"_to_field": "id", "_popup": "1"})
    assert [row.pk for row in listing.context["cl"].result_list] == [ours.account.pk]
    # Filtering by Orbit's id finds nothing, as for an account that does not exist.
    assert list(client.get(_url(Account, "changelist"), {"id__exact": theirs.account.pk}).context["cl"].result_list) == []


def test_a_sales_executive_grants_no_staff_or_superuser_status(worlds):
    ours, _ = worlds
    user = ours.colleague.user
    client = _with_every_permission_of(ours.executive, type(user))
    data = {"username": user.username, "email": user.email, "first_name": "New", "last_name": user.last_name, "is_active": "on",
            "is_staff": "on", "is_superuser": "on", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"}
    assert client.post(_url(type(user), "change", user.pk), data).status_code == 302
    user.refresh_from_db()
    assert user.first_name == "New" and not user.is_staff and not user.is_superuser


# --- pages beyond the list, change and delete: downloads and buttons ----------------------------------


def _download_urls(world: World) -> dict[str, tuple[str, str]]:
    """(method, URL) of each admin page that names one of the world's objects outside the change page."""
    rma = RmaRequest.objects.get(account=world.account)
    vl_order = LicenceOrder.objects.get(account=world.account)
    registration = Registration.objects.filter(account=world.account).first() or _registration(world)
    return {
        "RMA attachment": ("get", reverse("admin:rma_attachment_download", args=[rma.pk, RmaAttachment.objects.get(rma=rma).pk])),
        "invoice PDF": ("get", reverse("admin:orders_invoice_pdf", args=[Invoice.objects.get(account=world.account).pk])),
        "eCertificate": ("get", reverse("admin:licensing_licenceorder_certificate", args=[vl_order.pk])),
        "software keys": ("get", reverse("admin:licensing_licenceorder_keys", args=[vl_order.pk])),
        "licensing move": ("post", reverse("admin:licensing_licenceorder_move", args=[vl_order.pk, "sent"])),
        "licensing invoice": ("post", reverse("admin:licensing_licenceorder_invoice", args=[vl_order.pk])),
        "registration document": ("get", reverse("admin:accounts_registration_document", args=[registration.pk, registration.documents.get().pk])),
    }


def test_a_sales_executive_gets_404_on_another_accounts_downloads_and_buttons(worlds):
    ours, theirs = worlds
    ours.executive.user_permissions.set(
        Permission.objects.filter(content_type__in=[ContentType.objects.get_for_model(m) for m in (RmaRequest, Invoice, LicenceOrder, Registration)])
    )
    client = client_for(ours.executive)
    before = LicenceOrder.objects.values_list("state", flat=True).get(account=theirs.account)
    refused = {name: getattr(client, method)(url).status_code for name, (method, url) in _download_urls(theirs).items()}
    assert refused == dict.fromkeys(refused, 404)
    assert LicenceOrder.objects.values_list("state", flat=True).get(account=theirs.account) == before
    # The control: the same pages of Acme's objects are found (a download, or the keys page sending back
    # to the order, none of whose products delivers a key).
    own = {name: client.get(url).status_code for name, (method, url) in _download_urls(ours).items() if method == "get"}
    assert own == {"RMA attachment": 200, "invoice PDF": 200, "eCertificate": 200, "software keys": 302, "registration document": 200}


# --- an admin of no account's rows that shows some under it ----------------------------------------------


def test_an_events_page_lists_only_the_executives_contacts_among_its_registrations(worlds, back_office):
    ours, theirs = worlds
    event = EventFactory()
    RegistrationFactory(event=event, contact=ours.me, kind=EventRegistration.Kind.CUSTOMER_CONTACT, email=ours.me.user.email)
    RegistrationFactory(event=event, contact=theirs.me, kind=EventRegistration.Kind.CUSTOMER_CONTACT, email=theirs.me.user.email)
    RegistrationFactory(event=event, email="walk-in@outside.test")
    ours.executive.user_permissions.set(
        Permission.objects.filter(content_type__in=[ContentType.objects.get_for_model(m) for m in (type(event), EventRegistration)])
    )
    client = client_for(ours.executive)
    page = client.get(_url(type(event), "change", event.pk)).content.decode()
    assert ours.me.user.email in page and theirs.me.user.email not in page and "walk-in@outside.test" not in page
    office = client_for(back_office).get(_url(type(event), "change", event.pk)).content.decode()
    assert theirs.me.user.email in office and "walk-in@outside.test" in office


def test_the_outbox_is_the_back_offices_only(worlds, back_office):
    ours, _ = worlds
    client = _with_every_permission_of(ours.executive, OutboundEmail)
    assert client.get(_url(OutboundEmail, "changelist")).status_code == 403
    assert "outboundemail" not in client.get(reverse("admin:index")).content.decode()
    assert client_for(back_office).get(_url(OutboundEmail, "changelist")).status_code == 200
