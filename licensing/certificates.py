"""The eCertificate of a received licensing order: a pure PDF builder, tested without Celery.

`licensing.services.vl_certificate_release` calls it once the order's 24 hours have passed and stores
the bytes; nothing here writes to the database or to storage.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from licensing.models import LicenceKey, LicenceOrder
from storefront.pdf import pdf_write


def certificate_pdf_render(*, order: LicenceOrder) -> bytes:
    """The eCertificate as a PDF: WeasyPrint from templates/licensing/pdf/certificate.html, nothing fetched."""
    lines = list(order.lines.order_by("id").prefetch_related(Prefetch("keys", queryset=LicenceKey.objects.order_by("id"))))
    html = render_to_string(
        "licensing/pdf/certificate.html",
        {
            "STORE_NAME": settings.STORE_NAME,
            "order": order,
            "account": order.account,
            "received_on": timezone.localdate(order.received_at) if order.received_at else None,
            "lines": lines,
        },
    )
    return pdf_write(html)
