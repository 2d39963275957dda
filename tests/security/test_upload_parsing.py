"""An uploaded workbook that is cheap to send and dear to parse is refused before openpyxl reads it, quickly and
with a message; one that fails as openpyxl reads it is a 400, never a 500. Nothing is saved either way.

The hostile files are built here from the real template: a shared-strings table of a million strings (the
case the adversarial test found), zip bombs (tightly compressed, and lying about their size), DTDs and
entities in every XML part, sheets claiming or using a huge area, archives that are not workbooks at all.
"""
from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import QuarterlyFigure
from core.uploads import UploadRefused, XlsxLimits, check_xlsx

IMPORT = reverse("figure-import")
TEMPLATE = reverse("figure-template")
# The bound on refusing a hostile file, generous for a loaded test machine: the check itself takes a few
# hundredths of a second for most of them, parsing the file took 21-28 s before it.
REFUSED_WITHIN_SECONDS = 2.0
MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SST_RELATIONSHIP = (b'<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings"/>')
SST_CONTENT_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/>')
DATA_SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def editor_client(client, agri_editor, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(agri_editor)
    return client


@pytest.fixture
def template(editor_client) -> dict[str, bytes]:
    """The real template's parts, by name."""
    response = editor_client.get(TEMPLATE, {"year": 2011, "quarter": 3})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pack(parts: dict[str, bytes], *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_shared_strings(parts: dict[str, bytes], strings: bytes) -> dict[str, bytes]:
    """The template with a shared-strings table, wired in as Excel wires it (openpyxl writes inline strings)."""
    changed = dict(parts)
    changed["xl/sharedStrings.xml"] = b"<sst " + MAIN_NS + b">" + strings + b"</sst>"
    changed["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", SST_RELATIONSHIP + b"</Relationships>")
    changed["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", SST_CONTENT_TYPE + b"</Types>")
    return changed


def with_sheet_data(parts: dict[str, bytes], rows: bytes, *, dimension: bytes | None = None) -> dict[str, bytes]:
    """The template whose data sheet holds `rows` after its own."""
    changed = dict(parts)
    sheet = parts[DATA_SHEET].replace(b"</sheetData>", rows + b"</sheetData>")
    if dimension is not None:
        start = sheet.index(b"<dimension ")
        sheet = sheet[:start] + b'<dimension ref="' + dimension + b'"/>' + sheet[sheet.index(b"/>", start) + 2:]
    changed[DATA_SHEET] = sheet
    return changed


def refused(data: bytes) -> str:
    """check_xlsx's message for `data`, which it must refuse within the bound."""
    started = time.perf_counter()
    with pytest.raises(UploadRefused) as refusal:
        check_xlsx(data, XlsxLimits.from_settings())
    assert time.perf_counter() - started < REFUSED_WITHIN_SECONDS
    return refusal.value.message


def post(client, data: bytes, name: str = "figures.xlsx"):
    started = time.perf_counter()
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})
    elapsed = time.perf_counter() - started
    return response, elapsed


