"""Excel in: the quarterly template, a preview listing every bad row with its reason, an all-or-nothing
import, and a clear answer (and nothing saved) for files that are not the template or not acceptable."""
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from clusters.choices import FigureSource, FigureStatus
from clusters.models import QuarterlyFigure
from org.models import User
from tests.reporting.support import english, figure, key, load_xlsx, workbook_upload

pytestmark = pytest.mark.django_db
TEMPLATE = reverse("figure-template")
IMPORT = reverse("figure-import")
CONFIRM = reverse("figure-import-confirm")
FIRST_ROW = 4  # rows 1-2: title and instructions, row 3: headers


@pytest.fixture
def editor_client(client, agri_editor):
    english(client)
    client.force_login(agri_editor)
    return client


def _template(client, **params) -> openpyxl.Workbook:
    response = client.get(TEMPLATE, {"year": 2011, "quarter": 3} | params)
    assert response.status_code == 200
    return load_xlsx(response.content)


def _fill(workbook, values: dict[str, object]) -> openpyxl.Workbook:
    """Type values into the output column, by unit code."""
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        if row[0].value in values:
            row[4].value = values[row[0].value]
    return workbook


def _upload(client, workbook_or_file):
    upload = workbook_or_file if isinstance(workbook_or_file, SimpleUploadedFile) else workbook_upload(
        workbook_or_file)
    return client.post(IMPORT, {"file": upload})


def _row_of(workbook, code) -> int:
    return next(r[0].row for r in workbook.worksheets[0].iter_rows(min_row=FIRST_ROW) if r[0].value == code)


# --- the template -------------------------------------------------------------------------------------

def test_the_template_has_chinese_headers_and_the_users_units(editor_client):
    figure("heishan-main", 2011, 3, "12.5", status=FigureStatus.DRAFT, version=2)
    workbook = _template(editor_client)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[3]]
    assert headers[:6] == ["单位编码", "产业集群", "企业", "版本", "本季产值（亿元）", "说明"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert set(rows) == {key(c) for c in ("heishan-main", "beizhen-main", "linghai-main", "yixian-main")}
    assert rows[key("heishan-main")][3:5] == (2, 12.5)
    assert workbook["_meta"].sheet_state == "hidden"


def test_the_year_to_date_template_says_so(editor_client):
    assert _template(editor_client, mode="ytd").worksheets[0]["E3"].value == "累计产值（亿元）"


def test_a_viewer_gets_no_template_and_cannot_import(client, make_user):
    client.force_login(make_user(User.Role.VIEWER, "nlb"))
    assert client.get(TEMPLATE).status_code == 403
    assert client.get(IMPORT).status_code == 403


# --- good and bad rows ---------------------------------------------------------------------------------

def test_bad_rows_are_all_listed_with_their_reasons_and_nothing_is_saved(editor_client):
    workbook = _fill(_template(editor_client), {
        key("heishan-main"): 12.5, key("beizhen-main"): "十二", key("linghai-main"): -3, key("yixian-main"): 10,
    })
    response = _upload(editor_client, workbook)
    assert response.status_code == 400
    bad = {row.number: row.errors for row in response.context["preview"].bad_rows}
    assert bad == {
        _row_of(workbook, key("beizhen-main")): ["Output value: “十二” is not a number."],
        _row_of(workbook, key("linghai-main")): ["Output value: cannot be negative."],
    }
    assertContains(response, "2 rows have problems; nothing was imported.", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_the_corrected_file_previews_then_imports_completely(editor_client, agri_editor):
    workbook = _fill(_template(editor_client), {
        key("heishan-main"): 12.5, key("beizhen-main"): 12, key("linghai-main"): 3, key("yixian-main"): 10,
    })
    preview = _upload(editor_client, workbook)
    assert preview.status_code == 200
    assertContains(preview, "All 4 rows are in order: 4 new figures, 0 changed, 0 unchanged.")
    assert not QuarterlyFigure.objects.exists()  # a preview saves nothing
    response = editor_client.post(CONFIRM, {"token": preview.context["preview"].token})
    assert response.status_code == 302
    saved = {f.cluster.code: f for f in QuarterlyFigure.objects.select_related("cluster")}
    assert {code: f.output_value for code, f in saved.items()} == {
        "heishan-main": 12.5, "beizhen-main": 12, "linghai-main": 3, "yixian-main": 10}
    assert {(f.source, f.status, f.entered_by) for f in saved.values()} == {
        (FigureSource.IMPORTED, FigureStatus.DRAFT, agri_editor)}
    assert saved["heishan-main"].history.first().history_change_reason == "imported"


def test_an_imported_change_to_an_existing_figure_is_recorded_as_imported(editor_client):
    existing = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)
    preview = _upload(editor_client, _fill(_template(editor_client), {key("heishan-main"): 11}))
    editor_client.post(CONFIRM, {"token": preview.context["preview"].token})
    existing.refresh_from_db()
    assert (existing.output_value, existing.source, existing.version) == (11, FigureSource.IMPORTED, 2)


def test_a_row_changed_by_someone_else_after_the_download_is_refused(editor_client):
    existing = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)
    workbook = _fill(_template(editor_client), {key("heishan-main"): 11})
    QuarterlyFigure.objects.filter(pk=existing.pk).update(output_value=20, version=2)
    response = _upload(editor_client, workbook)
    assertContains(response, "changed this figure after the template was downloaded", status_code=400)
    existing.refresh_from_db()
    assert existing.output_value == 20


