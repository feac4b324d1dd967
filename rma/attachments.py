"""What an uploaded attachment really is, told from its first bytes, never from its name."""

from __future__ import annotations

from typing import IO

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 10

# (magic bytes, content type, extension)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff(stream: IO[bytes]) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG stream, or None; the stream is rewound."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None
