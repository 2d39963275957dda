"""A CSV upload read as a worksheet, so an import takes a .csv beside an .xlsx through the same code.

Spreadsheet programs save CSV as UTF-8 (with a byte-order mark: Excel's "CSV UTF-8"; without one:
LibreOffice, WPS) or, as Chinese Excel's plain "CSV", in GBK; GB18030 reads both GBK and the rest of
Unicode. `CsvSheet` offers the part of openpyxl's worksheet that the readers use (`iter_rows`, cells
with `value`, `column` and `data_type`): every cell is text ("s"), never a formula, and its value goes
through the same parsers (core.numbers) as an .xlsx cell. An empty field is an empty cell (None).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

CSV_EXTENSIONS = ("csv",)
ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig also reads UTF-8 without a byte-order mark


class CsvUnreadable(ValueError):
    """The file is not CSV text in an encoding we read; `message` says what to do, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CsvCell:
    value: str | None
    column: int  # 1-based, as in openpyxl
    data_type: str = "s"


class CsvSheet:
    """The rows of a CSV file, read through `iter_rows` like an openpyxl worksheet."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, max_col: int | None = None,
                  values_only: bool = False) -> Iterator[tuple]:
        for fields in self.rows[min_row - 1:max_row]:
            fields = fields[:max_col] if max_col else fields
            cells = tuple(CsvCell(field or None, column) for column, field in enumerate(fields, start=1))
            yield tuple(cell.value for cell in cells) if values_only else cells


def is_csv(name: str) -> bool:
    return name.rsplit(".", 1)[-1].lower() in CSV_EXTENSIONS if "." in name else False


def _decoded(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvUnreadable(_("This CSV file is not UTF-8 or GBK text. Save it again from the spreadsheet program "
                          "as “CSV UTF-8” or “CSV”, or as an Excel workbook (.xlsx)."))


def read_csv(data: bytes, *, max_rows: int) -> CsvSheet:
    """The sheet of a CSV file; reading stops (and refuses) past `max_rows` rows."""
    text = _decoded(data)
    if "\x00" in text:
        raise CsvUnreadable(_("This file is not a CSV text file. Save it from the spreadsheet program as .csv or "
                              ".xlsx."))
    rows: list[list[str]] = []
    try:
        for fields in csv.reader(io.StringIO(text, newline="")):
            if len(rows) >= max_rows:
                raise CsvUnreadable(_("The file has more than %(limit)s rows; an import takes at most %(limit)s. "
                                      "Nothing was imported.") % {"limit": max_rows})
            rows.append(fields)
    except csv.Error as error:
        raise CsvUnreadable(_("This CSV file could not be read (%(problem)s). Save it again from the spreadsheet "
                              "program as .csv or .xlsx.") % {"problem": str(error)[:80]}) from error
    return CsvSheet(rows)
