"""Whether a file that starts like a PNG or a JPEG is one from end to end.

Three bytes of signature followed by an SVG or an HTML page are not an image: the whole file is walked
by its format's rules (PNG chunks with their CRCs, IHDR first and IEND last; JPEG segments with their
lengths, a frame header before the scan, the scan's data up to the end of image), and the text an
image may carry (PNG text chunks, inflated within a bound; JPEG comments and XMP metadata) must not
hold markup. A JPEG may have bytes after its end of image: phones append the second picture of a
multi-picture file or the video of a motion photo there; the markup check of the whole file
(storefront.uploads.markup) still reads them.
"""

from __future__ import annotations

import re
import struct
import zlib

from storefront.uploads.markup import text_has_markup

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8"

# A text chunk inflated past this is refused: metadata is a few kilobytes, a zip bomb is not. All the
# compressed text chunks of one file together may inflate to MAX_FILE_TEXT_BYTES, and a file may carry
# MAX_TEXT_CHUNKS text chunks: encoders write a handful. Past either, the file is refused.
MAX_TEXT_BYTES = 256 * 1024
MAX_FILE_TEXT_BYTES = 1024 * 1024
MAX_TEXT_CHUNKS = 64

# Bit depths each PNG colour type allows (PNG specification, 11.2.2).
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
_PNG_TEXT = {b"tEXt", b"zTXt", b"iTXt"}


def _inflate(data: bytes, limit: int) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, limit + 1)
    except zlib.error:
        return None
    return text if len(text) <= limit and inflater.eof else None


def _png_text(kind: bytes, body: bytes, limit: int) -> bytes | None:
    """The text of a tEXt, zTXt or iTXt chunk (keyword and value), or None when it does not decode or
    inflates past `limit`."""
    keyword, _, rest = body.partition(b"\0")
    if kind == b"tEXt":
        return keyword + b" " + rest
    if kind == b"zTXt":
        if rest[:1] != b"\0":
            return None
        text = _inflate(rest[1:], limit)
        return None if text is None else keyword + b" " + text
    # iTXt: compression flag and method, language tag, translated keyword, then the text.
    if len(rest) < 2 or rest[1] != 0:
        return None
    compressed, rest = rest[0], rest[2:]
    language, _, rest = rest.partition(b"\0")
    translated, _, text = rest.partition(b"\0")
    if compressed == 1:
        text = _inflate(text, limit)
        if text is None:
            return None
    elif compressed != 0:
        return None
    return b" ".join((keyword, language, translated, text))


def png_is_well_formed(data: bytes) -> bool:
    """A PNG from signature to IEND, every chunk intact, nothing after IEND, and no markup in its text."""
    if not data.startswith(PNG_SIGNATURE):
        return False
    position, size = len(PNG_SIGNATURE), len(data)
    first, image_data = True, False
    text_chunks, inflate_left = 0, MAX_FILE_TEXT_BYTES
    while position + 12 <= size:
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        if length > 0x7FFFFFFF or end > size or not kind.isalpha() or not kind.isascii():
            return False
        body = data[position + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack_from(">I", data, end - 4)[0]:
            return False
        if first:
            if kind != b"IHDR" or length != 13:
                return False
            width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
            if not (0 < width <= 0x7FFFFFFF and 0 < height <= 0x7FFFFFFF) or depth not in _PNG_DEPTHS.get(colour, ()):
                return False
            if compression != 0 or filtering != 0 or interlace not in (0, 1):
                return False
            first = False
        elif kind == b"IHDR":
            return False
        elif kind == b"IDAT":
            image_data = True
        elif kind in _PNG_TEXT:
            text_chunks += 1
            if text_chunks > MAX_TEXT_CHUNKS:
                return False
            text = _png_text(kind, body, max(0, min(MAX_TEXT_BYTES, inflate_left)))
            if text is None or text_has_markup(text):
                return False
            if kind != b"tEXt":
                inflate_left -= len(text)
        elif kind == b"IEND":
            # The end, and the end of the file: nothing may ride after the image.
            return image_data and length == 0 and end == size
        position = end
    return False


# Markers that stand alone (no length): restart markers; TEM.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
# Start of frame: every coding process but the three codes that mean something else (DHT, JPG, DAC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Every marker with a length a JPEG may hold: frames, tables (DHT, DAC, DQT, DNL, DRI, DHP, EXP),
# APP0-APP15, the JPEG extensions (JPEG-LS among them), and comments.
_SEGMENTS = _SOF | {0xC4, 0xCC, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF} | set(range(0xE0, 0xF0)) | set(range(0xF0, 0xFE)) | {0xFE}
_SOS, _EOI, _COM, _APP1 = 0xDA, 0xD9, 0xFE, 0xE1
_XMP = (b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0")
# In a scan's data a 0xFF byte is followed by 0x00 (a stuffed byte), a restart marker or fill bytes;
# anything else ends the scan.
_SCAN_END = re.compile(rb"\xff(?![\x00\xd0-\xd7\xff])")


def jpeg_is_well_formed(data: bytes) -> bool:
    """A JPEG from SOI to EOI: every segment inside the file, a frame before the first scan, and no
    markup in its comments or XMP metadata."""
    if not data.startswith(JPEG_SIGNATURE):
        return False
    position, size = len(JPEG_SIGNATURE), len(data)
    frame = scan = False
    while position < size:
        if data[position] != 0xFF:
            return False
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            return False
        marker = data[position]
        position += 1
        if marker == _EOI:
            return frame and scan
        if marker in _STANDALONE:
            continue
        if marker != _SOS and marker not in _SEGMENTS:
            return False
        if position + 2 > size:
            return False
        length = struct.unpack_from(">H", data, position)[0]
        if length < 2 or position + length > size:
            return False
        body = data[position + 2 : position + length]
        position += length
        if marker in _SOF:
            if len(body) < 6 or 0 in struct.unpack_from(">H", body, 3) or not 1 <= body[5] <= 4 or len(body) != 6 + 3 * body[5]:
                return False
            frame = True
        elif marker == _COM or (marker == _APP1 and body.startswith(_XMP)):
            if text_has_markup(body):
                return False
        elif marker == _SOS:
            if not frame:
                return False
            scan = True
            found = _SCAN_END.search(data, position)
            if found is None:
                return False
            position = found.start()
    return False
