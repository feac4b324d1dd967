"""What every upload and every download of a stored file shares.

An uploaded file is told by its content, never by its name (accounts.documents, rma.attachments); this
package adds the checks of what the content holds. A file that is also a web page or a script (a
PDF/HTML or JPEG/HTML polyglot, a tag with an event handler) is refused (markup); an image must be
one from end to end, not a signature in front of an SVG or a page (images); a PDF must not run script,
carry files or take actions (pdf). The name the user gave is kept only as a label, cleaned of paths,
control and bidirectional characters, and always ending with the extension its content showed. Files
are stored under generated names and served by `attachment_response` only: a download, never shown
inline, never sniffed into something else.
"""

from __future__ import annotations

import logging
import unicodedata
from enum import Enum
from typing import IO

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

from storefront.uploads.images import jpeg_is_well_formed, png_is_well_formed
from storefront.uploads.markup import bytes_have_markup
from storefront.uploads.pdf import PdfVerdict, pdf_inspect

logger = logging.getLogger(__name__)

# What a file name may keep: no path, no control or formatting character (NUL, CR/LF, the bidi
# overrides that show "fdp.exe" as "exe.pdf"), at most this many characters before the extension.
DISPLAY_NAME_MAX = 100


class UploadRefusal(Enum):
    """Why a file whose first bytes showed a kind we take is still refused."""

    NOT_THE_KIND = "not_the_kind"  # also a page or a script, or not an image from end to end
    PDF_ACTIVE = "pdf_active"  # a PDF with scripts, attached files or actions
    PDF_UNCHECKED = "pdf_unchecked"  # a PDF whose objects cannot be read: encrypted, damaged, a zip bomb


_WELL_FORMED = {"png": png_is_well_formed, "jpg": jpeg_is_well_formed}


def upload_refusal(stream: IO[bytes], *, extension: str) -> UploadRefusal | None:
    """Why the file, sniffed as `extension`, must be refused, or None; rewound. Call it after the size check:
    the file is read whole."""
    stream.seek(0)
    try:
        data = stream.read()
    finally:
        stream.seek(0)
    # A polyglot may put its page anywhere: browsers sniff the first 512 bytes, a PDF reader looks at the end.
    if bytes_have_markup(data):
        logger.info("Upload refused: %s file holding markup", extension)
        return UploadRefusal.NOT_THE_KIND
    well_formed = _WELL_FORMED.get(extension)
    if well_formed is not None and not well_formed(data):
        logger.info("Upload refused: not a well-formed %s file", extension)
        return UploadRefusal.NOT_THE_KIND
    if extension == "pdf" and (finding := pdf_inspect(data)) is not None:
        logger.info("Upload refused: PDF %s (%s)", finding.verdict.value, finding.detail)
        return UploadRefusal.PDF_ACTIVE if finding.verdict is PdfVerdict.ACTIVE else UploadRefusal.PDF_UNCHECKED
    return None


def upload_display_name(name: str | None, *, extension: str) -> str:
    """The user's file name as a harmless label that ends with the extension the content showed."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] not in {"C", "Z"} or char == " ")
    name = " ".join(name.split()).strip(" .")
    wanted = {extension, "jpeg"} if extension == "jpg" else {extension}
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in wanted:
        name = stem
    name = name[:DISPLAY_NAME_MAX].strip(" .") or "file"
    return f"{name}.{extension}"


def attachment_response(stream: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download: an attachment of its checked type, never sniffed, never cached."""
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