def assert_refused_page(client, data: bytes, message: str, name: str = "figures.xlsx") -> None:
    response, elapsed = post(client, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert elapsed < REFUSED_WITHIN_SECONDS
    assert not QuarterlyFigure.objects.exists()


# --- the shared-strings table ---------------------------------------------------------------------------

def test_the_million_shared_strings_file_is_refused_quickly_and_nothing_is_saved(editor_client, template):
    # The adversarial test's file: ~1.1 million short strings, 28.6 MB unpacked, tens of KB packed.
    strings = b"<si><t>x</t></si>" * 1_100_000
    data = pack(with_shared_strings(template, strings), level=9)
    assert len(data) < 200_000
    assert_refused_page(editor_client, data, "The workbook unpacks to 17.9\xa0MB, more than the limit of 16.0\xa0MB.")


@pytest.mark.parametrize("count_over", [1, 50_000])
def test_more_shared_strings_than_the_limit_are_refused_even_when_small(editor_client, template, settings,
                                                                       count_over):
    count = settings.ENTRY_UPLOAD_MAX_SHARED_STRINGS + count_over
    strings = b"".join(b"<si><t>%d</t></si>" % n for n in range(count))
    data = pack(with_shared_strings(template, strings))
    assert len(strings) < settings.ENTRY_UPLOAD_MAX_PART_BYTES  # neither size nor ratio refuses it
    assert "different texts" in refused(data)
    assert_refused_page(editor_client, data, "The workbook holds more than 16000 different texts")


def test_shared_strings_of_many_formatted_runs_are_refused(template, settings):
    # Fewer strings than the limit, but ten runs of eight elements each: more than four elements a string.
    run = b'<r><rPr><b/><sz val="11"/><color theme="1"/><rFont val="x"/><family val="2"/></rPr><t>ab</t></r>'
    strings = (b"<si>" + run * 10 + b"</si>") * (settings.ENTRY_UPLOAD_MAX_SHARED_STRINGS // 20)
    assert len(strings) < 1024 * 1024  # below the size where the compression ratio is looked at
    assert "different texts" in refused(pack(with_shared_strings(template, strings)))


def test_a_shared_strings_table_within_the_limits_is_read(editor_client, template, settings):
    strings = b"".join(b"<si><t>%d</t></si>" % n for n in range(settings.ENTRY_UPLOAD_MAX_SHARED_STRINGS))
    response, _elapsed = post(editor_client, pack(with_shared_strings(template, strings)))
    assert response.status_code == 200  # previewed: the template as downloaded, nothing to change


# --- zip bombs ------------------------------------------------------------------------------------------

def test_a_tightly_compressed_part_is_refused_before_it_is_unpacked(editor_client, template, settings):
    bomb = dict(template, **{"xl/media/image1.png": b"\0" * (settings.ENTRY_UPLOAD_MAX_PART_BYTES - 1)})
    data = pack(bomb, level=9)
    assert "compressed" in refused(data)
    assert_refused_page(editor_client, data, "a spreadsheet needs: it was not unpacked")


@pytest.mark.parametrize("part", ["xl/media/image1.png", DATA_SHEET, "xl/sharedStrings.xml"])
def test_a_part_over_the_size_limit_is_refused_whatever_it_is(template, settings, part):
    big = dict(template, **{part: b"<x>" + b"a" * settings.ENTRY_UPLOAD_MAX_PART_BYTES + b"</x>"})
    assert f"Part {part} of the workbook unpacks to" in refused(pack(big))


def test_parts_that_together_unpack_over_the_limit_are_refused(template, settings):
    settings.ENTRY_UPLOAD_MAX_UNPACKED_BYTES = 1024 * 1024
    many = dict(template, **{f"xl/media/image{n}.png": bytes(range(256)) * 1024 for n in range(5)})
    assert "more than the limit of 1.0\xa0MB." in refused(pack(many))


def test_a_part_that_unpacks_to_more_than_it_declares_is_cut_off_and_refused(editor_client, template):
    # 100 MB of zeros in a member whose directory entries claim 1,000 bytes: zipfile stops at the claim,
    # finds the CRC wrong and the upload is refused as damaged, without unpacking the rest.
    payload = b"\0" * 100_000_000
    data = pack(dict(template, **{"xl/media/image1.png": payload}), level=9)
    true_size = struct.pack("<I", len(payload))
    assert data.count(true_size) == 2  # in the local header and in the central directory
    lying = data.replace(true_size, struct.pack("<I", 1000))
    assert "not an Excel workbook" in refused(lying)
    assert_refused_page(editor_client, lying, "This file is not an Excel workbook (.xlsx).")


def test_too_many_parts_are_refused(template, settings):
    crowded = dict(template, **{f"xl/media/image{n}.png": b"." for n in range(settings.ENTRY_UPLOAD_MAX_PARTS)})
    assert "parts; a quarterly template has far fewer" in refused(pack(crowded))


# --- DTDs and entities ----------------------------------------------------------------------------------

BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10 if n > 1 else b"&lol;" * 10)
                             for n in range(1, 10)) + b"]>")
