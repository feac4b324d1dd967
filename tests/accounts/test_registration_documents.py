"""The check of "Become a Customer" documents by content: a .docx is a Word package without macros, a .doc
a compound file holding a WordDocument stream and no macro storage; every other zip or compound file is
refused. The fixtures are built here, byte by byte, so each test says exactly what the file holds."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.documents import DOCX_MAX_ENTRIES, DOCX_MAX_UNCOMPRESSED_BYTES, document_sniff
from accounts.models import Registration

# --- .docx and other zips -------------------------------------------------------------------------

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"


def content_types(main: str = WORD_MAIN, *, part: str = "/word/document.xml", extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{main}"/>'
        f"{extra}</Types>"
    )


RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCUMENT_XML = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Cámara de Comercio</w:t></w:r></w:p></w:body></w:document>"
)


def zip_of(entries: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(*, types: str | None = None, extra: dict[str, bytes | str] | None = None, without: tuple[str, ...] = ()) -> bytes:
    """A minimal Word document as Word writes it: content types, the package relationships, the main part."""
    entries: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types() if types is None else types,
        "_rels/.rels": RELS,
        "word/document.xml": DOCUMENT_XML,
        **(extra or {}),
    }
    return zip_of({name: content for name, content in entries.items() if name not in without})


def docm() -> bytes:
    """What Word saves as "Word Macro-Enabled Document"."""
    return docx(
        types=content_types(DOCM_MAIN, extra=f'<Override PartName="/word/vbaProject.bin" ContentType="{VBA_PROJECT}"/>'),
        extra={"word/vbaProject.bin": b"\xcc\x61" + b"\x00" * 64, "word/_rels/document.xml.rels": "<Relationships/>"},
    )


def jar(**extra: bytes | str) -> bytes:
    """A Java archive that also carries a word/document.xml entry."""
    return zip_of(
        {
            "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\nMain-Class: Run\r\n",
            "Run.class": b"\xca\xfe\xba\xbe\x00\x00\x00\x34",
            "word/document.xml": DOCUMENT_XML,
            **extra,
        }
    )


def sniff(content: bytes):
    return document_sniff(io.BytesIO(content))


def test_a_word_document_is_a_docx():
    assert sniff(docx()) == ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")


def test_a_stored_word_document_is_a_docx_too():
    entries = {"[Content_Types].xml": content_types(), "_rels/.rels": RELS, "word/document.xml": DOCUMENT_XML}
    assert sniff(zip_of(entries, compression=zipfile.ZIP_STORED))[1] == "docx"


def test_a_macro_enabled_document_renamed_docx_is_refused():
    assert sniff(docm()) is None


def test_a_macro_enabled_main_part_is_refused_even_without_its_macros():
    assert sniff(docx(types=content_types(DOCM_MAIN))) is None


@pytest.mark.parametrize("part", ["word/vbaProject.bin", "word/vbaData.xml", "customUI/VBAPROJECT.BIN"])
def test_a_word_document_carrying_a_macro_part_is_refused(part):
    assert sniff(docx(extra={part: b"\x00" * 32})) is None


def test_a_declared_vba_project_is_refused():
    assert sniff(docx(types=content_types(extra=f'<Default Extension="bin" ContentType="{VBA_PROJECT}"/>'))) is None


def test_a_jar_with_a_word_document_entry_is_refused():
    assert sniff(jar()) is None


def test_a_jar_dressed_as_a_word_package_is_refused():
    dressed = jar(**{"[Content_Types].xml": content_types(), "_rels/.rels": RELS, "payload.exe": b"MZ\x90\x00"})
    assert sniff(dressed) is None
    assert sniff(docx(extra={"word/embeddings/run.exe": b"MZ\x90\x00"})) is None


@pytest.mark.parametrize(
    "types",
    [
        "<Types/>",  # no namespace, nothing declared
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',  # no main part
        content_types("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),  # a template
        content_types("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),  # a workbook
        content_types(extra=f'<Override PartName="/word/other.xml" ContentType="{WORD_MAIN}"/>'),  # two main parts
        content_types(part="/word/missing.xml"),  # the main part is not in the zip
        "<Types",  # not XML
    ],
)
def test_a_package_that_does_not_declare_one_present_word_main_part_is_refused(types):
    assert sniff(docx(types=types)) is None


def test_a_package_without_content_types_is_refused():
    assert sniff(docx(without=("[Content_Types].xml",))) is None


def test_content_types_with_a_document_type_declaration_are_refused():
    # An entity declaration is how XML bombs grow; no real package has one.
    bomb = '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">]>' + content_types().split("?>", 1)[1]
    assert sniff(docx(types=bomb)) is None


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    huge = docx(extra={"word/media/blank.xml": b"\x00" * (DOCX_MAX_UNCOMPRESSED_BYTES + 1)})
    assert len(huge) < 1024 * 1024
    assert sniff(huge) is None


def test_a_package_of_too_many_entries_is_refused():
    many = docx(extra={f"word/part{n}.xml": "<x/>" for n in range(DOCX_MAX_ENTRIES)})
    assert sniff(many) is None


def test_a_package_with_a_damaged_entry_is_refused():
    entries = {"[Content_Types].xml": content_types(), "_rels/.rels": RELS, "word/document.xml": DOCUMENT_XML}
    damaged = zip_of(entries, compression=zipfile.ZIP_STORED).replace(b"Comercio", b"Comerci0")
    assert sniff(damaged) is None


def test_a_package_naming_an_entry_twice_is_refused():
    buffer = io.BytesIO(docx())
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert sniff(buffer.getvalue()) is None


# --- .doc and other compound files ----------------------------------------------------------------

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5

# A tree is a list of (name, None) for a stream and (name, [children]) for a storage.
WORD_97 = [("WordDocument", None), ("1Table", None), ("\x05SummaryInformation", None), ("\x05DocumentSummaryInformation", None)]


def _entry(name: str, kind: int, *, left: int = NO_STREAM, right: int = NO_STREAM, child: int = NO_STREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
        + b"\0" * 16  # class id
        + b"\0" * 4  # state bits
        + b"\0" * 16  # creation and modification times
        + struct.pack("<IQ", END_OF_CHAIN, 0)  # an empty stream: no first sector, size 0
    )


def compound_file(tree: list, *, major: int = 3) -> bytes:
    """A compound file of empty streams: the header, one FAT sector, then the directory sectors.

    Each storage's children hang from its child pointer, chained by their right siblings.
    """
    entries: list[list] = [["Root Entry", ROOT, NO_STREAM, NO_STREAM, NO_STREAM]]

    def add(children: list) -> int:
        first, previous = NO_STREAM, None
        for name, sub in children:
            number = len(entries)
            entries.append([name, STORAGE if sub is not None else STREAM, NO_STREAM, NO_STREAM, NO_STREAM])
            if previous is None:
                first = number
            else:
                entries[previous][3] = number
            previous = number
            if sub is not None:
                entries[number][4] = add(sub)
        return first

    entries[0][4] = add(tree)
    sector_size = 512 if major == 3 else 4096
    directory = b"".join(_entry(name, kind, left=left, right=right, child=child) for name, kind, left, right, child in entries)
    directory = directory.ljust(-(-len(directory) // sector_size) * sector_size, b"\0")
    dir_sectors = len(directory) // sector_size
    # Sector 0 holds the FAT; the directory runs from sector 1 on, chained.
    fat = [FAT_SECTOR] + [n + 2 for n in range(dir_sectors - 1)] + [END_OF_CHAIN]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(sector_size, b"\xff")
    header = (
        OLE_SIGNATURE
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, major, 0xFFFE, 9 if major == 3 else 12, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0 if major == 3 else dir_sectors, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<109I", 0, *[FREE] * 108)
    )
    return header.ljust(sector_size, b"\0") + fat_sector + directory


def patched(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    buffer = bytearray(data)
    struct.pack_into(fmt, buffer, offset, *values)
    return bytes(buffer)


def entry_offset(number: int) -> int:
    """Where directory entry `number` starts in a version 3 file built above (sectors 1 on)."""
    return 1024 + 128 * number


DOC = compound_file(WORD_97)


def test_a_word_97_document_is_a_doc():
    assert sniff(DOC) == ("application/msword", "doc")


def test_a_version_4_compound_file_with_4096_byte_sectors_is_read():
    assert sniff(compound_file(WORD_97, major=4)) == ("application/msword", "doc")


def test_a_directory_over_several_sectors_is_followed_along_its_chain():
    many = [(f"Stream{n}", None) for n in range(10)] + WORD_97
    assert sniff(compound_file(many)) == ("application/msword", "doc")


@pytest.mark.parametrize(
    "tree",
    [
        # Word 97-2003 with macros: Macros/VBA/_VBA_PROJECT.
        WORD_97 + [("Macros", [("VBA", [("_VBA_PROJECT", None), ("dir", None), ("ThisDocument", None)]), ("PROJECT", None)])],
        WORD_97 + [("_VBA_PROJECT_CUR", [("VBA", [("dir", None)])])],
        WORD_97 + [("macros", [])],
    ],
    ids=["word-macros", "vba-storage", "any-case"],
)
def test_a_word_97_document_with_macros_is_refused(tree):
    assert sniff(compound_file(tree)) is None


@pytest.mark.parametrize(
    "tree",
    [
        # An installer: encoded stream names and a summary, no WordDocument.
        [("\u4840\u3f3f\u4577\u446c\u3b6a\u45e4\u4824", None), ("\u4840\u3b3f\u43f2\u4438\u45b1", None), ("\x05SummaryInformation", None)],
        [("Workbook", None), ("\x05SummaryInformation", None)],  # an Excel 97 workbook
        [("__properties_version1.0", None), ("__substg1.0_0037001F", None), ("__recip_version1.0_#00000000", [])],  # an Outlook message
        [("ObjectPool", [("WordDocument", None)]), ("1Table", None)],  # WordDocument, but not at the root
        [("WordDocument", [])],  # a storage, not a stream
    ],
    ids=["installer", "workbook", "outlook-message", "nested", "storage"],
)
def test_a_compound_file_that_is_not_a_word_document_is_refused(tree):
    assert sniff(compound_file(tree)) is None


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:512], id="the header alone"),
        pytest.param(lambda data: data[:1024], id="the directory cut off"),
        pytest.param(lambda data: OLE_SIGNATURE + b"\0" * 504, id="the signature and nothing else"),
        pytest.param(lambda data: patched(data, 0x1C, "<H", 0xFEFF), id="the wrong byte order"),
        pytest.param(lambda data: patched(data, 0x1E, "<H", 12), id="4096-byte sectors in a version 3 file"),
        pytest.param(lambda data: patched(data, 0x2C, "<I", 0), id="no FAT"),
        pytest.param(lambda data: patched(data, 0x2C, "<I", 110), id="more FAT sectors than the header lists"),
        pytest.param(lambda data: patched(data, 0x48, "<I", 1), id="a DIFAT chain no small file needs"),
        pytest.param(lambda data: patched(data, 0x4C, "<I", 40), id="the FAT beyond the end of the file"),
        pytest.param(lambda data: patched(data, 0x30, "<I", 7), id="the directory beyond the end of the file"),
        pytest.param(lambda data: patched(data, 512 + 4, "<I", 1), id="the directory chain loops on itself"),
        pytest.param(lambda data: patched(data, 512 + 4, "<I", 0xFFFFFFFC), id="the directory chain ends on a special value"),
        pytest.param(lambda data: patched(data, entry_offset(0) + 0x42, "B", 2), id="the first entry is not the root"),
        pytest.param(lambda data: patched(data, entry_offset(2) + 0x42, "B", 5), id="a second root"),
        pytest.param(lambda data: patched(data, entry_offset(1) + 0x42, "B", 7), id="an unknown entry type"),
        pytest.param(lambda data: patched(data, entry_offset(1) + 0x40, "<H", 66), id="a name longer than its field"),
        pytest.param(lambda data: patched(data, entry_offset(1) + 0x40, "<H", 7), id="a name of odd length"),
        pytest.param(lambda data: patched(data, entry_offset(1) + 0x78, "<I", 10**7), id="a stream larger than the file"),
        pytest.param(lambda data: patched(data, entry_offset(2) + 0x48, "<I", 1), id="siblings in a loop"),
        pytest.param(lambda data: patched(data, entry_offset(2) + 0x48, "<I", 99), id="a sibling past the directory"),
        pytest.param(lambda data: patched(data, entry_offset(0) + 0x4C, "<I", 0), id="the root as its own child"),
    ],
)
def test_a_malformed_compound_file_is_refused(damage):
    assert sniff(damage(DOC)) is None


def test_a_compound_file_larger_than_the_limit_is_not_read():
    assert sniff(DOC + b"\0" * (1024 * 1024)) is None


# --- the page ---------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = {
    "country": "CO",
    "company_name": "Andina Tech SAS",
    "tax_id": "900123456-7",
    "address": "Calle 100 # 10-20",
    "city": "Bogotá",
    "company_phone": "+57 1 555 0000",
    "first_name": "Pedro",
    "last_name": "Rojas",
    "position": "Manager",
    "email": "pedro@andina.example",
    "phone": "+57 1 555 0001",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("camara.docx", docm()),
        ("camara.docx", jar()),
        ("camara.doc", compound_file([("Workbook", None)])),
        ("camara.doc", compound_file(WORD_97 + [("Macros", [("VBA", [("_VBA_PROJECT", None)])])])),
    ],
    ids=["docm", "jar", "workbook", "doc-with-macros"],
)
def test_the_page_refuses_a_disguised_file_with_the_usual_message(client, media, name, content):
    files = {
        "document_chamber_of_commerce": SimpleUploadedFile(name, content, content_type="application/msword"),
        "document_rut": SimpleUploadedFile("rut.pdf", PDF, content_type="application/pdf"),
    }
    response = client.post(reverse("accounts:become-customer"), {**APPLICANT, **files})

    assert response.status_code == 200
    assert response.context["form"].errors["document_chamber_of_commerce"] == [
        "Chamber of Commerce Certificate is not a PDF, JPG, Word or PNG file."
    ]
    assert Registration.objects.count() == 0
    assert [p for p in media.rglob("*") if p.is_file()] == []
