"""Spreadsheets in and out: every list screen's .xlsx / .csv export, and careful reading of uploads.

Exports write exactly the rows a selector returned for the user (the caller scopes them), typed by
core.cells: numbers as numbers, dates as dates, and text as text that never runs as a formula in the
reader's Excel (CSV/formula injection).

Reading refuses, with a message that says why, anything that is not an .xlsx workbook, is larger
than ENTRY_UPLOAD_MAX_BYTES (packed), unpacks to more or holds more than `core.uploads` allows (a zip
bomb, a million shared strings, entities: checked before openpyxl parses it), has more than
ENTRY_IMPORT_MAX_ROWS rows, holds formulas (an import takes values only) or fails to parse as it is read.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core import uploads
from core.cells import XLSX_TYPE, csv_text, xlsx_bytes

FORMATS = ("xlsx", "csv")


@dataclass
class Table:
    """A titled grid: what a list screen shows, ready to be written as .xlsx or .csv."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]] = field(default_factory=list)  # iterated once: may stream
    filename: str = "export"


def _plain(value: object) -> object:
    """A screen's value as exported: booleans as yes/no for people; everything else typed (core.cells)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def write_csv(table: Table) -> bytes:
    return csv_text(table.headers, ([_plain(v) for v in row] for row in table.rows)).encode("utf-8")


def write_xlsx(table: Table) -> bytes:
    return xlsx_bytes(table.title, table.headers, ([_plain(v) for v in row] for row in table.rows))


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def table_response(table: Table, fmt: str) -> HttpResponse:
    """The table as a download: `fmt` is "xlsx" or "csv"."""
    if fmt == "csv":
        return attachment(write_csv(table), filename=f"{table.filename}.csv", content_type="text/csv; charset=utf-8")
    return attachment(write_xlsx(table), filename=f"{table.filename}.xlsx", content_type=XLSX_TYPE)


def export_format(request: HttpRequest) -> str | None:
    """The download a list page was asked for (`?export=xlsx|csv`), or None for the page itself."""
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None


# --- reading ------------------------------------------------------------------------------------------


class SheetError(Exception):
    """The upload as a whole is refused; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_workbook(upload: UploadedFile) -> openpyxl.Workbook:
    """Open an uploaded .xlsx read-only, after checking its size packed and what it unpacks to
    (`core.uploads.check_xlsx`: every part, before openpyxl parses any)."""
    limit = settings.ENTRY_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise SheetError(_("The file is %(size)s; the limit is %(limit)s. Split it, or remove unused sheets.")
                         % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
    data = upload.read()
    try:
        uploads.check_xlsx(data, uploads.XlsxLimits.from_settings())
    except uploads.UploadRefused as refused:
        raise SheetError(refused.message) from refused
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # a damaged file fails in zipfile, the XML parser or openpyxl alike
        raise SheetError(uploads.not_xlsx_message()) from error
    for sheet in workbook.worksheets:
        # Read the rows that are there (check_xlsx bounded them), not as many as the sheet's header claims.
        sheet.reset_dimensions()
    return workbook


@contextmanager
def _damaged_as_sheet_error():
    """openpyxl parses a sheet as it is iterated: a value it cannot read (a shared-string index past the
    table, a number of 5,000 digits, a date that is not one) fails there, and is the file's fault."""
    try:
        yield
    except SheetError:
        raise
    except Exception as error:
        raise SheetError(uploads.not_xlsx_message()) from error


def read_row(sheet, *, number: int, width: int) -> tuple[object, ...]:
    """The values of one row (`width` columns; empty if the row is not there)."""
    with _damaged_as_sheet_error():
        return next(sheet.iter_rows(min_row=number, max_row=number, max_col=width, values_only=True), ())


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel shows it
    values: tuple[object, ...]


def data_rows(sheet, *, first_row: int, width: int) -> list[SheetRow]:
    """The non-empty rows from `first_row` on, `width` columns each.

    Refuses a sheet with more than ENTRY_IMPORT_MAX_ROWS rows (counted as it reads, so a huge
    file is not read to its end) or with any formula: an import takes typed values only. `sheet` is an
    openpyxl worksheet or a core.csv_sheets.CsvSheet.
    """
    limit = settings.ENTRY_IMPORT_MAX_ROWS
    formulas: list[str] = []
    rows = []
    with _damaged_as_sheet_error():
        for number, cells in enumerate(sheet.iter_rows(min_row=first_row, max_col=width), start=first_row):
            if number - first_row >= limit:
                raise SheetError(uploads.too_many_rows_message(limit))
            for cell in cells:
                # A text cell starting with "=" is text (the template writes such notes as text): only real formulas.
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(f"{get_column_letter(cell.column)}{number}")
            values = tuple(getattr(cell, "value", None) for cell in cells)
            if any(v not in (None, "") for v in values):
                rows.append(SheetRow(number, values + (None,) * (width - len(values))))
    if formulas:
        shown = "、".join(formulas[:10]) + ("…" if len(formulas) > 10 else "")
        raise SheetError(_("Cells with formulas are not accepted (%(cells)s). Copy the cells and paste them as "
                           "values, then upload again. Nothing was imported.") % {"cells": shown})
    return rows
