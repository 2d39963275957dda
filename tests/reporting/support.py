"""Helpers shared by the data-entry tests: posting an entry screen, reading its rows, building sheets."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure

ENTRY = reverse("figure-entry")
COUNTY_CODES = ("heishan-main", "beizhen-main", "linghai-main", "yixian-main")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cluster(code: str) -> Cluster:
    return Cluster.objects.get(code=code)


def key(code: str) -> str:
    return f"c{cluster(code).pk}"


def figure(code: str, year: int, quarter: int, value: str | Decimal, status: str = FigureStatus.APPROVED,
           **extra) -> QuarterlyFigure:
    """A figure written straight to the table (test set-up, not an entry path)."""
    return QuarterlyFigure.objects.create(cluster=cluster(code), year=year, quarter=quarter,
                                          output_value=Decimal(value), status=status, **extra)


def entry_post(client, rows: dict[str, dict], *, year=2011, quarter=3, mode="quarter", action="save"):
    """POST the entry screen: rows maps a unit key to {"value", "note", "version"} and, optionally, the
    optional values by field name ("revenue", "tax", "employees", "fixed_asset_investment")."""
    data = {"year": year, "quarter": quarter, "mode": mode, "action": action, "unit": list(rows)}
    for unit, row in rows.items():
        data[f"value-{unit}"] = row.get("value", "")
        data[f"note-{unit}"] = row.get("note", "")
        for name in ("revenue", "tax", "employees", "fixed_asset_investment"):
            if name in row:
                data[f"{name}-{unit}"] = row[name]
        version = row.get("version")
        data[f"version-{unit}"] = "" if version is None else str(version)
    return client.post(ENTRY, data)


def english(client) -> None:
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def workbook_upload(workbook: openpyxl.Workbook, name: str = "figures.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def load_xlsx(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))
