"""Generated damage to an uploaded template: whatever the bytes, reading it ends in the template's rows or in a
refusal with a message (`SheetError`), never in another exception (a 500), and within a bound.

Three generators, each run for `EXAMPLES` files: bytes of the packed file overwritten, cut or inserted;
text spliced into one XML part (markup, DTDs, entities, odd digits, control characters, huge numbers and
references) and the archive packed again; and the value cell of a data row replaced by any type and text,
then previewed as an upload is (the full check a save would make, rolled back).
"""
from __future__ import annotations

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusters.models import QuarterlyFigure
from core.sheets import SheetError
from reporting import imports

EXAMPLES = 150
BOUND_SECONDS = 2.0
DATA_SHEET = "xl/worksheets/sheet1.xml"
SPLICES = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "<", ">", "&", "&amp;", "&lol;", "]]>", "<![CDATA[x]]>", "<!DOCTYPE x>", '<!ENTITY e "x">', "<?pi x?>",
        "<!-- c -->", '<c r="XFD1"><v>1</v></c>', '<row r="1048576"/>', '<c t="s"><v>99999</v></c>',
        '<dimension ref="A1:XFD1048576"/>', "<v>1e9999999</v>", "<v>" + "9" * 5000 + "</v>", "²³", "①", "\x00",
        "\ufeff", "<f>SUM(A1)</f>", '<c t="d"><v>x</v></c>', "</sheetData>", "<sheetData>", "</worksheet>",
        'xmlns="urn:x"', '<si><t>x</t></si>' * 50,
    ]),
)


def _template() -> bytes:
    """A template as the site writes it: title, instructions, headers, two data rows, the hidden meta sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with translation.override("zh-hans"):
        headers = imports._headers("quarter")
    sheet.append(["title"])
    sheet.append(["instructions"])
    sheet.append(headers)
    sheet.append(["c1", "集群", "", 1, 12.5, "说明", 1, 2, 3, 4, None, None, "draft"])
    sheet.append(["e5", "集群", "企业", None, "7", "", None, None, None, None, None, None, ""])
    workbook.create_sheet(imports.META_SHEET).append([imports.TEMPLATE_ID, 2011, 3, "quarter"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEMPLATE = _template()
with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as _archive:
    PARTS = {name: _archive.read(name) for name in _archive.namelist()}


def _pack(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _read(data: bytes) -> None:
    """Read `data` as an upload: rows or SheetError, nothing else, within the bound."""
    started = time.perf_counter()
    try:
        imports.read_upload(SimpleUploadedFile("figures.xlsx", data))
    except SheetError as refusal:
        outcome = refusal.message
    else:
        outcome = "read"
    assert outcome
    assert time.perf_counter() - started < BOUND_SECONDS


def test_the_generated_template_is_read():
    _quarter, _mode, rows, entries = imports.read_upload(SimpleUploadedFile("figures.xlsx", TEMPLATE))
    assert [row.number for row in rows] == [4, 5]
    assert len(entries) == 2


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(data=st.data())
def test_damaged_bytes_are_read_or_refused(data):
    content = bytearray(TEMPLATE)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        action = data.draw(st.sampled_from(["overwrite", "cut", "insert"]))
        chunk = data.draw(st.binary(min_size=1, max_size=16))
        if action == "overwrite":
            content[position:position + len(chunk)] = chunk
        elif action == "cut":
            del content[position:position + len(chunk)]
        else:
            content[position:position] = chunk
    _read(bytes(content))


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(part=st.sampled_from(sorted(PARTS)), where=st.floats(0, 1), splice=SPLICES, replace=st.integers(0, 20))
def test_text_spliced_into_any_xml_part_is_read_or_refused(part, where, splice, replace):
    content = PARTS[part]
    position = int(len(content) * where)
    spliced = content[:position] + splice.encode("utf-8", "surrogatepass") + content[position + replace:]
    _read(_pack(dict(PARTS, **{part: spliced})))


@pytest.mark.django_db
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["n", "s", "b", "d", "e", "str", "inlineStr", "x", None]), text=SPLICES)
def test_any_value_in_a_data_cell_is_previewed_or_refused(agri_editor, kind, text):
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\x00", "")
    value = f"<is><t>{escaped}</t></is>" if kind == "inlineStr" else f"<v>{escaped}</v>"
    cell = f'<c r="E4"{f" t={chr(34)}{kind}{chr(34)}" if kind else ""}>{value}</c>'.encode()
    sheet = PARTS[DATA_SHEET]
    start = sheet.index(b'<c r="E4"')
    spliced = sheet[:start] + cell + sheet[sheet.index(b"</c>", start) + 4:]
    started = time.perf_counter()
    preview = imports.preview_upload(user=agri_editor, upload=SimpleUploadedFile(
        "figures.xlsx", _pack(dict(PARTS, **{DATA_SHEET: spliced}))))
    assert time.perf_counter() - started < BOUND_SECONDS
    assert preview.ok or preview.file_errors or preview.bad_rows
    assert not QuarterlyFigure.objects.exists()
