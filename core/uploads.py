"""What an uploaded .xlsx may cost, checked before a spreadsheet library parses any of it.

An .xlsx is a zip archive of XML parts. A small file can unpack to a great deal (a zip bomb) or hold a part
that is cheap to store and dear to parse: a million tiny shared strings, a sheet that claims a million rows
or sixteen thousand columns, an entity that expands a billion times. openpyxl reads the shared strings and
the styles whole when it opens a workbook, and each sheet as it is iterated, so the limits must hold before
it starts. `check_xlsx` unpacks every part once, as a stream, and stops at the first limit passed:

- the archive: at most `parts` members; from the directory, before anything is unpacked, each member's
  declared size (`part_bytes`), their sum (`unpacked_bytes`) and each large member's compression ratio
  (`ratio`); while unpacking, the bytes actually produced are counted against the same limits;
- every part that is XML: parsed as it streams past, a DTD, an entity declaration or an external reference
  refusing the file (defusedxml's rules); its elements counted;
  - a worksheet: at most `rows` rows and `columns` columns, by the cells' references, by their number
    and by the sheet's declared dimension (openpyxl would pad a sheet to its dimension);
  - the shared-strings table: at most `shared_strings` strings and three elements a string on average;
  - every other part (styles, workbook, relationships, theme…): `OTHER_PART_ELEMENTS` elements together;
  - all parts together: at most `elements` elements.
Parts that are not XML (an image) are counted in bytes only.

The defaults (settings `ENTRY_UPLOAD_*`, docs/security.md) are sized to the quarterly template: a sheet of
at most ENTRY_IMPORT_MAX_ROWS units with about a dozen columns, a few KB of styles. A file within them is
read by openpyxl in about a second at worst; a file beyond them is refused in a fraction of that.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

ZIP_MAGIC = b"PK\x03\x04"
CHUNK_BYTES = 64 * 1024
# Below this a member's compression ratio does not matter: unpacking it costs nothing whatever the ratio.
RATIO_FLOOR_BYTES = 1024 * 1024
# Styles, the workbook, relationships, the theme, document properties: a few thousand elements in a
# template saved by Excel or WPS; openpyxl parses them whole when it opens the file.
OTHER_PART_ELEMENTS = 5_000
# A shared string is <si><t>…</t></si>, with a phonetic hint or a few formatted runs now and then.
ELEMENTS_PER_SHARED_STRING = 3
# Rows above the data (title, instructions, headers) that the row limit does not count.
HEADER_ROWS = 10
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class UploadRefused(Exception):
    """The upload is refused as a whole; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def not_xlsx_message() -> str:
    return _("This file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it "
             "without changing its format.")


def too_many_rows_message(limit: int) -> str:
    return _("The sheet has more than %(limit)s rows; an import takes at most %(limit)s. Nothing was imported."
             ) % {"limit": limit}


@dataclass(frozen=True)
class XlsxLimits:
    """How much an uploaded workbook may unpack to and hold (see the module's docstring)."""

    unpacked_bytes: int
    part_bytes: int
    ratio: int
    parts: int
    rows: int  # data rows; HEADER_ROWS more are allowed above them
    columns: int
    shared_strings: int
    elements: int

    @classmethod
    def from_settings(cls) -> XlsxLimits:
        return cls(
            unpacked_bytes=settings.ENTRY_UPLOAD_MAX_UNPACKED_BYTES,
            part_bytes=settings.ENTRY_UPLOAD_MAX_PART_BYTES,
            ratio=settings.ENTRY_UPLOAD_MAX_RATIO,
            parts=settings.ENTRY_UPLOAD_MAX_PARTS,
            rows=settings.ENTRY_IMPORT_MAX_ROWS,
            columns=settings.ENTRY_UPLOAD_MAX_COLUMNS,
            shared_strings=settings.ENTRY_UPLOAD_MAX_SHARED_STRINGS,
            elements=settings.ENTRY_UPLOAD_MAX_XML_ELEMENTS,
        )


def check_xlsx(data: bytes, limits: XlsxLimits) -> None:
    """Refuse (`UploadRefused`) an upload that is not an .xlsx archive or passes one of `limits`."""
    # By content, not by name: an .xlsx is a zip archive whose first entry starts with a local file header.
    if not data.startswith(ZIP_MAGIC):
        raise UploadRefused(not_xlsx_message())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_directory(members, limits)
            _unpack_and_count(archive, members, limits)
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError) as error:  # damaged, encrypted, or an unsupported compression
        raise UploadRefused(not_xlsx_message()) from error


