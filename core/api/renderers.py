"""CSV and xlsx renderings of list endpoints (`?format=csv`, `?format=xlsx`, or the Accept header).

Rows are the page's `results` (or the list, or the one object); nested objects become dotted
columns (`latest_progress.value`), lists of plain values are joined with "; ", lists of objects are
written as JSON text. Values are typed by the serializer's fields (core.cells): decimals as numbers
with a format showing their scale (ratios such as growth as percentages), dates and times as date
cells in Asia/Shanghai time (the header says so), empty values as empty cells, and text as text
that never runs as a formula. Both ask for `page_size` up to 1000 like JSON does, and both name the
file (`Content-Disposition`, core.api.downloads).
Written here rather than taken from djangorestframework-csv (no release since 2023); xlsx uses
openpyxl in write-only mode.
"""
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime
from drf_spectacular.drainage import get_override
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from core.cells import Ratio, csv_text, xlsx_bytes

from .downloads import name_the_download

# How a column's JSON text is typed again for a spreadsheet (see column_kinds).
DECIMAL, RATIO, DATE, DATETIME = "decimal", "ratio", "date", "datetime"
_KINDS: dict[type, dict[str, str | None]] = {}


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


def _field_kinds(serializer: serializers.BaseSerializer, prefix: str = "") -> dict[str, str | None]:
    kinds: dict[str, str | None] = {}
    for name, field in serializer.fields.items():
        key = f"{prefix}{name}"
        if isinstance(field, serializers.SerializerMethodField):
            # A method documented as returning a serializer (extend_schema_field) is typed by it.
            field = get_override(getattr(serializer, field.method_name, None), "field") or field
        if isinstance(field, serializers.Serializer):
            kinds.update(_field_kinds(field, f"{key}."))
        elif isinstance(field, serializers.DecimalField):
            kinds[key] = RATIO if field.style.get("cell") == RATIO else DECIMAL
        elif isinstance(field, serializers.DateTimeField):
            kinds[key] = DATETIME
        elif isinstance(field, serializers.DateField):
            kinds[key] = DATE
        else:
            kinds[key] = None
    return kinds


def column_kinds(serializer_class: type[serializers.BaseSerializer] | None) -> dict[str, str | None]:
    """Every dotted column of the serializer's rows, in order → DECIMAL, RATIO, DATE or DATETIME for the
    columns JSON carries as strings, None for the rest. An empty list still gets its header from it.

    A ratio is a DecimalField with `style={"cell": "ratio"}` (core.api.serializers.AS_RATIO)."""
    if serializer_class is None:
        return {}
    if serializer_class not in _KINDS:
        _KINDS[serializer_class] = _field_kinds(serializer_class())
    return _KINDS[serializer_class]


def _typed(value: Any, kind: str | None) -> Any:
    if kind is None or not isinstance(value, str) or value == "":
        return value
    try:
        if kind == DECIMAL:
            return Decimal(value)
        if kind == RATIO:
            return Ratio(value)
        if kind == DATE:
            return date.fromisoformat(value)
        return parse_datetime(value) or value
    except (InvalidOperation, ValueError):
        return value


def table(data: Any, kinds: dict[str, str | None] | None = None) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) for the data of a response, values typed by `kinds` (see column_kinds)."""
    kinds = kinds or {}
    flat = [_flatten(row) for row in _rows(data)]
    header: dict[str, None] = {} if flat else dict.fromkeys(kinds)
    for row in flat:
        header.update(dict.fromkeys(row))
    columns = list(header)
    return columns, [[_typed(row.get(column), kinds.get(column)) for column in columns] for row in flat]


def _table_of(data: Any, renderer_context: dict | None) -> tuple[list[str], list[list[Any]]]:
    view = (renderer_context or {}).get("view")
    try:
        serializer_class = view.get_serializer_class()
    except (AttributeError, AssertionError):  # not a generic view, or one without a serializer
        serializer_class = None
    return table(data, column_kinds(serializer_class))


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> str:
        name_the_download(renderer_context, "csv")
        return csv_text(*_table_of(data, renderer_context))


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        name_the_download(renderer_context, "xlsx")
        return xlsx_bytes("data", *_table_of(data, renderer_context))
