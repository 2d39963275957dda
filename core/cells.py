"""Values leaving the app in spreadsheets and CSV files: numbers as numbers, text as text.

One place decides how a value becomes an .xlsx cell or a CSV field, for every export (list screens,
dashboard charts, change history, the entry grid and template, the API's `?format=xlsx|csv`):

- `Decimal` → a numeric cell whose number format shows its scale (`#,##0.00##` for 亿元 with four
  decimals, `#,##0.0` for one); in CSV the plain decimal (`-0.0821`). -0 is written as 0.
- `Ratio` (a Decimal that is a ratio: growth, completion) → a numeric cell formatted `0.0%`; in CSV the
  fraction itself (0.172), the column's header saying it is a ratio.
- `int` and `float` → numeric cells; `bool` → a boolean cell (CSV: true / false).
- `date` → a date cell (yyyy-mm-dd); `datetime` → local time in settings.TIME_ZONE (Asia/Shanghai), a
  date-time cell, and the column's header names the zone (`header_with_zone`), as spreadsheets have none.
- `None` → an empty cell (CSV: an empty field).
- text → a text cell, never a formula. Text a spreadsheet would run as a formula (it starts with
  = + - @ tab or CR, after leading spaces, the full-width ＝＋－＠ included) is escaped: CSV prefixes an
  apostrophe; xlsx stores it as text with Excel's quote prefix (what typing '= gives), so the cell's value
  is the text unchanged. Numbers are never escaped: a negative growth stays a number.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_LEADING_SPACES = " \u3000\u00a0"
RATIO_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_MAX_SHOWN_PLACES = 10


RATIO_PLACES = Decimal("0.0001")  # a ratio to 0.01 %, as the roll-up stores growth


class Ratio(Decimal):
    """A ratio (0.172 = +17.2 %): a percentage cell in xlsx, the fraction in CSV."""

    __slots__ = ()


def ratio(value: Decimal | None) -> Ratio | None:
    """`value` (a computed ratio, perhaps of 28 digits) as a Ratio to RATIO_PLACES."""
    return None if value is None else Ratio(value.quantize(RATIO_PLACES))


def formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (CSV/formula injection)?"""
    return text.startswith(FORMULA_START) or text.lstrip(_LEADING_SPACES).startswith(FORMULA_START)


def header_with_zone(header: str) -> str:
    """A datetime column's header, naming the time zone its local times are in."""
    return f"{header} ({settings.TIME_ZONE})"


def headers_for(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """`headers`, each column that holds a datetime naming the time zone."""
    timed = {i for row in rows for i, value in enumerate(row) if isinstance(value, datetime)}
    return [header_with_zone(h) if i in timed else str(h) for i, h in enumerate(headers)]


def _local(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _decimal_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = min(_MAX_SHOWN_PLACES, max(0, -exponent)) if isinstance(exponent, int) else 0
    return "#,##0" if places == 0 else "#,##0." + "0" * min(places, 2) + "#" * (places - 2)


# --- CSV ----------------------------------------------------------------------------------------------

def csv_field(value: object) -> str:
    """One CSV field: numbers plain, text escaped when formula-like, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.copy_abs() if value.is_zero() else value:f}"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return _local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if formula_like(text) else text


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document, starting with a byte-order mark so that Excel reads the UTF-8 (Chinese) correctly."""
    rows = list(rows)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_field(h) for h in headers_for(headers, rows)])
    writer.writerows([csv_field(value) for value in row] for row in rows)
    return buffer.getvalue()


# --- xlsx ---------------------------------------------------------------------------------------------

def put(cell: Cell, value: object) -> Cell:
    """Write `value` into `cell` (of any worksheet) with the type and number format described above."""
    if isinstance(value, str) or not isinstance(value, int | float | Decimal | date | type(None)):
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters XML cannot hold
        cell.value = text
        cell.data_type = "s"  # text, never a formula, whatever it starts with
        if formula_like(text):
            cell.quotePrefix = True
        return cell
    if isinstance(value, datetime):
        cell.value = _local(value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.value = value.copy_abs() if value.is_zero() else value
        cell.number_format = RATIO_FORMAT if isinstance(value, Ratio) else _decimal_format(value)
    else:
        cell.value = value
    return cell


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A one-sheet workbook (written streaming): bold headers, frozen header row, typed cells."""
    rows = list(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ILLEGAL_CHARACTERS_RE.sub("", _sheet_title(title)))
    headers = headers_for(headers, rows)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) * 2 + 2))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = put(WriteOnlyCell(sheet), header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([put(WriteOnlyCell(sheet), value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "data"
