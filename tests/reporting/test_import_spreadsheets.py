"""The quarterly template as spreadsheet programs really hand it back: re-saved (floats, shared or inline
strings, a new style table), saved as CSV (UTF-8 with or without a byte-order mark, GBK), with values
typed through a Chinese IME, and with text from the database that looks like a formula."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.styles import Font, PatternFill
from pytest_django.asserts import assertContains

from clusters.choices import FigureStatus
from clusters.models import Enterprise, QuarterlyFigure
from tests.reporting.support import cluster, english, figure, key, load_xlsx

pytestmark = pytest.mark.django_db
TEMPLATE = reverse("figure-template")
IMPORT = reverse("figure-import")
CONFIRM = reverse("figure-import-confirm")
FIRST_ROW = 4
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def editor_client(client, agri_editor):
    english(client)
    client.force_login(agri_editor)
    return client


def _template_bytes(client, **params) -> bytes:
    response = client.get(TEMPLATE, {"year": 2011, "quarter": 3} | params)
    assert response.status_code == 200
    return response.content


def _import(client, name: str, content: bytes) -> dict[str, QuarterlyFigure]:
    """Upload, check the preview is in order, confirm; the saved figures by cluster code."""
    preview = client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})
    assert preview.status_code == 200, [r.errors for r in preview.context["preview"].bad_rows] + \
        preview.context["preview"].file_errors
    assert client.post(CONFIRM, {"token": preview.context["preview"].token}).status_code == 302
    return {f.cluster.code: f for f in QuarterlyFigure.objects.select_related("cluster")}


def _resaved(template: bytes, values: dict[str, dict[int, object]]) -> bytes:
    """The template filled in and saved as a spreadsheet program saves it: every value copied into a new
    workbook (its own style table: fonts, fills, number formats), numbers as binary floats, text as inline
    strings (openpyxl's way); `values` maps a unit code to {column index: value}."""
    source = openpyxl.load_workbook(io.BytesIO(template))
    target = openpyxl.Workbook()
    target.remove(target.active)
    for sheet in source.worksheets:
        copy = target.create_sheet(sheet.title)
        copy.sheet_state = sheet.sheet_state
        for row in sheet.iter_rows():
            typed = values.get(row[0].value, {}) if row[0].row >= FIRST_ROW else {}
            for cell in row:
                value = typed.get(cell.column - 1, cell.value)
                if isinstance(value, int | Decimal) and not isinstance(value, bool) and cell.column > 4:
                    value = float(value)
                new = copy.cell(row=cell.row, column=cell.column, value=value)
                if isinstance(value, float):
                    new.number_format = "0.00"  # a display format with fewer decimals than the value
                    new.font = Font(name="SimSun", size=11)
                    new.fill = PatternFill("solid", fgColor="FFF2CC")
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def _with_shared_strings(content: bytes) -> bytes:
    """The same workbook with its text in a shared-strings table, as Excel and LibreOffice write it."""
    ElementTree.register_namespace("", MAIN)
    source = zipfile.ZipFile(io.BytesIO(content))
    strings: list[str] = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", item.filename):
                root = ElementTree.fromstring(data)  # noqa: S314 - the workbook this test just wrote
                for cell in root.iter(f"{{{MAIN}}}c"):
                    if cell.get("t") == "inlineStr":
                        inline = cell.find(f"{{{MAIN}}}is")
                        strings.append("".join(inline.itertext()))
                        cell.remove(inline)
                        cell.set("t", "s")
                        ElementTree.SubElement(cell, f"{{{MAIN}}}v").text = str(len(strings) - 1)
                data = ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlforma'
                                    b'ts.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.'
                                    b'xml"/></Relationships>')
            target.writestr(item, data)
        table = ElementTree.Element(f"{{{MAIN}}}sst", count=str(len(strings)), uniqueCount=str(len(strings)))
        for text in strings:
            ElementTree.SubElement(ElementTree.SubElement(table, f"{{{MAIN}}}si"), f"{{{MAIN}}}t").text = text
        target.writestr("xl/sharedStrings.xml", ElementTree.tostring(table, xml_declaration=True, encoding="UTF-8"))
    return out.getvalue()


def _as_csv(template: bytes, values: dict[str, dict[int, object]], *, encoding: str) -> bytes:
    """The template's first sheet saved as CSV, as shown: what Excel or WPS writes with "Save as CSV"."""
    sheet = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in sheet.iter_rows(values_only=True):
        typed = values.get(row[0], {})
        writer.writerow(["" if v is None else v for v in (typed.get(i, v) for i, v in enumerate(row))])
    return buffer.getvalue().encode(encoding)


VALUES = {  # typed floats with binary noise, and the Decimals they mean
    "heishan-main": (0.1 + 0.2, Decimal("0.3")),
    "beizhen-main": (7.1 * 3, Decimal("21.3")),
    "linghai-main": (1234.5678, Decimal("1234.5678")),
    "yixian-main": (12.3, Decimal("12.3")),
}


