from __future__ import annotations

from decimal import Decimal

import factory

from accounts.models import Account, Contact, User

PASSWORD = "Sturdy-Pass-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            obj.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    customer_code = factory.Sequence(lambda n: f"C-{n:05d}")
    company_name = factory.Sequence(lambda n: f"Reseller Number{n} Ltd")
    tax_id = factory.Sequence(lambda n: f"TAX{n:06d}")
    country = "MX"
    currency = "MXN"
    credit_limit = Decimal("100000.00")
    credit_used = Decimal("0.00")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    state = Contact.State.ACTIVE
    position = "Buyer"
    telephone = "+52 55 0000 0000"
    can_see_prices = True
    can_order = True
    can_quote = True
    can_rma = True
    can_license = True
    can_download = True
    can_invoice = True
