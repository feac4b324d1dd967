"""Whether a PDF can do more than show its pages: scripts, attached files, actions that launch, submit,
import or open other documents, or an action on opening.

Read the way a hostile file must be read, not the way a viewer reads it:

- Every `N G obj` in the file starts an object, read from there as a viewer reads it: one value (and
  the stream after a dictionary). A viewer follows the cross-reference table, which a file can aim
  anywhere (inside another object's string or comment, inside stream data), and rebuilds it from these
  headers when it is broken; reading from every header sees every object any viewer could.
- Names are compared after their #xx escapes are decoded: `/J#61vaScript` is `/JavaScript`.
- Object streams (PDF 1.5) are inflated and read the same way, from each offset their header gives, and
  once more from end to end. The inflated total is bounded (a zip bomb is refused, not expanded); an
  object stream that cannot be read (encrypted, another filter than FlateDecode, a predictor, damaged)
  is refused, since what it holds cannot be checked. Other streams (pages, fonts, images) are skipped:
  no viewer takes an action from them.
- The reading is bounded too: a file that needs more than a few passes over its bytes to check (values
  nested inside each other thousands of times over) is refused as one that cannot be checked. Each
  object defined, and each value parsed (an /OpenAction and what it points to, each object number judged
  once), is paid for from the same reading; so are too many objects, too many /OpenAction entries, and
  numbers with more digits than any PDF needs.

Names inside strings and comments are text, not names; a name anywhere else counts, even where a viewer
would not look, since a false alarm costs a re-upload and a miss runs code.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from enum import Enum

# Inflated object streams, all of them together. A text-heavy 5 MB PDF holds far less; past it the
# file is refused as one that cannot be checked.
MAX_INFLATED_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
# The reading allowed: this many passes over the file's bytes (and the inflated bytes), plus a little.
WORK_PER_BYTE = 4
WORK_ALLOWANCE = 1024 * 1024
# What reading one object costs besides its bytes (a hostile object stream declares millions of tiny
# ones), and how many objects a file may define at all: a 5 MB document holds a few thousand.
WORK_PER_OBJECT = 16
MAX_OBJECTS = 100_000
# Parsing a value token by token (an /OpenAction and what it points to) costs some 50 times a sweep.
WORK_PER_PARSED_BYTE = 64
WORK_PER_PARSE = 64
# A catalog has one /OpenAction; incremental saves each write the catalog again. Past this, the file is
# refused as one that cannot be checked.
MAX_OPEN_ACTIONS = 16
# Object numbers, generations, offsets and lengths never need more digits than this (leading zeros
# aside); a longer run of digits is not a number any viewer can use, and Python refuses to read it.
MAX_DIGITS = 10

# Anywhere as a name, each of these refuses the file: the actions that run script (JavaScript, JS, and
# AA, the actions a page, a field or the document runs on its own), that start programs or open other
# files (Launch, GoToR, GoToE), that send or load data (SubmitForm, ImportData), embedded files (the
# EmbeddedFiles name tree, a file specification's EF, FileAttachment annotations), XFA forms, and media
# and 3D content, which carry their own scripts (RichMedia, Rendition, Movie, Sound, 3D).
DANGEROUS_NAMES = frozenset(
    {
        b"JavaScript", b"JS", b"AA", b"Launch", b"GoToR", b"GoToE", b"SubmitForm", b"ImportData",
        b"EmbeddedFile", b"EmbeddedFiles", b"EF", b"FileAttachment", b"XFA", b"RichMedia",
        b"Rendition", b"Movie", b"Sound", b"3D",
    }
)  # fmt: skip
# What /OpenAction may be: a destination (an array, a named destination) or a GoTo action.
_GOTO = b"GoTo"


class PdfVerdict(Enum):
    ACTIVE = "active"  # scripts, attached files or actions
    UNCHECKED = "unchecked"  # an object stream that cannot be read: encrypted, damaged, too large


@dataclass(frozen=True)
class PdfFinding:
    verdict: PdfVerdict
    detail: str  # what was found, for the log: "/JavaScript", "an object stream filtered by /LZWDecode"


class _Refused(Exception):
    def __init__(self, verdict: PdfVerdict, detail: str) -> None:
        super().__init__(detail)
        self.finding = PdfFinding(verdict, detail)


# --- lexing -----------------------------------------------------------------------------------------

_WS = rb"\x00\t\n\x0c\r "
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
# Whitespace or a comment, which a lexer skips alike. Possessive: a comment runs to the end of its line
# and gives nothing back, so no run of `%` and spaces can make the patterns below backtrack without end.
_GAP = rb"(?:[" + _WS + rb"]|%[^\r\n]*+)"

# An object header, from the first digit of its number.
_HEADER = re.compile(rb"(?<!\d)(\d++)" + _GAP + rb"++(\d++)" + _GAP + rb"++obj(?!" + _REGULAR + rb")")
_TRAILER = re.compile(rb"(?<!" + _REGULAR + rb")trailer(?!" + _REGULAR + rb")")
_ENDSTREAM = re.compile(rb"endstream")
_STREAM_KEYWORD = re.compile(_GAP + rb"*+stream(?!" + _REGULAR + rb")")

# What a sweep stops at. Strings and comments are skipped whole (a string that nests is closed by hand
# from its `(`); of the names, only those that matter (and any with an #xx escape, decoded to see which
# it is); dictionary and array brackets, to know where a value ends; hex strings (hex digits and spaces
# only: a `<` followed by anything else is not one, and what follows is read on), so that their `>`
# is not taken for half of a `>>`.
_WATCHED_NAMES = rb"|".join(re.escape(name) for name in sorted({*DANGEROUS_NAMES, b"OpenAction"}, key=len, reverse=True))
_COMMON = (
    rb"%[^\r\n]*+"
    rb"|\((?:[^()\\]++|\\.)*+\)"
    rb"|\("
    rb"|/(?:" + _WATCHED_NAMES + rb")(?!" + _REGULAR + rb")"
    rb"|/[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*+#" + _REGULAR + rb"*+"
)
# A value with nothing to look at inside, nested up to five deep: read whole in one match, the common case.
# Possessive throughout, and every alternative starts with its own byte: nothing to backtrack into.
_PLAIN_ITEMS = (
    rb"[^<>\[\]()%/#]++"
    rb"|/(?!(?:" + _WATCHED_NAMES + rb")(?!" + _REGULAR + rb"))[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*+"
    rb"|\((?:[^()\\]++|\\.)*+\)"
    rb"|<[0-9A-Fa-f" + _WS + rb"]*+>"
)
_plain = rb"(?:<<(?:" + _PLAIN_ITEMS + rb")*+>>|\[(?:" + _PLAIN_ITEMS + rb")*+\])"
for _ in range(4):
    _plain = rb"(?:<<(?:" + _PLAIN_ITEMS + rb"|" + _plain + rb")*+>>|\[(?:" + _PLAIN_ITEMS + rb"|" + _plain + rb")*+\])"
_PLAIN_VALUE = re.compile(_plain, re.DOTALL)
_VALUE_TOKENS = re.compile(_COMMON + rb"|<<|>>|\[|\]|<[0-9A-Fa-f" + _WS + rb"]*+>", re.DOTALL)
_TEXT_TOKENS = re.compile(_COMMON, re.DOTALL)
_PARENS = re.compile(rb"[()\\]")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_GAPS = re.compile(_GAP + rb"*+")
_LEADING_INTEGER = re.compile(_GAP + rb"*+(\d++)")
_STARTS_WITH_INTEGER = re.compile(_GAP + rb"*+\d")
_NAME_TOKEN = re.compile(rb"/" + _REGULAR + rb"*+")
_WORD = re.compile(_REGULAR + rb"++")
_STREAM_EOL = re.compile(rb"\r\n|\n|\r")
_INTEGER = re.compile(rb"[+-]?\d+")
_REAL = re.compile(rb"[+-]?(?:\d+\.\d*|\.\d+)")


class _TooLong(Exception):
    pass


def _integer(raw: bytes) -> int:
    """An integer's digits (an optional sign first) as a number, or _TooLong past MAX_DIGITS (leading
    zeros aside): int() would take quadratic time, then raise past Python's limit of digits."""
    sign = raw[:1] if raw[:1] in (b"+", b"-") else b""
    digits = raw[len(sign) :].lstrip(b"0")
    if len(digits) > MAX_DIGITS:
        raise _TooLong
    return int(sign + (digits or b"0"))