@pytest.mark.parametrize("shared_strings", [False, True], ids=["inline strings", "shared strings"])
def test_a_template_resaved_by_a_spreadsheet_program_imports_exact_decimals(editor_client, shared_strings):
    figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)  # a version cell to carry back
    typed = {key(code): {4: value, 6: value * 2, 8: 250.0} for code, (value, _exact) in VALUES.items()}
    content = _resaved(_template_bytes(editor_client), typed)
    if shared_strings:
        content = _with_shared_strings(content)
    saved = _import(editor_client, "figures.xlsx", content)
    assert {code: f.output_value for code, f in saved.items()} == {code: exact for code, (_v, exact) in VALUES.items()}
    assert {code: f.revenue for code, f in saved.items()} == {code: exact * 2 for code, (_v, exact) in VALUES.items()}
    assert {f.employees for f in saved.values()} == {250}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "gbk"])
def test_the_template_saved_as_csv_imports_like_the_workbook(editor_client, encoding):
    typed = {key("heishan-main"): {4: "1,234.5", 5: "说明：新投产"}, key("yixian-main"): {4: "１２．３"},
             key("beizhen-main"): {4: "0.30000000000000004", 8: "1,200"}}
    saved = _import(editor_client, "figures.csv", _as_csv(_template_bytes(editor_client), typed, encoding=encoding))
    assert {code: f.output_value for code, f in saved.items()} == {
        "heishan-main": Decimal("1234.5"), "yixian-main": Decimal("12.3"), "beizhen-main": Decimal("0.3")}
    assert saved["heishan-main"].note == "说明：新投产"
    assert saved["beizhen-main"].employees == 1200


def test_a_csv_import_previews_every_bad_row_and_saves_nothing(editor_client):
    typed = {key("heishan-main"): {4: "1,5"}, key("yixian-main"): {4: "1e9999999"}, key("linghai-main"): {4: "²"}}
    content = _as_csv(_template_bytes(editor_client), typed, encoding="utf-8-sig")
    response = editor_client.post(IMPORT, {"file": SimpleUploadedFile("figures.csv", content)})
    assert response.status_code == 400
    problems = sorted(e for row in response.context["preview"].bad_rows for e in row.errors)
    assert problems == [
        "Output value: “1,5” is ambiguous: a comma only separates thousands (1,234.5); use a decimal point (1.5).",
        "Output value: “1e9999999” is too large.", "Output value: “²” is not a number."]
    assert not QuarterlyFigure.objects.exists()


def test_a_csv_without_the_templates_identity_is_refused(editor_client):
    content = "单位编码,产业集群,企业,版本,本季产值（亿元）,说明\r\nc1,x,,,12,\r\n".encode()
    response = editor_client.post(IMPORT, {"file": SimpleUploadedFile("figures.csv", content)})
    assertContains(response, "This is not the quarterly-figures template", status_code=400)


def test_a_csv_in_another_encoding_gets_a_clear_answer(editor_client):
    content = "单位编码".encode("utf-16")
    response = editor_client.post(IMPORT, {"file": SimpleUploadedFile("figures.csv", content)})
    assert response.status_code == 400
    assert response.context["preview"].file_errors


@pytest.mark.parametrize("name", ["figures.xls", "figures.ods"])
def test_xls_and_ods_are_told_to_save_as_xlsx_or_csv(editor_client, name):
    response = editor_client.post(IMPORT, {"file": SimpleUploadedFile(name, b"\xd0\xcf\x11\xe0" + b"\x00" * 100)})
    assertContains(response, "Save the sheet from your spreadsheet program as an Excel workbook (.xlsx) or as CSV "
                             "(.csv), then upload that.", status_code=400)


# --- text from the database that looks like a formula -------------------------------------------------

FORMULA_LIKE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "\t=1", " =1", "＝1+1", "\r=1"]


def test_the_template_writes_formula_like_text_as_text_and_takes_itself_back(editor_client):
    heishan = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT, note=FORMULA_LIKE[0])
    figure("yixian-main", 2011, 3, "4", status=FigureStatus.DRAFT, note="＝1+1")
    content = _template_bytes(editor_client)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = load_xlsx(content).worksheets[0]
    notes = {row[0].value: row[5] for row in sheet.iter_rows(min_row=FIRST_ROW)}
    assert notes[key("heishan-main")].value == FORMULA_LIKE[0]
    assert notes[key("heishan-main")].data_type == "s"
    assert notes[key("heishan-main")].quotePrefix
    assert notes[key("yixian-main")].quotePrefix
    # The unchanged template is accepted, and changes nothing.
    preview = editor_client.post(IMPORT, {"file": SimpleUploadedFile("figures.xlsx", content)})
    assert preview.status_code == 200, preview.context["preview"].file_errors
    assert preview.context["preview"].result.unchanged == 2
    heishan.refresh_from_db()
    assert heishan.note == FORMULA_LIKE[0]


def test_an_enterprise_name_that_looks_like_a_formula_stays_text_in_the_template(editor_client):
    Enterprise.objects.create(cluster=cluster("heishan-main"), name="=1+2")
    sheet = load_xlsx(_template_bytes(editor_client)).worksheets[0]
    cell = next(row[2] for row in sheet.iter_rows(min_row=FIRST_ROW) if row[2].value == "=1+2")
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_values_in_the_template_are_numbers_typed_as_general(editor_client):
    figure("heishan-main", 2011, 3, "12.3456", status=FigureStatus.DRAFT, revenue=Decimal("-0"))
    sheet = load_xlsx(_template_bytes(editor_client)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=FIRST_ROW) if r[0].value == key("heishan-main"))
    assert row[4].value == 12.3456
    assert row[4].number_format == "General"  # what is typed shows as typed (and so saves as CSV)
    assert row[6].value == 0
    assert isinstance(row[3].value, int)  # the version
