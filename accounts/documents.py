"""The documents a new customer attaches, per country, and the check of each uploaded file.

A file's type is told from its content (its first bytes, and for Word's .docx the zip's own
entries), never from its name or the content type the browser sent.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy as _

from storefront.errors import DomainError

MAX_DOCUMENT_BYTES = 1024 * 1024

# What the file input offers; only a hint for the browser's file picker, never trusted.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.doc,.docx"


class DocumentError(DomainError):
    """An uploaded document refused: too large, or not a PDF, JPG, Word or PNG file."""


@dataclass(frozen=True)
class Document:
    key: str
    label: str | Promise


NATIONAL_ID = Document("national_id", _("National ID Card photocopy"))
RUT = Document("rut", _("Sole Tax Registry Form (RUT)"))
SALES_INVOICE = Document("sales_invoice", _("Sales invoice"))
DPI = Document("dpi", _("Personal ID Document (DPI)"))
TAX_ID_NUMBER = Document("tax_id_number", _("Tax ID Number"))
FISCAL_STANDING = Document("fiscal_standing", _("Certificate of fiscal standing"))
LEGAL_REPRESENTATIVE_ID = Document("legal_representative_id", _("Legal Representative official ID (INE, ID Card, Passport)"))
CHAMBER_OF_COMMERCE = Document("chamber_of_commerce", _("Chamber of Commerce Certificate"))

# The help pages' table; a country not listed asks for no documents.
COUNTRY_DOCUMENTS: dict[str, tuple[Document, ...]] = {
    "CL": (NATIONAL_ID, RUT),
    "CO": (CHAMBER_OF_COMMERCE, RUT),
    "CR": (NATIONAL_ID, SALES_INVOICE),
    "GT": (DPI, TAX_ID_NUMBER),
    "MX": (FISCAL_STANDING, LEGAL_REPRESENTATIVE_ID),
}

_ALL = {doc.key: doc for docs in COUNTRY_DOCUMENTS.values() for doc in docs}


def documents_for(country: str) -> tuple[Document, ...]:
    """The documents a new customer of that country attaches, in the order the form asks for them."""
    return COUNTRY_DOCUMENTS.get(country, ())


def document_label(key: str) -> str:
    """The label of a document by its key (the key itself for one no longer in the table)."""
    doc = _ALL.get(key)
    return str(doc.label) if doc else key


# (magic bytes, content type, extension); .docx is a zip and is told apart below.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword", "doc"),
)
_ZIP = b"PK\x03\x04"
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")


def _is_docx(stream: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def document_sniff(stream: IO[bytes]) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG, PNG, .doc or .docx stream, or None; the stream is rewound."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind: tuple[str, str] | None = None
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            kind = (content_type, extension)
            break
    else:
        if head.startswith(_ZIP) and _is_docx(stream):
            kind = DOCX
    stream.seek(0)
    return kind


def document_check(upload: IO[bytes], *, label: str | Promise) -> tuple[str, str]:
    """(content type, extension) of an acceptable document, or DocumentError naming the document."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(gettext("%(document)s is larger than 1 MB.") % {"document": label})
    if size == 0:
        raise DocumentError(gettext("%(document)s is an empty file.") % {"document": label})
    kind = document_sniff(upload)
    if kind is None:
        raise DocumentError(gettext("%(document)s is not a PDF, JPG, Word or PNG file.") % {"document": label})
    return kind
