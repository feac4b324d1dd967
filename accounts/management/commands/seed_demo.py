"""Demo data for `make run`: two reseller accounts, their contacts, a sales executive, the back office,
and a catalog of 2,000 products with the accounts' price lists; for RMA, the service centres, delivered
orders with serial numbers and one request in each state; for volume licensing, the programs per
country, their products, a held special-price order and a received order with its eCertificate.

Safe to run twice: rows are found by their natural keys and left as they are; passwords are only set
on users this command creates; the catalog is seeded only while there is no product, and an account
keeps a price list it already has.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from accounts.models import Account, Contact, ContactEvent, User
from catalog.models import PriceList, Product
from licensing.demo import licensing_demo_seed
from rma.demo import rma_demo_seed
from storefront.events.demo import events_demo_seed
from storefront.help.demo import help_demo_seed

DEMO_PASSWORD = "Demo-Store-2026"

ALL_PERMISSIONS = {name: True for name in Contact.PERMISSION_FIELDS}

ACCOUNTS = [
    {
        "customer_code": "MX-10001",
        "company_name": "Acme Reseller",
        "tax_id": "ARE190101AB1",
        "country": "MX",
        "currency": "MXN",
        "credit_limit": Decimal("250000.00"),
        "credit_used": Decimal("42150.00"),
        "address": "Av. Insurgentes Sur 1602",
        "city": "Ciudad de México",
        "phone": "+52 55 5555 0100",
        "contacts": [
            ("ana.admin@acme-reseller.test", "ana.admin", "Ana", "Alvarez", "Purchasing manager", True),
            ("carlos.buyer@acme-reseller.test", "carlos.buyer", "Carlos", "Bermudez", "Buyer", False),
        ],
    },
    {
        "customer_code": "CO-20001",
        "company_name": "Orbit IT",
        "tax_id": "900123456-7",
        "country": "CO",
        "currency": "COP",
        "credit_limit": Decimal("180000000.00"),
        "credit_used": Decimal("25000000.00"),
        "address": "Carrera 7 # 71-21",
        "city": "Bogotá",
        "phone": "+57 601 555 0200",
        "contacts": [
            ("olga.admin@orbit-it.test", "olga.admin", "Olga", "Ortiz", "General manager", True),
            ("omar.buyer@orbit-it.test", "omar.buyer", "Omar", "Ospina", "Buyer", False),
        ],
    },
]

SALES_EXECUTIVE_PERMISSIONS = ["view_account", "change_account", "view_contact"]
# A contact who lost its phone asks its sales executive, who removes the old authenticator (accounts.admin).
SALES_EXECUTIVE_MFA_PERMISSIONS = ["view_authenticator", "delete_authenticator"]

# The demo catalog: its size, a fixed seed (every demo shows the same products), and each account's list.
DEMO_PRODUCTS = 2000
DEMO_CATALOG_SEED = 2026
DEMO_PRICE_LISTS = {"MX-10001": "GOLD-MXN", "CO-20001": "BASE-COP"}


class Command(BaseCommand):
    help = "Load the demo accounts, contacts, staff and a 2,000-product catalog (idempotent)."

    def _user(self, *, email: str, username: str, first: str, last: str, **flags) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, username=username, first_name=first, last_name=last, **flags)
            user.set_password(DEMO_PASSWORD)
            user.save()
            self.stdout.write(f"  created {email}")
        return user

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        self.stdout.write("Demo data:")
        backoffice = self._user(
            email="backoffice@distributor.test", username="backoffice", first="Beatriz", last="Office",
            is_staff=True, is_superuser=True,
        )
        sales = self._user(email="sam.sales@distributor.test", username="sam.sales", first="Sam", last="Sanchez", is_staff=True)
        group, _ = Group.objects.get_or_create(name="Sales executives")
        group.permissions.set(
            Permission.objects.filter(
                Q(content_type__app_label="accounts", codename__in=SALES_EXECUTIVE_PERMISSIONS)
                | Q(content_type__app_label="mfa", codename__in=SALES_EXECUTIVE_MFA_PERMISSIONS)
            )
        )
        sales.groups.add(group)

        for spec in ACCOUNTS:
            fields = {key: value for key, value in spec.items() if key != "contacts"}
            account, _ = Account.objects.get_or_create(
                customer_code=spec["customer_code"], defaults={**fields, "sales_executive": sales}
            )
            for email, username, first, last, position, is_admin in spec["contacts"]:
                user = self._user(email=email, username=username, first=first, last=last)
                contact, made = Contact.objects.get_or_create(
                    user=user,
                    defaults={
                        "account": account,
                        "position": position,
                        "telephone": spec["phone"],
                        "is_admin": is_admin,
                        "state": Contact.State.ACTIVE,
                        **ALL_PERMISSIONS,
                    },
                )
                if made:
                    ContactEvent.objects.create(contact=contact, actor=backoffice, to_state=contact.state, note="demo data")

        if not Product.objects.exists():
            call_command("seed_catalog", products=DEMO_PRODUCTS, seed=DEMO_CATALOG_SEED, stdout=self.stdout)
        for customer_code, code in DEMO_PRICE_LISTS.items():
            price_list = PriceList.objects.filter(code=code).first()
            if price_list is None:
                continue
            if Account.objects.filter(customer_code=customer_code, price_list__isnull=True).update(price_list=price_list):
                self.stdout.write(f"  {customer_code} buys from {price_list.name}")
        # Delivered orders with serial numbers, the service centres and one RMA request in each state.
        rma_demo_seed(actor=backoffice, customer_codes=[spec["customer_code"] for spec in ACCOUNTS], stdout=self.stdout)
        # Programs per country, licensing products, a held special-price order and a received one with its eCertificate.
        licensing_demo_seed(actor=backoffice, customer_codes=[spec["customer_code"] for spec in ACCOUNTS], stdout=self.stdout)
        # Upcoming events in Mexico, Colombia and Miami, and one past event.
        events_demo_seed(stdout=self.stdout)
        # The FAQ, new features and a location in every country for the help centre.
        help_demo_seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo users ready; their password is {DEMO_PASSWORD}"))
