"""What every upload and every download of a stored file shares.

An uploaded file is told by its content, never by its name (accounts.documents, rma.attachments); this
module adds the checks that do not depend on the kind: a file that is also a web page or a script (a
PDF/HTML or JPEG/HTML polyglot, a PDF that runs JavaScript) is refused, and the name the user gave is
kept only as a label, cleaned of paths, control and bidirectional characters, and always ending with
the extension its content showed. Files are stored under generated names and served by
`attachment_response` only: a download, never shown inline, never sniffed into something else.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

# Markup a browser would run if it ever rendered the file as a page, and the PDF actions that run
# code or open other files. Read over the whole file: a polyglot may put its page anywhere (browsers sniff the first 512 bytes, a PDF reader looks at the end).
_ACTIVE_MARKERS = re.compile(
    rb"(?i:<\s*(?:script|html|body|iframe|object|embed|!doctype\s+html|meta\s+http-equiv)[\s>/]|<\?php)|"
    # PDF names are case-sensitive; an action that runs script names its type /JavaScript.
    rb"/(?:JavaScript|Launch|EmbeddedFiles|RichMedia)\b"
)
# Markers are at least five bytes long, so random compressed data (a photo, a deflated PDF stream)
# matches one about once in ten thousand 5 MB files, not once in a hundred as "<svg" would.
_SCAN_CHUNK = 64 * 1024
_SCAN_OVERLAP = 32

# What a file name may keep: no path, no control or formatting character (NUL, CR/LF, the bidi
# overrides that show "fdp.exe" as "exe.pdf"), at most this many characters before the extension.
DISPLAY_NAME_MAX = 100


def upload_is_active(stream: IO[bytes]) -> bool:
    """True when the file also holds a web page, a server script or a PDF action that runs code; rewound."""
    stream.seek(0)
    tail = b""
    try:
        while chunk := stream.read(_SCAN_CHUNK):
            if _ACTIVE_MARKERS.search(tail + chunk):
                return True
            tail = chunk[-_SCAN_OVERLAP:]
    finally:
        stream.seek(0)
    return False


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