DECLARATIONS = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    "external DTD": b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.com/x.dtd">',
    "parameter entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p "x"> %p;]>',
    "bare DTD": b"<!DOCTYPE worksheet>",
}


def _declared(content: bytes, declaration: bytes) -> bytes:
    """`content` with `declaration` in front of its root element (in place of any XML declaration)."""
    if content.startswith(b"<?xml"):
        content = content[content.index(b"?>") + 2:]
    return declaration + content


@pytest.mark.parametrize("kind", DECLARATIONS)
def test_a_dtd_or_entity_in_any_xml_part_is_refused(template, kind):
    parts = with_shared_strings(template, b"<si><t>a</t></si>")
    for name, content in parts.items():
        hostile = dict(parts, **{name: _declared(content, DECLARATIONS[kind])})
        assert "XML declarations (a DTD or entities)" in refused(pack(hostile)), name


def test_the_billion_laughs_upload_gets_a_clear_answer(editor_client, template):
    parts = with_shared_strings(template, b"<si><t>&lol9;</t></si>")
    parts["xl/sharedStrings.xml"] = _declared(parts["xl/sharedStrings.xml"], BILLION_LAUGHS)
    assert_refused_page(editor_client, pack(parts), "XML declarations (a DTD or entities) that Excel never writes")


# --- sheets that claim or use a huge area ---------------------------------------------------------------

@pytest.mark.parametrize(("rows", "dimension", "message"), [
    (b"", b"A1:XFD100", "uses columns beyond T"),
    (b"", b"A1:M1048576", "more than 2000 rows"),
    (b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>', None, "more than 2000 rows"),
    (b'<row r="9"><c r="XFD9"><v>1</v></c></row>', None, "uses columns beyond T"),
    (b'<row r="9">' + b"<c><v>1</v></c>" * 16384 + b"</row>", None, "uses columns beyond T"),
    (b"".join(b'<row><c t="n"><v>%d</v></c></row>' % n for n in range(3000)), None, "more than 2000 rows"),
])
def test_a_sheet_beyond_the_rows_or_columns_is_refused_before_it_is_parsed(editor_client, template, rows,
                                                                          dimension, message):
    data = pack(with_sheet_data(template, rows, dimension=dimension))
    assert message in refused(data)
    assert_refused_page(editor_client, data, message)


def test_a_sheet_of_too_many_elements_is_refused(template, settings):
    settings.ENTRY_UPLOAD_MAX_XML_ELEMENTS = 20_000
    rows = b"".join(b'<row r="%d">' % n + b"<c><is><t>x</t></is></c>" * 10 + b"</row>" for n in range(5, 1000))
    assert "too complex to read (more than 20000 XML elements)" in refused(pack(with_sheet_data(template, rows)))


def test_other_parts_of_too_many_elements_are_refused(template):
    styles = template["xl/styles.xml"].replace(b"</styleSheet>", b"<extLst>" + b"<ext/>" * 6_000 + b"</extLst>"
                                               b"</styleSheet>")
    assert "too complex to read (more than 5000 XML elements)" in refused(pack(dict(template, **{
        "xl/styles.xml": styles})))


# --- not a workbook, or damaged inside -------------------------------------------------------------------

NOT_WORKBOOKS = {
    "text": "单位编码,产值\nc1,12\n".encode(),
    "zip magic only": b"PK\x03\x04",
    "a zip without a workbook": None,  # built below
    "random bytes": bytes((n * 7919) % 256 for n in range(5000)),
    "gif with a zip appended": b"GIF89a" + b"\0" * 64,
}


def _not_a_workbook(kind: str, template: dict[str, bytes]) -> bytes:
    if kind == "a zip without a workbook":
        return pack({"word/document.xml": b"<document/>"})
    if kind == "gif with a zip appended":
        return NOT_WORKBOOKS[kind] + pack(template)
    return NOT_WORKBOOKS[kind]


@pytest.mark.parametrize("kind", NOT_WORKBOOKS)
def test_a_file_that_is_not_a_workbook_is_refused_by_its_content(editor_client, template, kind):
    assert_refused_page(editor_client, _not_a_workbook(kind, template), "This file is not an Excel workbook (.xlsx).")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99])