def _check_directory(members: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    """What the archive's directory declares, before a byte is unpacked."""
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise UploadRefused(not_xlsx_message())
    if len(members) > limits.parts:
        raise UploadRefused(_("The workbook has %(count)s parts; a quarterly template has far fewer (the limit is "
                              "%(limit)s). Download the template again and fill it in. Nothing was imported.")
                            % {"count": len(members), "limit": limits.parts})
    declared = sum(member.file_size for member in members)
    if declared > limits.unpacked_bytes:
        raise UploadRefused(_("The workbook unpacks to %(size)s, more than the limit of %(limit)s.")
                            % {"size": filesizeformat(declared), "limit": filesizeformat(limits.unpacked_bytes)})
    for member in members:
        if member.file_size > limits.part_bytes:
            raise UploadRefused(_("Part %(part)s of the workbook unpacks to %(size)s; the limit is %(limit)s. "
                                  "Nothing was imported.") % {
                "part": member.filename[:60], "size": filesizeformat(member.file_size),
                "limit": filesizeformat(limits.part_bytes)})
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > limits.ratio * max(member.compress_size, 1):
            raise UploadRefused(_(
                "Part %(part)s of the workbook is compressed %(ratio)s to 1, more than the %(limit)s to 1 a "
                "spreadsheet needs: it was not unpacked. Nothing was imported.") % {
                "part": member.filename[:60], "ratio": member.file_size // max(member.compress_size, 1),
                "limit": limits.ratio})


def _unpack_and_count(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    """Unpack every member once, in chunks, parsing the XML ones as they stream past.

    The declared sizes checked above also bound the bytes actually unpacked: zipfile yields no more than a
    member's declared size and checks its CRC at the end, so data that would unpack to more is cut off there
    and the member refused as damaged (BadZipFile).
    """
    budget = _ElementBudget(limits)
    for member in members:
        reader = _PartReader(budget)
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                reader.feed(chunk)
        reader.close()


class _ElementBudget:
    """Elements counted over the whole workbook, and the limits that depend on the kind of part."""

    def __init__(self, limits: XlsxLimits) -> None:
        self.limits = limits
        self.total = 0
        self.other = 0

    def count(self, *, other: bool) -> None:
        self.total += 1
        self.other += other
        if self.total > self.limits.elements:
            raise self._too_complex(self.limits.elements)
        if self.other > OTHER_PART_ELEMENTS:
            raise self._too_complex(OTHER_PART_ELEMENTS)

    @staticmethod
    def _too_complex(limit: int) -> UploadRefused:
        return UploadRefused(_("The workbook is too complex to read (more than %(limit)s XML elements); a quarterly "
                               "template needs far fewer. Download the template again and fill it in. Nothing was "
                               "imported.") % {"limit": limit})


class _PartReader:
    """Parses one part as it is unpacked; decides from its first bytes whether it is XML at all.

    expat directly, with defusedxml's refusals: a DTD (which also carries every entity declaration), an
    entity declaration and an external reference each raise. (openpyxl, finding defusedxml installed, parses
    with it too: the second line.) A handler per start tag only, so a part streams past at expat's speed.
    """

    def __init__(self, budget: _ElementBudget) -> None:
        self.counter = _XmlCounter(budget)
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartDoctypeDeclHandler = self._forbid_dtd
        self.parser.EntityDeclHandler = self._forbid_entity
        self.parser.UnparsedEntityDeclHandler = self._forbid_entity
        self.parser.ExternalEntityRefHandler = self._forbid_external
        self.parser.StartElementHandler = self.counter.start
        self.not_xml = False

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        if self.not_xml:
            return
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as error:
            if self.counter.root is None and (error.lineno, error.offset) == (1, 0):
                self.not_xml = True  # not XML from its first byte (an image): openpyxl never parses it as XML
                return
            raise UploadRefused(not_xlsx_message()) from error
        except DefusedXmlException as error:
            raise UploadRefused(_("The workbook contains XML declarations (a DTD or entities) that Excel never "
                                  "writes; it was not read. Nothing was imported.")) from error

    def close(self) -> None:
        self.feed(b"", final=True)

    @staticmethod
    def _forbid_dtd(name, sysid, pubid, has_internal_subset):
        raise DTDForbidden(name, sysid, pubid)

    @staticmethod
    def _forbid_entity(name, *args):
        raise EntitiesForbidden(name, None, None, None, None, None)

    @staticmethod
    def _forbid_external(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)


class _XmlCounter:
    """Counts a part's elements and applies the limits of a worksheet or a shared-strings table."""

    def __init__(self, budget: _ElementBudget) -> None:
        self.budget = budget
        self.limits = budget.limits
        self.root: str | None = None
        self.elements = 0
        self.strings = 0
        self.rows = 0
        self.row_number = 0
        self.cells_in_row = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.rpartition("}")[2]
        if self.root is None:
            self.root = name
        self.elements += 1
        self.budget.count(other=self.root not in ("worksheet", "sst"))
        if self.root == "worksheet":
            self._worksheet_element(name, attrib)
        elif self.root == "sst":
            self._shared_strings_element(name)

    def _worksheet_element(self, name: str, attrib: dict[str, str]) -> None:
        if name == "row":
            self.rows += 1
            number = attrib.get("r", "")
            if number.isascii() and number.isdigit():
                self.row_number = int(number) if len(number) < 10 else 10**9
            else:
                self.row_number += 1
            self._check_row(max(self.rows, self.row_number))
            self.cells_in_row = 0
        elif name == "c":
            self.cells_in_row += 1
            self._check_column(self.cells_in_row)
            if (reference := _CELL_REFERENCE.match(attrib.get("r", ""))) is not None:
                self._check_column(_column_index(reference[1]))
        elif name == "dimension":
            last = attrib.get("ref", "").rpartition(":")[2]
            if (reference := _CELL_REFERENCE.match(last)) is not None:
                self._check_row(int(reference[2]))
                self._check_column(_column_index(reference[1]))

    def _check_row(self, number: int) -> None:
        if number > self.limits.rows + HEADER_ROWS:
            raise UploadRefused(too_many_rows_message(self.limits.rows))

    def _check_column(self, index: int) -> None:
        if index > self.limits.columns:
            raise UploadRefused(_(
                "A sheet uses columns beyond %(last)s; an import reads at most %(limit)s columns. Delete the cells "
                "to the right of column %(last)s and upload again. Nothing was imported.")
                % {"last": get_column_letter(self.limits.columns), "limit": self.limits.columns})

    def _shared_strings_element(self, name: str) -> None:
        if name == "si":
            self.strings += 1
        if (self.strings > self.limits.shared_strings
                or self.elements > self.limits.shared_strings * ELEMENTS_PER_SHARED_STRING):
            raise UploadRefused(_("The workbook holds more than %(limit)s different texts; a quarterly template "
                                  "holds far fewer. Nothing was imported.") % {"limit": self.limits.shared_strings})


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index
