"""The image check of uploads (storefront.uploads.images): a PNG or a JPEG must be one from end to end, as
encoders write them, and carry no markup in its text; the signature of one in front of anything else is
refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from storefront.uploads.images import MAX_FILE_TEXT_BYTES, MAX_TEXT_BYTES, MAX_TEXT_CHUNKS, jpeg_is_well_formed, png_is_well_formed
from tests.storefront.upload_builders import jpeg, jpeg_segment, png, png_chunk

XMP = (
    b'http://ns.adobe.com/xap/1.0/\x00<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Camera 2.1"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Phone maker", "Model <X>"
    return exif.tobytes()


def _encoded(image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, image_format, **options)
    return buffer.getvalue()


def test_the_test_images_are_images():
    for data in (png(), jpeg(), jpeg(jpeg_segment(0xFE, b"a comment"))):
        Image.open(io.BytesIO(data)).load()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_encoded("PNG"), id="png"),
        pytest.param(_encoded("PNG", optimize=True), id="png-optimized"),
        pytest.param(_encoded("JPEG", quality=90), id="jpeg"),
        pytest.param(_encoded("JPEG", progressive=True), id="jpeg-progressive"),
        pytest.param(_encoded("JPEG", exif=_exif()), id="jpeg-exif"),
        pytest.param(jpeg(jpeg_segment(0xE1, XMP)), id="jpeg-xmp"),
        pytest.param(png(png_chunk(b"zTXt", b"Description\x00\x00" + zlib.compress(b"A cracked screen, 15 inch"))), id="png-deflated-text"),
    ],
)
def test_images_as_encoders_write_them_pass(data):
    check = png_is_well_formed if data.startswith(b"\x89PNG") else jpeg_is_well_formed
    assert check(data)


def _png_without(kind: bytes) -> bytes:
    data = png()
    start = data.index(kind) - 4
    (length,) = struct.unpack_from(">I", data, start)
    return data[:start] + data[start + 12 + length :]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png()[:-12], id="no-iend"),
        pytest.param(_png_without(b"IDAT"), id="no-image-data"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + png_chunk(b"tEXt", b"a\x00b") + png()[8:], id="ihdr-not-first"),
        pytest.param(png().replace(struct.pack(">IIBB", 1, 1, 8, 6), struct.pack(">IIBB", 1, 1, 3, 6)), id="bad-bit-depth"),
        pytest.param(png()[:33] + struct.pack(">I", 0x7FFFFFF0) + b"IDAT" + b"\x00" * 64, id="chunk-longer-than-the-file"),
        pytest.param(png(png_chunk(b"t\x00Xt", b"")), id="chunk-type-not-letters"),
        pytest.param(png(png_chunk(b"iTXt", b"Title\x00\x01\x00\x00\x00" + zlib.compress(b"<svg onload=alert(1)>"))), id="markup-in-deflated-itxt"),
        pytest.param(png(png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b" " * (MAX_TEXT_BYTES + 1)))), id="text-bomb"),
        pytest.param(png(png_chunk(b"zTXt", b"Comment\x00\x00not deflated")), id="text-not-deflated"),
    ],
)
def test_a_broken_png_or_one_with_markup_in_its_text_is_refused(data):
    assert not png_is_well_formed(data)


def _without_frame(data: bytes) -> bytes:
    start = data.index(b"\xff\xc0")
    (length,) = struct.unpack_from(">H", data, start + 2)
    return data[:start] + data[start + 2 + length :]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(jpeg()[:-2], id="no-end-of-image"),
        pytest.param(_without_frame(jpeg()), id="scan-without-frame"),
        pytest.param(jpeg().replace(b"\xff\xdb", b"\xff\x02", 1), id="unknown-marker"),
        pytest.param(jpeg()[:22] + b"\xff\xdb\xff\xf0", id="segment-longer-than-the-file"),
        pytest.param(b"\xff\xd8\xff\xe0<html><body onload=alert(1)>", id="page-after-the-signature"),
        pytest.param(jpeg(jpeg_segment(0xE1, XMP.replace(b"Camera 2.1", b"<script>alert(1)</script>"))), id="markup-in-xmp"),
        pytest.param(jpeg(jpeg_segment(0xFE, b"<a href=javascript:alert(1)>x</a>")), id="markup-in-comment"),
    ],
)
def test_a_broken_jpeg_or_one_with_markup_in_its_text_is_refused(data):
    assert not jpeg_is_well_formed(data)


def test_bytes_after_a_jpeg_end_are_allowed_but_not_after_a_png_end():
    # Phones append a second picture or a video after a JPEG; nothing writes after a PNG's IEND.
    assert jpeg_is_well_formed(_encoded("JPEG") + _encoded("JPEG"))
    assert not png_is_well_formed(png() + b"\x00")


def _ztxt(text: bytes) -> bytes:
    return png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(text, 9))


def test_the_text_chunks_of_one_png_share_one_bound_of_inflated_bytes():
    # Each chunk alone is under the bound of one chunk; together they are over the bound of the file.
    each = _ztxt(b" " * MAX_TEXT_BYTES)
    within = png(*[each] * (MAX_FILE_TEXT_BYTES // MAX_TEXT_BYTES - 1))
    beyond = png(*[each] * (MAX_FILE_TEXT_BYTES // MAX_TEXT_BYTES + 1))
    assert png_is_well_formed(within)
    assert not png_is_well_formed(beyond)


def test_a_png_with_more_text_chunks_than_encoders_write_is_refused():
    # Small chunks, each far under every bound in bytes: their number alone is refused.
    assert png_is_well_formed(png(*[_ztxt(b"Photo %d" % n) for n in range(MAX_TEXT_CHUNKS)]))
    assert not png_is_well_formed(png(*[_ztxt(b"Photo %d" % n) for n in range(MAX_TEXT_CHUNKS + 1)]))
    assert not png_is_well_formed(png(*[png_chunk(b"tEXt", b"Comment\x00Photo")] * (MAX_TEXT_CHUNKS + 1)))