def _name(raw: bytes) -> bytes:
    """A name's bytes with its #xx escapes decoded (the leading slash dropped)."""
    return _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw[1:]) if b"#" in raw else raw[1:]


def _string_end(data: bytes, position: int, end: int) -> int:
    """Where a literal string that opened just before `position` closes: parentheses nest, a backslash escapes."""
    depth = 1
    while (found := _PARENS.search(data, position, end)) is not None:
        char = data[found.start()]
        if char == 0x5C:  # backslash: the next byte is taken as it is
            position = found.start() + 2
            continue
        position = found.end()
        depth += 1 if char == 0x28 else -1
        if depth == 0:
            return position
    return end


class Name(bytes):
    """A PDF name, decoded."""


@dataclass(frozen=True, slots=True)
class Ref:
    number: int
    generation: int


class _ParseError(Exception):
    pass


_KEYWORDS = {b"true": True, b"false": False, b"null": None}


class _Parser:
    """Reads one value (and what it holds) from `position`; enough of PDF's syntax for dictionaries."""

    def __init__(self, data: bytes, position: int, end: int) -> None:
        self.data, self.position, self.end = data, position, end
        self.ran_out = False  # whether some token was looked for at `end`, even where its absence was taken

    def _skip(self) -> None:
        self.position = _GAPS.match(self.data, self.position, self.end).end()

    def _token(self) -> tuple[str, object]:
        self._skip()
        data, start = self.data, self.position
        if start >= self.end:
            self.ran_out = True
            raise _ParseError("the data ends")
        char = data[start : start + 1]
        if data.startswith(b"<<", start):
            self.position = start + 2
            return "<<", None
        if data.startswith(b">>", start):
            self.position = start + 2
            return ">>", None
        if char in b"[]":
            self.position = start + 1
            return char.decode(), None
        if char == b"(":
            self.position = _string_end(data, start + 1, self.end)
            return "string", data[start + 1 : self.position - 1]
        if char == b"<":
            close = data.find(b">", start, self.end)
            if close < 0:
                self.ran_out = True
                raise _ParseError("a hex string without its end")
            self.position = close + 1
            return "string", data[start + 1 : close]
        if char == b"/":
            found = _NAME_TOKEN.match(data, start, self.end)
            self.position = found.end()
            return "value", Name(_name(found.group()))
        found = _WORD.match(data, start, self.end)
        if found is None:
            raise _ParseError(f"an unexpected {char!r}")
        self.position = found.end()
        word = found.group()
        if _INTEGER.fullmatch(word):
            try:
                return "integer", _integer(word)
            except _TooLong:
                raise _ParseError("a number too long to read") from None
        if _REAL.fullmatch(word):
            return "value", float(word)
        if word in _KEYWORDS:
            return "value", _KEYWORDS[word]
        return "keyword", word

    def value(self, depth: int = 0) -> object:
        if depth > MAX_DEPTH:
            raise _ParseError("nested too deep")
        kind, token = self._token()
        if kind == "<<":
            result: dict[bytes, object] = {}
            while True:
                saved = self.position
                kind, key = self._token()
                if kind == ">>":
                    return result
                if kind != "value" or not isinstance(key, Name):
                    self.position = saved
                    raise _ParseError("a dictionary key that is not a name")
                result[bytes(key)] = self.value(depth + 1)
        if kind == "[":
            items: list[object] = []
            while True:
                saved = self.position
                kind, _ = self._token()
                if kind == "]":
                    return items
                self.position = saved
                items.append(self.value(depth + 1))
        if kind == "integer":
            # `N G R` is a reference; anything else leaves the integer alone.
            saved = self.position
            try:
                kind2, generation = self._token()
                kind3, word = self._token()
            except _ParseError:
                kind2 = kind3 = word = None
            if kind2 == "integer" and kind3 == "keyword" and word == b"R":
                return Ref(token, generation)
            self.position = saved
            return token
        if kind in ("value", "string"):
            return token
        raise _ParseError(f"an unexpected {kind} {token!r}")


