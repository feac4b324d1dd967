"""Every URL of the store, classified: who may open it, which contact permission it needs, and which
seeded object fills each of its parameters.

A route missing here fails `test_routes_classified.py`, so a new page cannot ship without saying who it
is for. The Django admin (namespace `admin`) is back office as a whole: `admin.site.admin_view` guards
every one of its pages, custom ones included, and the walker checks that for each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = "public"  # anyone, a visitor included
CONTACT = "contact"  # a signed-in, active contact of a customer account
SALES = "sales executive"  # distributor staff working for its own accounts (the licensing console)
BACK_OFFICE = "back office"  # distributor staff: the Django admin and the support console
KINDS = (PUBLIC, CONTACT, SALES, BACK_OFFICE)

# The contact permission flags (Contact.PERMISSIONS) plus the administrator flag.
FLAGS = ("is_admin", "can_see_prices", "can_order", "can_quote", "can_rma", "can_license", "can_download", "can_invoice")

# Seeded objects that belong to one account (or one of its contacts): another account's must be a 404.
OWNED = frozenset(
    {
        "contact", "order", "invoice", "quote", "quote_line", "quote_pdf", "cart_line", "rma",
        "rma_attachment", "vl_order", "price_list", "conversation",
    }
)


@dataclass(frozen=True)
class Route:
    """How one URL is reached.

    needs: each set is a requirement met by any one of its flags; a contact holding none of the flags
    of one set is refused. objects: URL parameter -> key of the seeded object that fills it.
    """

    kind: str
    needs: tuple[frozenset[str], ...] = ()
    objects: dict[str, str] = field(default_factory=dict)
    note: str = ""
    # Parameters naming a line to remove: a line not in the contact's own cart or quote is removed as
    # a line removed twice is, a no-op answered exactly as for a line that does not exist (no 404, so
    # a double click is harmless; nothing tells whether the line exists).
    noop: frozenset[str] = frozenset()


def _needs(*sets: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(s.split("|")) for s in sets)


ADMIN = _needs("is_admin")
CART = _needs("can_see_prices", "can_order|can_quote")
ORDER = _needs("can_see_prices", "can_order")
TRANSACTIONS = _needs("can_order|can_invoice|is_admin")
INVOICES = _needs("can_invoice|is_admin")
QUOTES = _needs("can_quote", "can_see_prices")
PRICES = _needs("can_see_prices")
RMA = _needs("can_rma")
LICENSING = _needs("can_license")
DOWNLOADS = _needs("can_download")
CERTIFICATE = _needs("can_license|can_download")

ROUTES: dict[str, Route] = {
    # --- storefront -----------------------------------------------------------------------------
    "home": Route(PUBLIC),
    "healthz": Route(PUBLIC),
    "country-set": Route(PUBLIC),
    "dev-outbox": Route(PUBLIC, note="DEBUG only: a 404 otherwise"),
    "set_language": Route(PUBLIC),
    # --- accounts: the contact's own account, the contact list, the links of the contact's emails ---
    "accounts:account-detail": Route(CONTACT),
    "accounts:contact-information": Route(CONTACT),
    "accounts:contact-list": Route(CONTACT, ADMIN),
    "accounts:contact-create": Route(CONTACT, ADMIN),
    "accounts:totp-requirement": Route(CONTACT, ADMIN),
    "accounts:security-log": Route(CONTACT, ADMIN),
    "accounts:contact-edit": Route(CONTACT, ADMIN, {"pk": "contact"}),
    "accounts:contact-deactivate": Route(CONTACT, ADMIN, {"pk": "contact"}),
    "accounts:contact-reactivate": Route(CONTACT, ADMIN, {"pk": "contact"}),
    "accounts:contact-invitation": Route(CONTACT, ADMIN, {"pk": "contact"}),
    "accounts:contact-confirm": Route(PUBLIC, objects={"token": "link"}, note="the emailed link is the credential"),
    "accounts:contact-activate": Route(PUBLIC, objects={"token": "link"}, note="the emailed link is the credential"),
    "accounts:contact-activate-code": Route(PUBLIC, objects={"token": "link"}, note="the emailed link is the credential"),
    "accounts:contact-activate-password": Route(PUBLIC, objects={"token": "link"}, note="the emailed link is the credential"),
    "accounts:email-validate": Route(PUBLIC, objects={"token": "link"}, note="the emailed link is the credential"),
    "accounts:signin-link-request": Route(PUBLIC, note="the same answer whatever the name: sends only to the user's own email"),
    "accounts:signin-link-sent": Route(PUBLIC),
    "accounts:signin-link": Route(PUBLIC, objects={"key": "signin_key"}, note="the emailed link is the credential; it still asks for the password"),
    "accounts:signin-link-password": Route(PUBLIC, note="only with a live sign-in link's key in the session"),
    "accounts:become-customer": Route(PUBLIC),
    "accounts:registration-done": Route(PUBLIC),
    "accounts:request-access": Route(PUBLIC),
    "accounts:request-access-done": Route(PUBLIC),
    # --- allauth: sign-in, sign-out, passwords ---------------------------------------------------
    "account_login": Route(PUBLIC),
    "account_logout": Route(PUBLIC),
    "account_inactive": Route(PUBLIC),
    "account_signup": Route(PUBLIC, note="closed: the page says so"),
    "account_change_password": Route(PUBLIC, note="allauth: a visitor is sent to sign in"),
    "account_set_password": Route(PUBLIC, note="allauth: a visitor is sent to sign in"),
    "account_reset_password": Route(PUBLIC),
    "account_reset_password_done": Route(PUBLIC),
    "account_reset_password_from_key": Route(PUBLIC, objects={"uidb36": "reset_uid", "key": "reset_key"}),
    "account_reset_password_from_key_done": Route(PUBLIC),
    "account_reauthenticate": Route(PUBLIC, note="allauth: a visitor is sent to sign in"),
    "backoffice-password-change": Route(PUBLIC, note="a redirect to account_change_password"),
    # --- allauth MFA: the authenticator app of the signed-in user; the code step of a sign-in -------
    "mfa_index": Route(PUBLIC, note="allauth: a visitor is sent to sign in"),
    "mfa_authenticate": Route(PUBLIC, note="the code step: only with a sign-in waiting for its code"),
    "mfa_reauthenticate": Route(PUBLIC, note="allauth: a visitor is sent to sign in"),
    "mfa_activate_totp": Route(PUBLIC, note="allauth: a visitor is sent to sign in"),
    "mfa_deactivate_totp": Route(PUBLIC, note="allauth: a visitor is sent to sign in"),
    # --- catalog: browsing is public (prices only for contacts who may see them) ------------------
    "catalog:home": Route(PUBLIC),
    "catalog:search": Route(PUBLIC),
    "catalog:category": Route(PUBLIC, objects={"slug": "category"}),
    "catalog:brand": Route(PUBLIC, objects={"slug": "brand"}),
    "catalog:product-detail": Route(PUBLIC, objects={"sku": "product"}),
    "catalog:price-list-create": Route(CONTACT, PRICES),
    "catalog:price-list-files": Route(CONTACT, PRICES),
    "catalog:price-list-status": Route(CONTACT, PRICES, {"token": "price_list"}),
    "catalog:price-list-download": Route(CONTACT, PRICES, {"token": "price_list"}),
    # --- orders ---------------------------------------------------------------------------------
    "orders:cart": Route(CONTACT, CART),
    "orders:cart-add": Route(CONTACT, CART),
    "orders:dialog-close": Route(PUBLIC, note="closes an htmx dialog: an empty answer"),
    "orders:cart-update": Route(CONTACT, CART),
    "orders:cart-remove": Route(CONTACT, CART, {"line_id": "cart_line"}, noop=frozenset({"line_id"})),
    "orders:cart-add-item": Route(CONTACT, CART),
    "orders:cart-add-multiple": Route(CONTACT, CART),
    "orders:checkout": Route(CONTACT, ORDER),
    "orders:order-list": Route(CONTACT, TRANSACTIONS),
    "orders:order-detail": Route(CONTACT, TRANSACTIONS, {"number": "order"}),
    "orders:order-placed": Route(CONTACT, TRANSACTIONS, {"number": "order"}),
    "orders:order-cancel": Route(CONTACT, _needs("can_order"), {"number": "order"}),
    "orders:invoice-list": Route(CONTACT, INVOICES),
    "orders:invoice-pdf": Route(CONTACT, INVOICES, {"number": "invoice"}),
    "orders:statement": Route(CONTACT, INVOICES),
    "orders:statement-xlsx": Route(CONTACT, INVOICES),
    # --- quotes ---------------------------------------------------------------------------------
    "quotes:quote-list": Route(CONTACT, QUOTES),
    "quotes:quote-add": Route(CONTACT, QUOTES),
    "quotes:quote-current": Route(CONTACT, QUOTES),
    "quotes:quote-from-cart": Route(CONTACT, QUOTES),
    "quotes:quote-pdf-status": Route(CONTACT, QUOTES, {"token": "quote_pdf"}),
    "quotes:quote-pdf-download": Route(CONTACT, QUOTES, {"token": "quote_pdf"}),
    "quotes:quote-detail": Route(CONTACT, QUOTES, {"number": "quote"}),
    "quotes:quote-created": Route(CONTACT, QUOTES, {"number": "quote"}),
    "quotes:quote-preview": Route(CONTACT, QUOTES, {"number": "quote"}),
    "quotes:quote-save": Route(CONTACT, QUOTES, {"number": "quote"}),
    "quotes:quote-add-item": Route(CONTACT, QUOTES, {"number": "quote"}),
    "quotes:customer-save": Route(CONTACT, QUOTES, {"number": "quote"}),
    "quotes:quote-line-remove": Route(
        CONTACT, QUOTES, {"number": "quote", "line_id": "quote_line"}, noop=frozenset({"line_id"})
    ),
    "quotes:quote-activate": Route(CONTACT, QUOTES, {"number": "quote"}),
    "quotes:quote-to-cart": Route(CONTACT, QUOTES + _needs("can_order"), {"number": "quote"}),
    "quotes:quote-pdf": Route(CONTACT, QUOTES, {"number": "quote"}),
    # --- RMA ------------------------------------------------------------------------------------
    "rma:home": Route(CONTACT, RMA),
    "rma:request": Route(CONTACT, RMA),
    "rma:request-claim": Route(CONTACT, RMA),
    "rma:rma-list": Route(CONTACT, RMA),
    "rma:rma-detail": Route(CONTACT, RMA, {"number": "rma"}),
    "rma:request-submitted": Route(CONTACT, RMA, {"number": "rma"}),
    "rma:attachment-download": Route(CONTACT, RMA, {"number": "rma", "pk": "rma_attachment"}),
    # --- volume licensing -----------------------------------------------------------------------
    "licensing:order-new": Route(CONTACT, LICENSING),
    "licensing:order-list": Route(CONTACT, LICENSING),
    "licensing:order-detail": Route(CONTACT, LICENSING, {"number": "vl_order"}),
    "licensing:order-cancel": Route(CONTACT, LICENSING, {"number": "vl_order"}),
    "licensing:counter-offer": Route(CONTACT, LICENSING, {"number": "vl_order"}),
    "licensing:certificate": Route(CONTACT, CERTIFICATE, {"number": "vl_order"}),
    "licensing:downloads": Route(CONTACT, DOWNLOADS),
    "licensing:downloads-keys": Route(CONTACT, DOWNLOADS),
    "licensing:console": Route(SALES),
    "licensing:console-detail": Route(SALES, objects={"number": "vl_order"}),
    "licensing:console-approve": Route(SALES, objects={"number": "vl_order"}),
    "licensing:console-reject": Route(SALES, objects={"number": "vl_order"}),
    "licensing:console-counter-offer": Route(SALES, objects={"number": "vl_order"}),
    "licensing:console-cancel": Route(SALES, objects={"number": "vl_order"}),
    # --- help centre ----------------------------------------------------------------------------
    "help:home": Route(PUBLIC),
    "help:faq": Route(PUBLIC),
    "help:questions": Route(PUBLIC),
    "help:new-features": Route(PUBLIC),
    "help:locations": Route(PUBLIC),
    # --- chat: a visitor (by its session) or a contact, each on its own conversations -------------
    "chat:start": Route(PUBLIC),
    "chat:conversation": Route(PUBLIC, objects={"pk": "conversation"}, note="the asker's own conversation only"),
    "chat:messages": Route(PUBLIC, objects={"pk": "conversation"}, note="the asker's own conversation only"),
    "chat:message-post": Route(PUBLIC, objects={"pk": "conversation"}, note="the asker's own conversation only"),
    "chat:end": Route(PUBLIC, objects={"pk": "conversation"}, note="the asker's own conversation only"),
    "chat:console": Route(BACK_OFFICE, note="support agents: staff with chat.answer_conversation"),
    "chat:console-conversation": Route(BACK_OFFICE, objects={"pk": "conversation"}),
    "chat:console-messages": Route(BACK_OFFICE, objects={"pk": "conversation"}),
    "chat:console-message-post": Route(BACK_OFFICE, objects={"pk": "conversation"}),
    "chat:console-close": Route(BACK_OFFICE, objects={"pk": "conversation"}),
    # --- events: public pages; "Register" as a customer needs a signed-in contact -----------------
    "events:list": Route(PUBLIC),
    "events:detail": Route(PUBLIC, objects={"pk": "event"}),
    "events:register-contact": Route(PUBLIC, objects={"pk": "event"}, note="a visitor is sent to sign in"),
    "events:register-visitor": Route(PUBLIC, objects={"pk": "event"}),
}

# The whole Django admin: one row for the namespace (see the module's docstring).
ADMIN_NAMESPACE = "admin"
ADMIN_ROUTE = Route(BACK_OFFICE, note="Django admin: admin_view sends anyone but active staff to its login")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the project: its name (namespaced), its route text, its parameters."""

    name: str
    route: str
    params: tuple[str, ...]
    pattern: URLPattern

    @property
    def is_admin(self) -> bool:
        return self.name.split(":")[0] == ADMIN_NAMESPACE

    @property
    def classification(self) -> Route | None:
        return ADMIN_ROUTE if self.is_admin else ROUTES.get(self.name)


def url_patterns(urlconf: str = "storefront.urls") -> Iterator[Pattern]:
    """Every URL pattern of the project, the included ones (the admin's too) recursively."""

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespaces + ((entry.namespace,) if entry.namespace else ())
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                name = ":".join(namespaces + (entry.name or "",))
                params = tuple(entry.pattern.regex.groupindex)
                yield Pattern(name=name, route=prefix + str(entry.pattern), params=params, pattern=entry)

    yield from walk(get_resolver(urlconf), "", ())
