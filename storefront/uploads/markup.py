"""Markup a browser would run, looked for in the bytes of an uploaded file and in the text an image carries.

Two patterns. `bytes_have_markup` reads a whole file, compressed data included, so its markers are long or
structured enough that random bytes (a photo, a deflated stream) match about once in ten thousand 5 MB
files: a page or a server script anywhere, and any tag with an event handler (`<img src=x onerror=...>`,
`<svg/onload=...>`), wherever a polyglot puts it. `text_has_markup` reads only text (an image's comments
and metadata, a few kilobytes), so it can also refuse the short tags (`<svg>`, `<a>`) and `javascript:`.
"""

from __future__ import annotations

import re

# The tags that make a page, or run or load something, when a browser renders the bytes as HTML or SVG.
_PAGE_TAGS = rb"script|html|body|iframe|object|embed|!doctype\s+html|meta\s+http-equiv"
_MORE_TAGS = rb"svg|img|image|a|style|link|form|base|meta|math|video|audio|source|input|frame|frameset|applet|template|foreignobject"
# A tag with an event handler attribute: `<tag ... onerror=`; the handler follows a space, a slash or a quote.
_HANDLER = rb"<[a-z][a-z0-9:-]*+[\s/][^<>]{0,512}?(?<=[\s/\"'])on[a-z]{3,40}+\s*+="

_IN_BYTES = re.compile(rb"(?i:<\s*(?:" + _PAGE_TAGS + rb")[\s>/]|<\?php|" + _HANDLER + rb")")
_IN_TEXT = re.compile(
    rb"(?i:<\s*(?:" + _PAGE_TAGS + rb"|" + _MORE_TAGS + rb")[\s>/]|<\?php|<!doctype|" + _HANDLER + rb"|javascript\s*:|vbscript\s*:)"
)


def bytes_have_markup(data: bytes) -> bool:
    """True when the bytes hold a web page, a server script or a tag with an event handler, anywhere."""
    return _IN_BYTES.search(data) is not None


def text_has_markup(text: bytes) -> bool:
    """True when text an image carries (a comment, metadata) holds any HTML or SVG tag that does something."""
    return _IN_TEXT.search(text) is not None
