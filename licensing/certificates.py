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


def _refuse_fetch(url: str, *args, **kwargs) -> dict:
    # The template inlines its CSS and uses installed fonts: the PDF never reaches out, even for a URL
    # a reseller typed into an end customer's name.
    raise ValueError(f"eCertificates load nothing from outside: {url}")


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
    # Imported here: WeasyPrint takes most of a second to load, which only PDF makers should pay.
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
