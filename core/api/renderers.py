
"""CSV and xlsx renderings of list endpoints (`?format=csv`, `?format=xlsx`, or the Accept header).

Rows are the page's `results` (or the list, or the one object); nested objects become dotted
columns (`latest_progress.value`), lists of plain values are joined with "; ", lists of objects are
written as JSON text. Values stay exactly as in JSON: decimals as their strings, so a spreadsheet
shows 12.3400 亿元 with no float rounding. Both ask for `page_size` up to 1000 like JSON does.
Written here rather than taken from djangorestframework-csv (no release since 2023); xlsx uses
openpyxl in write-only mode.
"""
import csv
import io
import json
import re
from typing import Any

from rest_framework.renderers import BaseRenderer

from .downloads import name_the_download

# Cells a spreadsheet would run as a formula (CSV/formula injection): prefixed with a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _rows(data: Any) -> list[dict]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if isinstance(data, dict):
        data = [data]
    return [row for row in (data or []) if isinstance(row, dict)]


def _flatten(row: dict, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(item, dict | list) for item in value):
                flat[name] = "; ".join("" if item is None else str(item) for item in value)
            else:
                flat[name] = json.dumps(value, ensure_ascii=False, default=str)
        else:
            flat[name] = value
    return flat


def table(data: Any) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) for the data of a response."""
    flat = [_flatten(row) for row in _rows(data)]
    header: dict[str, None] = {}
    for row in flat:
        header.update(dict.fromkeys(row))
    columns = list(header)
    return columns, [[row.get(column) for column in columns] for row in flat]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value  # text only: a decimal such as "-0.0821" is a number, never a formula
    return value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> str:
        columns, rows = table(data)
        buffer = io.StringIO()
        # A byte-order mark so that Excel opens the UTF-8 (Chinese) text correctly.
        buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([_cell(value) for value in row] for row in rows)
        name_the_download(renderer_context, "csv")
        return buffer.getvalue()


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        from openpyxl import Workbook

        columns, rows = table(data)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        name_the_download(renderer_context, "xlsx")
        return buffer.getvalue()
