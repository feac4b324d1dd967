"""PDF, PNG and JPEG files built byte by byte for the upload tests, each as a viewer would read it: a PDF
with its cross-reference table (or stream, for objects packed in an object stream), a PNG with its CRCs,
a JPEG that decodes (one grey pixel)."""

from __future__ import annotations

import struct
import zlib

# --- PDF --------------------------------------------------------------------------------------------

PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>"


def catalog(extra: bytes = b"") -> bytes:
    return b"<</Type/Catalog/Pages 2 0 R" + extra + b">>"


def stream(dictionary: bytes, data: bytes) -> bytes:
    """A stream object's body: its dictionary (the /Length added) and its data."""
    return b"<<" + dictionary + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream"


def pdf(objects: dict[int, bytes], *, trailer: bytes = b"", tail: bytes = b"") -> bytes:
    """A PDF of these objects (1 the catalog) with a cross-reference table; `tail` goes before the table."""
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += tail
    return out + _xref_table(offsets, len(out), trailer)


def _xref_table(offsets: dict[int, int], at: int, trailer: bytes) -> bytes:
    size = max(offsets) + 1
    rows = [b"0000000000 65535 f \n"]
    rows += [b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n" for n in range(1, size)]
    return (
        b"xref\n0 %d\n" % size + b"".join(rows) + b"trailer\n<</Size %d/Root 1 0 R" % size + trailer + b">>\n"
        b"startxref\n%d\n%%%%EOF\n" % at
    )


def pdf_at(objects: list[tuple[int, int, bytes]], *, trailer: bytes = b"") -> bytes:
    """A PDF whose cross-reference points each object where the caller says: (number, offset, file bytes).

    `objects` is the whole body after the header, given as pieces; an object's offset may fall inside
    another piece (an object hidden in a string or in stream data)."""
    out = b"%PDF-1.7\n"
    body = b"".join(piece for _number, _offset, piece in objects)
    offsets = {number: len(out) + offset for number, offset, _piece in objects}
    out += body
    return out + _xref_table(offsets, len(out), trailer)


def pdf_with_object_stream(
    plain: dict[int, bytes],
    packed: dict[int, bytes],
    *,
    dictionary: bytes = b"/Type/ObjStm",
    encode=zlib.compress,
    filters: bytes = b"/Filter/FlateDecode",
) -> bytes:
    """A PDF 1.5 file: `packed` objects in one object stream (number 90), found through a cross-reference
    stream (number 91); `plain` objects outside it."""
    header, objects = b"", b""
    for number, body in packed.items():
        header += b"%d %d " % (number, len(objects))
        objects += body + b"\n"
    content = header + objects
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets: dict[int, int] = {}
    for number, body in sorted(plain.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[90] = len(out)
    out += b"90 0 obj\n" + stream(dictionary + b"/N %d/First %d" % (len(packed), len(header)) + filters, encode(content)) + b"\nendobj\n"
    offsets[91] = len(out)
    rows = b""
    for number in range(92):
        if number in offsets:
            rows += struct.pack(">BIH", 1, offsets[number], 0)
        elif number in packed:
            rows += struct.pack(">BIH", 2, 90, list(packed).index(number))
        else:
            rows += struct.pack(">BIH", 0, 0, 0)
    out += b"91 0 obj\n" + stream(b"/Type/XRef/Size 92/W[1 4 2]/Root 1 0 R", rows) + b"\nendobj\n"
    return out + b"startxref\n%d\n%%%%EOF\n" % offsets[91]


def ascii_hex(data: bytes) -> bytes:
    return data.hex().encode() + b">"


# --- PNG --------------------------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*chunks: bytes) -> bytes:
    """A 1x1 RGBA PNG with these chunks between its header and its image data."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    image = png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(chunks) + image + png_chunk(b"IEND", b"")


# --- JPEG -------------------------------------------------------------------------------------------


def jpeg_segment(marker: int, body: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg(*segments: bytes) -> bytes:
    """A baseline 1x1 grey JPEG (one Huffman code each for its DC and AC tables, one block that is all
    grey) with these segments after its JFIF header."""
    one_code = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1, for the value 0
    return (
        b"\xff\xd8"
        + jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + b"".join(segments)
        + jpeg_segment(0xDB, b"\x00" + b"\x01" * 64)
        + jpeg_segment(0xC0, b"\x08" + struct.pack(">HH", 1, 1) + b"\x01\x01\x11\x00")
        + jpeg_segment(0xC4, b"\x00" + one_code)
        + jpeg_segment(0xC4, b"\x10" + one_code)
        + jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # DC difference 0, end of block, padded with ones
        + b"\xff\xd9"
    )