def test_a_change_between_preview_and_import_imports_nothing(editor_client):
    existing = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)
    preview = _upload(editor_client, _fill(_template(editor_client), {key("heishan-main"): 11,
                                                                       key("yixian-main"): 4}))
    QuarterlyFigure.objects.filter(pk=existing.pk).update(output_value=20, version=2)
    response = editor_client.post(CONFIRM, {"token": preview.context["preview"].token}, follow=True)
    assertContains(response, "Nothing was imported")
    assert not QuarterlyFigure.objects.filter(cluster__code="yixian-main").exists()


def test_another_departments_unit_in_the_file_is_a_bad_row(editor_client):
    workbook = _fill(_template(editor_client), {key("heishan-main"): 1})
    workbook.worksheets[0].append([key("linghe-main"), "凌河区", "", None, 99, ""])
    response = _upload(editor_client, workbook)
    assertContains(response, "Reporting unit: not one you may enter figures for.", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_a_token_of_another_user_or_altered_is_refused(editor_client, client, make_user):
    preview = _upload(editor_client, _fill(_template(editor_client), {key("heishan-main"): 1}))
    token = preview.context["preview"].token
    assert editor_client.post(CONFIRM, {"token": token + "x"}).status_code == 400
    colleague = make_user(User.Role.EDITOR, "nlb")
    editor_client.force_login(colleague)
    assert editor_client.post(CONFIRM, {"token": token}).status_code == 400
    assert not QuarterlyFigure.objects.exists()


# --- files refused as a whole ---------------------------------------------------------------------------

def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_answer(editor_client):
    upload = SimpleUploadedFile("figures.xlsx", "单位编码,产值\nc1,12\n".encode(), content_type="text/csv")
    response = _upload(editor_client, upload)
    assertContains(response, "This file is not an Excel workbook (.xlsx).", status_code=400)


def test_a_damaged_workbook_gets_a_clear_answer(editor_client):
    content = workbook_upload(_template(editor_client)).read()
    response = _upload(editor_client, SimpleUploadedFile("figures.xlsx", content[: len(content) // 2]))
    assertContains(response, "This file is not an Excel workbook (.xlsx).", status_code=400)


def test_a_workbook_that_is_not_the_template_gets_a_clear_answer(editor_client):
    workbook = openpyxl.Workbook()
    workbook.active.append(["产业集群", "产值"])
    workbook.active.append(["光伏", 12])
    response = _upload(editor_client, workbook)
    assertContains(response, "This is not the quarterly-figures template, or its layout was changed.",
                   status_code=400)


def test_a_template_with_changed_headers_is_refused(editor_client):
    workbook = _template(editor_client)
    workbook.worksheets[0]["E3"] = "产值"
    assertContains(_upload(editor_client, workbook), "its layout was changed", status_code=400)


def test_formulas_are_refused_and_nothing_is_imported(editor_client):
    workbook = _template(editor_client)
    row = _row_of(workbook, key("heishan-main"))
    workbook.worksheets[0][f"E{row}"] = "=10+2"
    response = _upload(editor_client, workbook)
    assertContains(response, f"Cells with formulas are not accepted (E{row})", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_a_hundred_thousand_rows_are_refused_and_nothing_is_imported(editor_client, settings):
    # Let it past the size and complexity checks: the row count answers, counted as the sheet is read.
    settings.ENTRY_UPLOAD_MAX_BYTES = settings.ENTRY_UPLOAD_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    settings.ENTRY_UPLOAD_MAX_PART_BYTES = 50 * 1024 * 1024
    settings.ENTRY_UPLOAD_MAX_RATIO = settings.ENTRY_UPLOAD_MAX_XML_ELEMENTS = 10**9
    template = _template(editor_client)
    big = openpyxl.Workbook(write_only=True)
    sheet = big.create_sheet(template.worksheets[0].title)
    for source_row in template.worksheets[0].iter_rows(max_row=3, values_only=True):
        sheet.append(list(source_row))
    row = [key("heishan-main"), "黑山", "", None, 1, ""]
    for _ in range(100_000):
        sheet.append(row)
    meta = big.create_sheet("_meta")
    meta.append(next(template["_meta"].iter_rows(values_only=True)))
    response = _upload(editor_client, _with_dimensions(big, "A1:F3"))
    assertContains(response, "The sheet has more than 2000 rows", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def _with_dimensions(workbook, dimension: str) -> SimpleUploadedFile:
    """`workbook` saved with `dimension` stated in each sheet, as Excel writes it (openpyxl's write-only mode
    states none), here claiming far fewer rows than there are."""
    packed = workbook_upload(workbook).read()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(packed)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("xl/worksheets/"):
                content = content.replace(b"<sheetData", f'<dimension ref="{dimension}"/><sheetData'.encode(), 1)
            out.writestr(name, content)
    return SimpleUploadedFile("figures.xlsx", buffer.getvalue())


def test_a_sheet_a_few_rows_over_the_limit_is_refused_as_it_is_read(editor_client, settings):
    template = _template(editor_client)
    sheet = template.worksheets[0]
    for _ in range(settings.ENTRY_IMPORT_MAX_ROWS + 5 - (sheet.max_row - FIRST_ROW + 1)):
        sheet.append([key("heishan-main"), "黑山", "", None, 1, ""])
    assertContains(_upload(editor_client, template), "The sheet has more than 2000 rows", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_a_message(editor_client, settings):
    settings.ENTRY_UPLOAD_MAX_BYTES = 1000
    response = _upload(editor_client, _template(editor_client))
    assert response.status_code == 400
    assert re.search(r"The file is [\d.]+\xa0KB; the limit is 1000\xa0bytes", response.content.decode())


def test_a_workbook_that_unpacks_too_large_is_refused(editor_client, settings):
    settings.ENTRY_UPLOAD_MAX_UNPACKED_BYTES = 2000
    assertContains(_upload(editor_client, _template(editor_client)), "unpacks to", status_code=400)


def test_upload_limits_are_in_the_settings(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == settings.ENTRY_UPLOAD_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE > 0


def test_the_preview_page_is_plain_html_without_javascript(editor_client):
    response = editor_client.get(IMPORT)
    assertContains(response, 'enctype="multipart/form-data"')
    assert b"<script>" not in response.content
    assert io.BytesIO(response.content)


def test_an_imported_year_to_date_is_kept_as_reported(editor_client):
    figure("linghai-main", 2011, 1, "18.2")
    figure("linghai-main", 2011, 2, "18.8")
    workbook = _fill(_template(editor_client, mode="ytd"), {key("linghai-main"): 55})
    preview = _upload(editor_client, workbook)
    editor_client.post(CONFIRM, {"token": preview.context["preview"].token})
    q3 = QuarterlyFigure.objects.get(cluster__code="linghai-main", year=2011, quarter=3)
    assert (q3.entry_mode, q3.reported_ytd, q3.output_value) == ("ytd", 55, 18)
