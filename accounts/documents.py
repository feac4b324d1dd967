"""The documents a new customer attaches, per country, and the check of each uploaded file.

A file's type is told from its content, never from its name or the content type the browser sent:
PDF, JPEG and PNG by their first bytes; a .docx only when its package declares a Word document and
holds no macros; a .doc only when its compound file holds a WordDocument stream and no macro storage.
Anything else in a zip or a compound file (a .docm, a JAR, an installer, a spreadsheet) is refused, and
so is any file that is also a web page or a script, an image that is not one from end to end, and a PDF
with scripts, attached files or actions (storefront.uploads).
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy as _

from storefront.errors import DomainError
from storefront.uploads import UploadRefusal, upload_refusal

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


# (magic bytes, content type, extension) of the kinds told by their first bytes alone.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOC = ("application/msword", "doc")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")


class _Malformed(Exception):
    """A zip or compound file that breaks its format's rules."""


# --- .docx: an Office Open XML package whose main part is a Word document without macros -----------

DOCX_MAX_ENTRIES = 1000
# Text compresses well, but 1 MB of it never unpacks to more than this in a real document.
DOCX_MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024
_CONTENT_TYPES_MAX_BYTES = 256 * 1024
_CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# The parts that carry macros, whatever the content types claim.
_MACRO_PARTS = frozenset({"vbaproject.bin", "vbadata.xml"})
# Never in a Word document; what makes a zip that also looks like one runnable (a JAR, a dropper).
_FOREIGN_SUFFIXES = (".class", ".jar", ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".js", ".sh")


def _zip_entries_sane(archive: zipfile.ZipFile) -> bool:
    """Few enough entries, a bounded total size, no name twice, and every entry intact (CRC)."""
    entries = archive.infolist()
    if not entries or len(entries) > DOCX_MAX_ENTRIES:
        return False
    if sum(entry.file_size for entry in entries) > DOCX_MAX_UNCOMPRESSED_BYTES:
        return False
    names = [entry.filename.lower() for entry in entries]
    if len(set(names)) != len(names):
        return False
    if any(name.rsplit("/", 1)[-1] in _MACRO_PARTS or name.endswith(_FOREIGN_SUFFIXES) for name in names):
        return False
    # Reading checks each CRC; zipfile never inflates past the declared sizes bounded above.
    for entry in entries:
        with archive.open(entry) as member:
            while member.read(64 * 1024):
                pass
    return True


def _content_types(raw: bytes) -> list[tuple[str, str, str]]:
    """(element, part name, content type) of each declaration in [Content_Types].xml; _Malformed otherwise."""
    declared: list[tuple[str, str, str]] = []
    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        if depth == 0 and tag != f"{_CONTENT_TYPES_NS} Types":
            raise _Malformed
        if depth == 1:
            declared.append((tag, attrs.get("PartName", ""), attrs.get("ContentType", "").strip().lower()))
        depth += 1

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1

    def refuse(*args) -> None:
        # No document type declaration, hence no entity to expand.
        raise _Malformed

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(raw, True)
    except expat.ExpatError:
        raise _Malformed from None
    return declared


