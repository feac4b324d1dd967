"""The one way the store makes a PDF: WeasyPrint, with a URL fetcher that opens only our static files.

Quotes, invoices and eCertificates carry text typed by resellers and their customers. Templates escape
it, but should markup ever get through, a PDF must not become a way to read the server's files
(`file:///etc/passwd`), reach services on its network (`http://127.0.0.1:6379/`, the cloud's metadata
address) or smuggle content in (`data:`): WeasyPrint's own fetcher does all three (CVE-2025-68616).
Here every URL is refused and logged, except a file of the store's own static files, read from disk
without any request. A refused resource is left out and the document still renders.
"""

from __future__ import annotations

import logging
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)


class PdfFetchRefused(ValueError):
    """A PDF asked for a URL that is not one of the store's static files."""


def pdf_base_url() -> str:
    """The address relative URLs of a PDF template resolve against: the store's own."""
    return settings.SITE_URL.rstrip("/") + "/"


def pdf_static_file(url: str) -> Path | None:
    """The local file of one of the store's static files at that URL, or None for any other URL."""
    prefix = urljoin(pdf_base_url(), settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    split = urlsplit(url)
    if split.query or split.fragment or split.username or split.password:
        return None
    relative = unquote(url[len(prefix) :])
    segments = relative.split("/")
    # No way out of the static directories: no parent, no empty or current segment, no other separator.
    if not relative or "\\" in relative or "\0" in relative or any(seg in {"", ".", ".."} for seg in segments):
        return None
    collected = Path(settings.STATIC_ROOT, *segments)
    if collected.is_file():
        return collected
    found = finders.find(relative)
    return Path(found) if isinstance(found, str) else None


@cache
def _fetcher_class():
    # Imported here: WeasyPrint takes most of a second to load, which only PDF makers should pay.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnlyFetcher(URLFetcher):
        """Answers our static files from disk and refuses every other URL, whatever its scheme."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            path = pdf_static_file(url)
            if path is None:
                # The URL is what someone typed: logged shortened, as data, never followed.
                logger.warning("PDF fetch refused: %.200r", url)
                raise PdfFetchRefused(f"PDFs load nothing but the store's static files: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return StaticFilesOnlyFetcher


def pdf_url_fetcher():
    """A fresh fetcher for one document (fetchers hold per-request state)."""
    return _fetcher_class()(allow_redirects=False)


def pdf_write(html: str) -> bytes:
    """The PDF of a rendered template; only the store's static files are ever loaded."""
    from weasyprint import HTML

    return HTML(string=html, base_url=pdf_base_url(), url_fetcher=pdf_url_fetcher()).write_pdf()