def test_parts_compressed_in_another_way_are_read_or_refused_cleanly(editor_client, template, method):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2 if method == 99 else method) as archive:
        for name, content in template.items():
            archive.writestr(name, content)
    data = buffer.getvalue()
    if method == 99:  # an AES-encrypted member's method; zipfile cannot unpack it
        data = data.replace(struct.pack("<H", zipfile.ZIP_BZIP2), struct.pack("<H", 99))
    response, _elapsed = post(editor_client, data)
    assert response.status_code == (400 if method == 99 else 200)  # bzip2 and LZMA are read like deflate
    assert not QuarterlyFigure.objects.exists()


def test_a_malformed_xml_part_is_refused(template):
    sheet = template[DATA_SHEET]
    assert "not an Excel workbook" in refused(pack(dict(template, **{DATA_SHEET: sheet[: len(sheet) // 2]})))


@pytest.mark.parametrize(("cell", "meta"), [
    (b'<c r="E4" t="s"><v>99999</v></c>', None),  # a shared string past the table
    (b'<c r="E4"><v>' + b"9" * 5000 + b"</v></c>", None),  # beyond Python's int() digit limit
    (b'<c r="E4" t="d"><v>not a date</v></c>', None),
    (b'<c r="E4" t="b"><v>maybe</v></c>', None),
    (None, b'<c r="B1"><v>inf</v></c>'),  # the template's year, infinite
    (None, b'<c r="B1"><v>' + b"9" * 5000 + b"</v></c>"),
])
def test_a_value_that_fails_as_openpyxl_reads_it_is_a_400(editor_client, template, cell, meta):
    parts = with_shared_strings(template, b"<si><t>a</t></si>")
    if cell is not None:
        parts = with_sheet_data(parts, b'<row r="4">' + cell + b"</row>")
        # Row 4 already exists in the template: put the hostile row in place of the first data row.
        sheet = parts[DATA_SHEET]
        first = sheet.index(b'<row r="4"')
        parts[DATA_SHEET] = sheet[:first] + sheet[sheet.index(b"</row>", first) + 6:]
    if meta is not None:
        name = "xl/worksheets/sheet2.xml"
        sheet = parts[name]
        start = sheet.index(b'<c r="B1"')
        parts[name] = sheet[:start] + meta + sheet[sheet.index(b"</c>", start) + 4:]
    response, _elapsed = post(editor_client, pack(parts))
    assert response.status_code == 400
    assert not QuarterlyFigure.objects.exists()


# --- what the limits let through ------------------------------------------------------------------------

def test_the_largest_template_the_limits_are_sized_for_passes_them(settings):
    """ENTRY_IMPORT_MAX_ROWS units, every column filled, a long explanation on each: well within every limit."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["title"])
    sheet.append(["instructions " * 40])
    sheet.append([f"header {n}" for n in range(13)])
    for n in range(settings.ENTRY_IMPORT_MAX_ROWS):
        sheet.append([f"c{n}e{n}", f"集群{n % 30}", f"锦州某有限公司{n}", 3, 12.3456, f"说明{n}：" + "产能释放" * 60,
                      1.2, 0.3, 1200, 4.5, 11.1, 10.2, "已审核"])
    workbook.create_sheet("_meta").append(["jinzhou-quarterly-figures/2", 2011, 3, "quarter"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    check_xlsx(buffer.getvalue(), XlsxLimits.from_settings())


def test_an_image_is_counted_but_not_parsed(template):
    png = b"\x89PNG\r\n\x1a\n" + zlib.compress(bytes(range(256)) * 64)
    check_xlsx(pack(dict(template, **{"xl/media/image1.png": png})), XlsxLimits.from_settings())