def _docx_main_declared(archive: zipfile.ZipFile) -> bool:
    """[Content_Types].xml names one present part as a Word document's main part, and nothing macro-enabled."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return False
    if info.file_size > _CONTENT_TYPES_MAX_BYTES:
        return False
    try:
        declared = _content_types(archive.read(info))
    except _Malformed:
        return False
    if any("macroenabled" in content_type or "vbaproject" in content_type for _tag, _part, content_type in declared):
        return False
    mains = [part for tag, part, content_type in declared if tag == f"{_CONTENT_TYPES_NS} Override" and content_type == _WORD_MAIN]
    if len(mains) != 1:
        return False
    # Part names are case-insensitive and written with a leading slash.
    present = {name.lower() for name in archive.namelist()}
    return mains[0].lstrip("/").lower() in present


def _is_docx(stream: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            return _zip_entries_sane(archive) and _docx_main_declared(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError, RuntimeError):
        # Broken, encrypted (RuntimeError), or compressed in a way zipfile cannot read: not a document we take.
        return False


# --- .doc: an OLE2 compound file holding a WordDocument stream and no macro storage ----------------

_OLE_HEADER_BYTES = 512
_OLE_ENTRY_BYTES = 128
_OLE_HEADER_DIFAT_SLOTS = 109
_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_END_OF_CHAIN = 0xFFFFFFFE
_NO_STREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
# Compound file names compare case-insensitively.
_MACRO_NAMES = frozenset({"macros", "_vba_project", "vba"})


@dataclass(frozen=True)
class _OleEntry:
    name: str
    kind: int
    left: int
    right: int
    child: int


def _ole_entries(data: bytes) -> list[_OleEntry]:
    """The directory entries of a compound file; _Malformed for anything the format does not allow."""
    if len(data) < _OLE_HEADER_BYTES or not data.startswith(_OLE):
        raise _Malformed
    (major, byte_order, sector_shift, mini_shift) = struct.unpack_from("<HHHH", data, 0x1A)
    (fat_sectors, first_dir, _transaction, _cutoff, _first_mini_fat, _mini_fat_sectors, _first_difat, difat_sectors) = (
        struct.unpack_from("<8I", data, 0x2C)
    )
    if byte_order != 0xFFFE or mini_shift != 6 or (major, sector_shift) not in ((3, 9), (4, 12)):
        raise _Malformed
    sector_size = 1 << sector_shift
    sector_count = -(-(len(data) - sector_size) // sector_size) if len(data) > sector_size else 0
    # A file within the upload limit never needs FAT sectors beyond the header's own list.
    if difat_sectors != 0 or not 0 < fat_sectors <= _OLE_HEADER_DIFAT_SLOTS:
        raise _Malformed

    def sector(number: int) -> bytes:
        if number >= sector_count:
            raise _Malformed
        start = (number + 1) * sector_size
        return data[start : start + sector_size].ljust(sector_size, b"\0")

    fat: list[int] = []
    for number in struct.unpack_from(f"<{fat_sectors}I", data, 0x4C):
        fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(number)))

    directory = bytearray()
    seen: set[int] = set()
    current = first_dir
    while current != _END_OF_CHAIN:
        if current > _MAX_REGULAR_SECTOR or current in seen or current >= len(fat):
            raise _Malformed
        seen.add(current)
        directory += sector(current)
        current = fat[current]

    entries = []
    for offset in range(0, len(directory), _OLE_ENTRY_BYTES):
        raw = directory[offset : offset + _OLE_ENTRY_BYTES]
        name_length, kind = struct.unpack_from("<H", raw, 0x40)[0], raw[0x42]
        left, right, child = struct.unpack_from("<3I", raw, 0x44)
        size = struct.unpack_from("<Q", raw, 0x78)[0]
        if major == 3:  # version 3 files may leave garbage in the high half
            size &= 0xFFFFFFFF
        if kind == 0:
            entries.append(_OleEntry("", 0, _NO_STREAM, _NO_STREAM, _NO_STREAM))
            continue
        if kind not in (_STORAGE, _STREAM, _ROOT) or name_length % 2 or not 2 <= name_length <= 64 or size > len(data):
            raise _Malformed
        try:
            name = bytes(raw[: name_length - 2]).decode("utf-16-le")
        except UnicodeDecodeError:
            raise _Malformed from None
        entries.append(_OleEntry(name, kind, left, right, child))
    if not entries or entries[0].kind != _ROOT or any(entry.kind == _ROOT for entry in entries[1:]):
        raise _Malformed
    return entries


def _ole_children(entries: list[_OleEntry], parent: int) -> list[_OleEntry]:
    """The entries directly inside a storage: the tree under its child, walked by left and right siblings."""
    children: list[_OleEntry] = []
    seen: set[int] = set()
    pending = [entries[parent].child]
    while pending:
        number = pending.pop()
        if number == _NO_STREAM:
            continue
        # An entry met twice is a loop; the root or an unused slot is never a child.
        if number in seen or number >= len(entries) or entries[number].kind not in (_STORAGE, _STREAM):
            raise _Malformed
        seen.add(number)
        children.append(entries[number])
        pending += (entries[number].left, entries[number].right)
    return children


def _is_doc(stream: IO[bytes]) -> bool:
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        return False
    try:
        entries = _ole_entries(data)
        at_root = _ole_children(entries, 0)
    except (_Malformed, struct.error):
        return False
    # Anywhere in the file, even outside the tree: Word keeps its macros in Macros/VBA/_VBA_PROJECT.
    if any(entry.name.lower() in _MACRO_NAMES for entry in entries):
        return False
    return any(entry.kind == _STREAM and entry.name.lower() == "worddocument" for entry in at_root)


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
        elif head.startswith(_OLE) and _is_doc(stream):
            kind = DOC
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
    # A PDF or an image that is also a web page, or an image that is not one past its first bytes, is
    # not one of the kinds we take.
    refusal = upload_refusal(upload, extension=kind[1]) if kind is not None else UploadRefusal.NOT_THE_KIND
    if refusal is UploadRefusal.PDF_ACTIVE:
        raise DocumentError(
            gettext("%(document)s is a PDF with scripts, attached files or actions: print it to a new PDF and upload that.")
            % {"document": label}
        )
    if refusal is UploadRefusal.PDF_UNCHECKED:
        raise DocumentError(
            gettext("%(document)s is a PDF that cannot be checked (protected or damaged): print it to a new PDF and upload that.")
            % {"document": label}
        )
    if refusal is not None:
        raise DocumentError(gettext("%(document)s is not a PDF, JPG, Word or PNG file.") % {"document": label})
    return kind