def parse_value(data: bytes, position: int, end: int) -> object:
    """The value that starts at `position` (dictionaries, arrays, names, references...), or _ParseError."""
    return _Parser(data, position, end).value()


# --- the scan ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Region:
    data: bytes
    start: int


class _Scan:
    """One file's reading: what it defines, where its /OpenAction values are, what reading is left."""

    def __init__(self, size: int) -> None:
        self.inflate_left = MAX_INFLATED_BYTES
        self.work_left = WORK_PER_BYTE * size + WORK_ALLOWANCE
        # Every place each object number is defined; an /OpenAction reference must be harmless in all of them.
        self.objects: dict[int, list[_Region]] = {}
        self.objects_left = MAX_OBJECTS
        # Where each /OpenAction's value starts (read twice in an object stream: kept once).
        self.open_actions: dict[tuple[int, int], _Region] = {}

    def define(self, number: int, region: _Region) -> None:
        self.objects_left -= 1
        if self.objects_left < 0:
            raise _Refused(PdfVerdict.UNCHECKED, f"more than {MAX_OBJECTS} objects")
        self._spend(WORK_PER_OBJECT)
        self.objects.setdefault(number, []).append(region)

    def parse(self, region: _Region) -> object:
        """The value that starts at `region`, its parsing paid for from the reading left: read no further
        than that allows, and refused when it would have to."""
        size = len(region.data)
        limit = min(size, region.start + max(self.work_left, 0) // WORK_PER_PARSED_BYTE)
        parser = _Parser(region.data, region.start, limit)
        try:
            value = parser.value()
        except _ParseError:
            value = _ParseError
        self._spend(WORK_PER_PARSE + WORK_PER_PARSED_BYTE * (parser.position - region.start))
        if limit < size and (parser.ran_out or parser.position >= limit):
            raise _Refused(PdfVerdict.UNCHECKED, "more reading than its size allows")
        if value is _ParseError:
            raise _ParseError("a value that does not parse")
        return value

    def _spend(self, amount: int) -> None:
        self.work_left -= amount
        if self.work_left < 0:
            raise _Refused(PdfVerdict.UNCHECKED, "more reading than its size allows")

    def _token(self, data: bytes, found: re.Match, end: int) -> int:
        """Checks one token a sweep stopped at; returns where the sweep goes on."""
        token = found.group()
        first = token[:1]
        if first == b"(" and len(token) == 1:
            return _string_end(data, found.end(), end)
        if first == b"/":
            name = _name(token)
            if name in DANGEROUS_NAMES:
                raise _Refused(PdfVerdict.ACTIVE, _shown(Name(name)))
            if name == b"OpenAction":
                self.open_actions[(id(data), found.end())] = _Region(data, found.end())
        return found.end()

    def sweep_text(self, data: bytes, start: int, end: int) -> None:
        """The names of a stretch of bytes, end to end, strings and comments skipped."""
        self._spend(end - start)
        position = start
        while (found := _TEXT_TOKENS.search(data, position, end)) is not None:
            position = self._token(data, found, end)

    def sweep_value(self, data: bytes, start: int, *, streams: bool) -> None:
        """The names of the one value that starts at `start` (an object's, a trailer's), and of the objects
        in the stream after it when it is a dictionary and `streams` is true."""
        position = _GAPS.match(data, start).end()
        if not data.startswith((b"<<", b"["), position):
            # A single token: a name that matters, or nothing that does.
            found = _VALUE_TOKENS.match(data, position)
            if found is not None and found.group()[:1] == b"/":
                self._token(data, found, len(data))
            return
        value_start = position
        if (plain := _PLAIN_VALUE.match(data, position)) is not None:
            position, token = plain.end(), data[position : position + 1]
            self._spend(position - value_start)
            if streams and token == b"<" and (keyword := _STREAM_KEYWORD.match(data, position)) is not None:
                self._stream(data, value_start, position, keyword.end())
            return
        # Bounded by the reading left: a value that runs on past it fails the check, not the server.
        end = min(len(data), position + max(self.work_left, 0))
        depth = 0
        while (found := _VALUE_TOKENS.search(data, position, end)) is not None:
            token = found.group()
            if token in (b"<<", b"["):
                depth += 1
                position = found.end()
            elif token in (b">>", b"]"):
                depth -= 1
                position = found.end()
                if depth == 0:
                    break
            else:
                position = self._token(data, found, end)
        else:
            self._spend(end - value_start)
            if end < len(data):
                raise _Refused(PdfVerdict.UNCHECKED, "more reading than its size allows")
            return
        self._spend(position - value_start)
        if streams and token == b">>":
            keyword = _STREAM_KEYWORD.match(data, position)
            if keyword is not None:
                self._stream(data, value_start, position, keyword.end())

    def _stream(self, data: bytes, dict_start: int, dict_end: int, keyword_end: int) -> None:
        """A stream that may hold objects is inflated and read; any other is skipped."""
        try:
            info = parse_value(data, dict_start, dict_end)
        except _ParseError:
            raise _Refused(PdfVerdict.UNCHECKED, "a stream dictionary that does not parse") from None
        if not isinstance(info, dict) or not _holds_objects(info):
            return
        eol = _STREAM_EOL.match(data, keyword_end)
        start = eol.end() if eol else keyword_end
        # Where a viewer ends the data: at its /Length when `endstream` follows, else at the first
        # `endstream`. Read up to the later of the two; inflating stops at the data's own end anyway.
        ends = [len(data)]
        if (following := _ENDSTREAM.search(data, start)) is not None:
            ends = [following.start()]
        length = info.get(b"Length")
        if isinstance(length, int) and 0 <= length and data.startswith(b"endstream", _GAPS.match(data, start + length).end()):
            ends.append(start + length)
        self._object_stream(info, data[start : max(ends)])

    def _object_stream(self, info: dict, content: bytes) -> None:
        filters = info.get(b"Filter")
        filters = [filters] if filters is None or isinstance(filters, Name) else filters
        if not isinstance(filters, list) or not all(f is None or (isinstance(f, Name) and f in (b"FlateDecode", b"Fl")) for f in filters):
            raise _Refused(PdfVerdict.UNCHECKED, f"an object stream filtered by {_shown(info.get(b'Filter'))}")
        parameters = info.get(b"DecodeParms", info.get(b"DP"))
        for entry in parameters if isinstance(parameters, list) else [parameters]:
            if entry is not None and (not isinstance(entry, dict) or entry.get(b"Predictor", 1) != 1):
                raise _Refused(PdfVerdict.UNCHECKED, "an object stream with a predictor")
        for f in filters:
            if f is not None:
                content = self._inflate(content)
        # An object stream starts with its header of integers; a colour profile (which also has /N) does not.
        if info.get(b"Type") != b"ObjStm" and not _STARTS_WITH_INTEGER.match(content):
            return
        self._scan_objects(info, content)

    def _inflate(self, compressed: bytes) -> bytes:
        inflater = zlib.decompressobj()
        try:
            content = inflater.decompress(compressed, self.inflate_left + 1)
        except zlib.error:
            raise _Refused(PdfVerdict.UNCHECKED, "an object stream that does not inflate") from None
        if len(content) > self.inflate_left:
            raise _Refused(PdfVerdict.UNCHECKED, f"object streams larger than {MAX_INFLATED_BYTES // (1024 * 1024)} MB inflated")
        if not inflater.eof:
            raise _Refused(PdfVerdict.UNCHECKED, "an object stream that does not inflate")
        self.inflate_left -= len(content)
        self.work_left += WORK_PER_BYTE * len(content)
        return content

    def _scan_objects(self, info: dict, content: bytes) -> None:
        """An object stream's content: each object from the offset its header gives, then all of it again."""
        count = info.get(b"N")
        if isinstance(count, int) and count > self.objects_left:
            raise _Refused(PdfVerdict.UNCHECKED, f"more than {MAX_OBJECTS} objects")
        # Without a count, the header's integers are read up to the objects the file may still define.
        wanted = 2 * count if isinstance(count, int) and count >= 0 else 2 * self.objects_left + 2
        numbers: list[int] = []
        position = 0
        while len(numbers) < wanted and (found := _LEADING_INTEGER.match(content, position)):
            numbers.append(_integer(found.group(1)))
            position = found.end()
        first = info.get(b"First")
        first = first if isinstance(first, int) and first >= 0 else position
        for number, offset in zip(numbers[0::2], numbers[1::2], strict=False):
            if first + offset < len(content):
                self.define(number, _Region(content, first + offset))
                self.sweep_value(content, first + offset, streams=False)
        self.sweep_text(content, 0, len(content))


def _holds_objects(info: dict) -> bool:
    """A stream some viewer would read objects from: typed ObjStm (or typed by reference), or with a
    count of objects (/N): viewers that take a compressed object from it check no more than that."""
    kind = info.get(b"Type")
    return kind == b"ObjStm" or isinstance(kind, Ref) or b"N" in info or b"First" in info


def _shown(value: object) -> str:
    """A value of the file as the log may show it: short, printable."""
    if isinstance(value, Name):
        return "/" + "".join(c if c.isprintable() else "?" for c in value[:40].decode("latin-1"))
    if isinstance(value, list):
        return "[" + " ".join(_shown(v) for v in value) + "]"
    return "a reference" if isinstance(value, Ref) else repr(value)


def _scan_file(scan: _Scan, data: bytes) -> None:
    for header in _HEADER.finditer(data):
        scan.define(_integer(header.group(1)), _Region(data, header.end()))
        scan.sweep_value(data, header.end(), streams=True)
    for trailer in _TRAILER.finditer(data):
        scan.sweep_value(data, trailer.end(), streams=False)


def _harmless_open_action(value: object) -> bool:
    if isinstance(value, dict):
        return value.get(b"S") == _GOTO and b"Next" not in value
    # A destination (an array, a named destination), or nothing; a reference here is one to a reference.
    return not isinstance(value, Ref)


def _check_open_actions(scan: _Scan) -> None:
    if len(scan.open_actions) > MAX_OPEN_ACTIONS:
        raise _Refused(PdfVerdict.UNCHECKED, f"more than {MAX_OPEN_ACTIONS} /OpenAction entries")
    # Whether every definition of an object number is harmless, each number judged once.
    judged: dict[int, bool] = {}
    for region in scan.open_actions.values():
        try:
            value = scan.parse(region)
        except _ParseError:
            raise _Refused(PdfVerdict.UNCHECKED, "an /OpenAction that does not parse") from None
        if not isinstance(value, Ref):
            harmless = _harmless_open_action(value)
        elif (harmless := judged.get(value.number)) is None:
            definitions = scan.objects.get(value.number)
            if not definitions:
                raise _Refused(PdfVerdict.UNCHECKED, "an /OpenAction to an object the file does not hold")
            harmless = judged[value.number] = all(_harmless_definition(scan, target) for target in definitions)
        if not harmless:
            raise _Refused(PdfVerdict.ACTIVE, "/OpenAction with an action")


def _harmless_definition(scan: _Scan, target: _Region) -> bool:
    try:
        return _harmless_open_action(scan.parse(target))
    except _ParseError:
        return False  # not readable: not harmless


def pdf_inspect(data: bytes) -> PdfFinding | None:
    """Why a PDF must be refused (scripts, attached files, actions; or content that cannot be checked), or None."""
    scan = _Scan(len(data))
    try:
        _scan_file(scan, data)
        _check_open_actions(scan)
    except _Refused as refused:
        return refused.finding
    except _TooLong:
        return PdfFinding(PdfVerdict.UNCHECKED, "a number too long to read")
    except (ValueError, RecursionError, MemoryError) as error:
        # Whatever else a hostile file makes the reading fail with: it could not be checked (never a 500).
        return PdfFinding(PdfVerdict.UNCHECKED, f"content that cannot be read ({type(error).__name__})")
    return None
