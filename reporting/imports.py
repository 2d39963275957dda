"""The quarterly template (.xlsx, Chinese headers, the user's reporting units filled in) and its import.

Import is two steps, both through `services.figures_enter_quarter`: a preview (a dry run that
checks every row exactly as a save would, and rolls back) and the import itself (all rows or none,
source "imported"). Between the two, the rows travel signed in the confirmation form, so the user
need not upload the file again and cannot alter what was previewed.

The template carries a hidden sheet naming it, its quarter and its mode, and the figure versions
the user downloaded: a row changed by someone else since then is refused, not overwritten.
Version 2 of the template adds the optional values (revenue, tax, employees, investment) after the
explanation; a version-1 template (without them) still imports, and leaves those values as saved.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from clusters.choices import FigureSource
from clusters.selectors import GridRow
from clusters.services import (
    EXTRA_FIELDS,
    EntryInput,
    EntryMode,
    EntryRejected,
    EntryResult,
    ExtraField,
    UnitKey,
    figures_enter_quarter,
)
from core.cells import put
from core.csv_sheets import CsvUnreadable, is_csv, read_csv
from core.numbers import NumberError, parse_id, parse_integer, quote
from core.periods import Quarter
from core.sheets import SheetError, data_rows, open_workbook, read_row
from org.models import User

TEMPLATE_ID = "jinzhou-quarterly-figures/2"
TEMPLATE_ID_WITHOUT_EXTRAS = "jinzhou-quarterly-figures/1"  # before the optional values: still imported
META_SHEET = "_meta"
FIRST_DATA_ROW = 4
HEADER_ROW = 3
SIGNING_SALT = "clusters.imports"


def _extra_header(spec: ExtraField, mode: str) -> str:
    if spec.integer:
        return _("%(field)s at the quarter's end (persons)") % {"field": spec.label}
    if spec.cumulative and mode == EntryMode.YTD:
        return _("%(field)s, year to date (100 million yuan)") % {"field": spec.label}
    return _("%(field)s, this quarter (100 million yuan)") % {"field": spec.label}


def _headers(mode: str, *, extras: bool = True) -> list[str]:
    value = _("Year-to-date output (100 million yuan)") if mode == EntryMode.YTD else _(
        "Quarter's output (100 million yuan)")
    optional = [_extra_header(spec, mode) for spec in EXTRA_FIELDS] if extras else []
    return [_("Unit code"), _("Cluster"), _("Enterprise"), _("Version"), value, _("Explanation"), *optional,
            _("Previous quarter"), _("Same quarter last year"), _("Status")]


# code, cluster, enterprise, version, value, explanation (and the optional values); the rest is for reading only
INPUT_COLUMNS = 6 + len(EXTRA_FIELDS)
INPUT_COLUMNS_WITHOUT_EXTRAS = 6
TYPED_IN_COLUMNS = range(5, INPUT_COLUMNS + 1)  # the value, the explanation and the optional values
META_COLUMN = 15  # O1:R1 repeat the hidden _meta sheet's row, for a template saved as CSV


def _styled(sheet, value: object, **style: object) -> WriteOnlyCell:
    cell = put(WriteOnlyCell(sheet), value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def template_xlsx(quarter: Quarter, mode: str, rows: Iterable[GridRow]) -> bytes:
    """The template for `quarter` and `mode`, headers in Chinese, one row per unit the user may edit, written
    streaming (openpyxl's write-only mode: memory does not grow with the rows, read as `rows` yields them)."""
    with translation.override("zh-hans"):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Quarterly figures"))
        widths = (10, 28, 24, 8, 22, 30, 18, 18, 16, 18, 14, 16, 10)
        for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.column_dimensions.group(get_column_letter(META_COLUMN), get_column_letter(META_COLUMN + 3),
                                      hidden=True)
        sheet.freeze_panes = f"E{FIRST_DATA_ROW}"
        meta_row = [TEMPLATE_ID, quarter.year, quarter.quarter, mode]
        title = _("Jinzhou industrial clusters: quarterly figures, %(quarter)s") % {"quarter": quarter.label}
        # The meta row again in hidden columns of the first row: a sheet saved as CSV keeps only its first sheet.
        sheet.append([_styled(sheet, title, font=Font(bold=True, size=13)), *[None] * (META_COLUMN - 2), *meta_row])
        sheet.append([_styled(sheet, _("Fill in the output column (亿元) and, where asked, the explanation; revenue, "
                                       "taxes, employees and investment are optional. Do not change the first four "
                                       "columns or the sheet's layout; type values, not formulas."),
                              alignment=Alignment(wrap_text=False))])
        sheet.append([_styled(sheet, header, font=Font(bold=True), fill=PatternFill("solid", fgColor="EEF2F6"))
                      for header in _headers(mode)])
        written = 0
        for row in rows:
            if not row.may_edit:
                continue
            figure = row.figure
            values = [
                row.key, row.unit.cluster.name_zh, row.unit.enterprise.name if row.unit.enterprise else "",
                figure.version if figure else None, row.shown, figure.note if figure else "",
                *(row.extras.get(spec.name) for spec in EXTRA_FIELDS),
                row.previous.value, row.last_year.value, figure.get_status_display() if figure else _("not entered"),
            ]
            # Typed cells (core.cells): a note or name starting with "=" stays text, never a formula. What is
            # typed shows as typed (format "General"): a spreadsheet saving CSV writes the shown text, and a
            # format with fewer decimals would round a mistyped fifth decimal away unseen.
            sheet.append([_styled(sheet, value, **({"number_format": "General"} if column in TYPED_IN_COLUMNS else {}))
                          for column, value in enumerate(values, start=1)])
            written += 1
        last = FIRST_DATA_ROW + max(written, 1) - 1
        numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 error=_("Enter a number of 亿元, zero or more."), showErrorMessage=True)
        for letter in ("E", "G", "H", "J"):
            numbers.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        people = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                error=_("Enter a whole number of people, zero or more."), showErrorMessage=True)
        people.add(f"I{FIRST_DATA_ROW}:I{last}")
        sheet.data_validations.append(numbers)  # written after the rows, when the sheet is closed
        sheet.data_validations.append(people)
        meta = workbook.create_sheet(META_SHEET)
        meta.sheet_state = "hidden"
        meta.append(meta_row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        last_column = get_column_letter(META_COLUMN + len(meta_row) - 1)
        return _with_dimensions(buffer.getvalue(), [f"A1:{last_column}{max(last, HEADER_ROW)}",
                                                    f"A1:{get_column_letter(len(meta_row))}1"])


def _with_dimensions(content: bytes, dimensions: list[str]) -> bytes:
    """The workbook with each sheet's size stated before its rows (`<dimension>`), as spreadsheet programs write
    it and as an upload must have it (`core.uploads`); openpyxl's write-only mode leaves it out, since it writes
    rows before it knows how many. `dimensions` in the order of the sheets."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            number = item.filename.removeprefix("xl/worksheets/sheet").removesuffix(".xml")
            if item.filename.startswith("xl/worksheets/sheet") and number.isdigit():
                data = data.replace(b"<sheetViews>", f'<dimension ref="{dimensions[int(number) - 1]}"/><sheetViews>'
                                    .encode(), 1)
            target.writestr(item, data)
    return out.getvalue()


@dataclass
class PreviewRow:
    number: int
    unit: str
    label: str
    value: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """What an upload would do: every row with its problems, or, when there are none, the changes."""

    quarter: Quarter
    mode: str
    rows: list[PreviewRow]
    file_errors: list[str] = field(default_factory=list)
    result: EntryResult | None = None
    token: str = ""

    @property
    def bad_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.bad_rows and self.result is not None


def _text(value: object) -> str:
    """A cell as text. A float keeps its shortest repr (12.3, 0.30000000000000004): the amount parser
    (core.numbers) rounds a spreadsheet's binary noise and refuses a real fifth decimal."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _template_sheet(upload) -> tuple[object, tuple]:
    """The sheet to read and the template's identity row (id, year, quarter, mode), from an .xlsx (its
    hidden _meta sheet) or a CSV (the first row's hidden columns)."""
    if is_csv(upload.name):
        if upload.size > settings.ENTRY_UPLOAD_MAX_BYTES:
            raise SheetError(_("The file is %(size)s; the limit is %(limit)s.") % {
                "size": filesizeformat(upload.size), "limit": filesizeformat(settings.ENTRY_UPLOAD_MAX_BYTES)})
        try:
            sheet = read_csv(upload.read(), max_rows=settings.ENTRY_IMPORT_MAX_ROWS + FIRST_DATA_ROW)
        except CsvUnreadable as error:
            raise SheetError(error.message) from error
        return sheet, read_row(sheet, number=1, width=META_COLUMN + 3)[META_COLUMN - 1:]
    workbook = open_workbook(upload)
    if META_SHEET not in workbook.sheetnames:
        return workbook.worksheets[0], ()
    return workbook.worksheets[0], read_row(workbook[META_SHEET], number=1, width=4)


def read_upload(upload) -> tuple[Quarter, str, list[PreviewRow], list[EntryInput]]:
    """Parse an uploaded template (.xlsx or .csv). Raises `SheetError` when the file as a whole is refused."""
    sheet, meta = _template_sheet(upload)
    wrong = _("This is not the quarterly-figures template, or its layout was changed. Download the template for "
              "the quarter again and fill it in. Nothing was imported.")
    if len(meta) < 4 or meta[0] not in (TEMPLATE_ID, TEMPLATE_ID_WITHOUT_EXTRAS) or meta[3] not in EntryMode.ALL:
        raise SheetError(wrong)
    try:
        quarter = Quarter(parse_integer(meta[1]), parse_integer(meta[2]))
    except ValueError as error:  # NumberError (also an infinite or huge number), or a quarter outside 1–4
        raise SheetError(wrong) from error
    mode, with_extras = meta[3], meta[0] == TEMPLATE_ID
    width = INPUT_COLUMNS if with_extras else INPUT_COLUMNS_WITHOUT_EXTRAS
    with translation.override("zh-hans"):
        expected = _headers(mode, extras=with_extras)
    header = read_row(sheet, number=HEADER_ROW, width=len(expected))
    if [str(h or "").strip() for h in header] != expected:
        raise SheetError(wrong)
    rows, entries = [], []
    for sheet_row in data_rows(sheet, first_row=FIRST_DATA_ROW, width=width):
        code, cluster_name, enterprise_name, version, value, note = sheet_row.values[:6]
        # An old template has no optional columns: None, so the figures keep their saved values.
        extras = {spec.name: _text(cell) for spec, cell in zip(EXTRA_FIELDS, sheet_row.values[6:width], strict=False)
                  } if with_extras else {}
        row = PreviewRow(sheet_row.number, _text(code), _text(enterprise_name) or _text(cluster_name), _text(value))
        rows.append(row)
        if UnitKey.parse(code) is None:
            row.errors.append(_("Unit code: “%(code)s” is not a reporting unit of the template; do not change the "
                                "first four columns.") % {"code": quote(code)})
            continue
        try:
            version = parse_id(version) if _text(version) else None
        except NumberError:
            row.errors.append(_("Version: “%(text)s” was changed; do not change the first four columns.")
                              % {"text": quote(version)})
            continue
        entries.append(EntryInput(unit=str(UnitKey.parse(code)), value=_text(value), note=_text(note),
                                  version=version, **extras))
    return quarter, mode, rows, entries


def _apply_rejection(rows: list[PreviewRow], rejected: EntryRejected) -> list[str]:
    """Attach the service's reasons to the rows they concern; return those that concern no row."""
    by_unit = {row.unit: row for row in rows}
    general = []
    for unit, messages in rejected.errors.items():
        (by_unit[unit].errors if unit in by_unit else general).extend(messages)
    for conflict in rejected.conflicts:
        current = conflict.current
        who = current.entered_by.get_username() if current.entered_by else _("someone")
        message = _("Output value: %(who)s changed this figure after the template was downloaded (now %(value)s "
                    "亿元, %(status)s); download the template again.") % {
            "who": who, "value": f"{current.output_value.normalize():f}", "status": current.get_status_display()}
        (by_unit[conflict.unit].errors if conflict.unit in by_unit else general).append(message)
    return general


def preview_upload(*, user: User, upload) -> Preview:
    """Check an upload without saving anything: every bad row with its reasons, or what would change."""
    try:
        quarter, mode, rows, entries = read_upload(upload)
    except SheetError as error:
        return Preview(Quarter.last_ended(), EntryMode.QUARTER, [], file_errors=[error.message])
    preview = Preview(quarter, mode, rows)
    if not rows:
        preview.file_errors.append(_("The sheet has no rows to import."))
        return preview
    # Rows that could not be read already carry their reason; the readable ones are checked as a save
    # would check them, so the preview lists every bad row at once.
    try:
        preview.result = figures_enter_quarter(user=user, quarter=quarter, entries=entries, mode=mode,
                                               source=FigureSource.IMPORTED, dry_run=True)
    except EntryRejected as rejected:
        preview.file_errors += _apply_rejection(rows, rejected)
    if preview.ok:
        preview.token = signing.dumps(
            {"q": [quarter.year, quarter.quarter], "mode": mode,
             "rows": [[e.unit, e.value, e.note, e.version, *(e.typed_extra(f.name) for f in EXTRA_FIELDS)]
                      for e in entries]},
            salt=f"{SIGNING_SALT}:{user.pk}", compress=True,
        )
    return preview


def import_confirmed(*, user: User, token: str) -> tuple[Quarter, EntryResult]:
    """Import what a preview showed (all rows or none). Raises `EntryRejected` if anything changed since,
    and `signing.BadSignature` for a token that is not this user's or is older than a day."""
    payload = signing.loads(token, salt=f"{SIGNING_SALT}:{user.pk}", max_age=24 * 3600)
    quarter = Quarter(*payload["q"])
    # A row is [unit, value, note, version, *EXTRA_FIELDS] (the optional values None when not in the sheet).
    entries = [EntryInput(*row) for row in payload["rows"]]
    return quarter, figures_enter_quarter(user=user, quarter=quarter, entries=entries, mode=payload["mode"],
                                          source=FigureSource.IMPORTED)
