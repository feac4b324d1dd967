"""Orders and invoices made directly as rows, for tests that need many of them or exact dates.

Orders placed through the services need stock and credit; the statement and the pages' query counts
need twenty invoices due on chosen days, which these make without either.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import Invoice, Order
from tests.accounts.factories import ContactFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    placed_by = factory.SubFactory(ContactFactory)
    account = factory.LazyAttribute(lambda o: o.placed_by.account)
    shipment_type = Order.Shipment.DELIVERY
    payment_method = Order.Payment.CREDIT
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    total = Decimal("1000.00")
    submission_key = factory.Sequence(lambda n: f"factory-{n:010d}")


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    order = factory.SubFactory(OrderFactory)
    account = factory.LazyAttribute(lambda o: o.order.account)
    number = factory.Sequence(lambda n: f"INV-T{n:07d}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    amount = factory.LazyAttribute(lambda o: o.order.total)
    currency = factory.LazyAttribute(lambda o: o.order.currency)
