"""Proof that what leaves the app as a file is typed data (issue 13): every API list as `?format=csv` and
`?format=xlsx`, every dashboard chart's download, the change history and the entry grid, read back with
pandas and openpyxl as a third party would. Numeric columns are numeric (dtypes and cells), their values
equal the JSON (or the chart's table) to the last decimal, negatives included (a falling cluster: its
growth is negative), dates are date cells with the zone in the header, empty values are empty, and text
a spreadsheet would run as a formula is escaped (CSV: a leading apostrophe; xlsx: a text cell with
Excel's quote prefix) while numbers never are."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pandas
import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from core.cells import Ratio, formula_like
from core.periods import Quarter
from org.models import Department, User
from parks.models import Park
from plan.demo import demo_load
from progress.services import rollup_full
from tests.reporting.support import figure

pytestmark = pytest.mark.django_db
ZONE = " (Asia/Shanghai)"
FORMULA_NOTE = '=HYPERLINK("http://evil","x")'
FORMULA_NAME = "-降 @集群"

# Per list endpoint: the decimal columns (JSON strings) and, among them, the ratios (percent cells).
DECIMALS = {
    "/api/v1/figures/": ({"output_value", "revenue", "tax", "fixed_asset_investment"}, set()),
    "/api/v1/clusters/": ({"latest_progress.value", "latest_progress.ytd_value", "latest_progress.yoy_growth",
                           "latest_progress.ytd_yoy_growth"},
                          {"latest_progress.yoy_growth", "latest_progress.ytd_yoy_growth"}),
    "/api/v1/progress/": ({"value", "ytd_value", "prev_value", "prev_ytd_value", "yoy_growth", "ytd_yoy_growth"},
                          {"yoy_growth", "ytd_yoy_growth"}),
    "/api/v1/goals/": ({"threshold", "current", "target", "attained", "needed_cagr", "achieved_cagr",
                        "projection.trend", "projection.with_pipeline"},
                       {"attained", "needed_cagr", "achieved_cagr"}),
    "/api/v1/ranking/": ({"score", "output", "park_readiness", "park_area", "park_factories"},
                         {"score", "output", "park_readiness", "park_area", "park_factories"}),
    "/api/v1/parks/": ({"area_km2", "area_target_km2", "area_stretch_km2", "factory_built_m2",
                        "factory_target_min_m2", "factory_target_max_m2"}, set()),
    "/api/v1/projects/": ({"planned_amount", "capacity", "expected_output"}, set()),
    "/api/v1/inflows/": ({"amount"}, set()),
    "/api/v1/funds/": ({"amount_wan"}, set()),
    "/api/v1/disbursements/": ({"amount_wan"}, set()),
    "/api/v1/regions/": (set(), set()),
    "/api/v1/departments/": (set(), set()),
}


@pytest.fixture
def falling(db) -> Cluster:
    """Demo data, rolled up, with 光伏 falling to a tenth in 2015 (negative growth), and text that looks
    like a formula in a note and a cluster's name."""
    demo_load()
    pv = Cluster.objects.get(code="pv")
    QuarterlyFigure.objects.filter(cluster=pv, year=2015).update(output_value=F("output_value") / 10)
    QuarterlyFigure.objects.filter(cluster=pv, year=2015).update(note=FORMULA_NOTE)
    Cluster.objects.filter(code="titanium").update(name_zh=FORMULA_NAME, notes="+1 @x")
    rollup_full()
    return pv


@pytest.fixture
def planner(make_user) -> User:
    return make_user(User.Role.PLANNER, "jxw", is_staff=True)


def _equal(number: object, expected: Decimal | int) -> bool:
    """A number read back from a file equals the exact value (a float's shortest repr is its decimal)."""
    return Decimal(repr(float(number))) == Decimal(expected) if not isinstance(number, int) else number == expected


def _frames(csv_bytes: bytes, xlsx_bytes: bytes):
    as_csv = pandas.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype_backend="numpy_nullable")
    as_excel = pandas.read_excel(io.BytesIO(xlsx_bytes), engine="openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    return as_csv, as_excel, sheet


def _assert_text(expected: str, csv_value: object, cell) -> None:
    if expected == "":
        assert pandas.isna(csv_value) or csv_value == ""
        return
    assert cell.data_type == "s", (expected, cell.value)
    assert cell.value == expected
    assert bool(cell.quotePrefix) == formula_like(expected)
    assert str(csv_value) == (f"'{expected}" if formula_like(expected) else expected) or not isinstance(
        csv_value, str)  # pandas reads a text column of digits ("2011") as numbers: no formula anyway


def _assert_typed(headers: list[str], rows: list[list[object]], csv_bytes: bytes, xlsx_bytes: bytes,
                  *, ratios: set[str] = frozenset(), every_column: bool = True) -> None:
    """The CSV and the xlsx hold `rows` (typed Python values) under `headers` (and, unless `every_column`,
    perhaps other columns besides)."""
    as_csv, as_excel, sheet = _frames(csv_bytes, xlsx_bytes)
    assert list(as_csv.columns) == list(as_excel.columns)
    if every_column:
        assert list(as_csv.columns) == headers
    assert len(as_csv) == len(as_excel) == len(rows)
    in_file = list(as_csv.columns)
    cells = list(sheet.iter_rows(min_row=2))
    for j, header in enumerate(headers):
        k = in_file.index(header)
        column = [row[j] for row in rows]
        numbers = [v for v in column if v is not None]
        if numbers and all(isinstance(v, Decimal | int) and not isinstance(v, bool) for v in numbers):
            assert pandas.api.types.is_numeric_dtype(as_csv[header]), (header, as_csv[header].dtype)
            assert pandas.api.types.is_numeric_dtype(as_excel[header]), (header, as_excel[header].dtype)
        for i, expected in enumerate(column):
            cell, csv_value = cells[i][k], as_csv[header].iloc[i]
            if expected is None:
                assert cell.value is None, (header, cell.value)
                assert pandas.isna(csv_value), (header, csv_value)
            elif isinstance(expected, bool):
                assert cell.value is expected or cell.value in ("yes", "no", "是", "否")
            elif isinstance(expected, Decimal | int):
                assert cell.data_type == "n", (header, cell.value)
                assert _equal(cell.value, expected), (header, cell.value, expected)
                assert _equal(csv_value, expected), (header, csv_value, expected)
                if isinstance(expected, Ratio) or header in ratios:
                    assert cell.number_format == "0.0%"
                elif isinstance(expected, Decimal):
                    assert cell.number_format.startswith("#,##0")
            elif isinstance(expected, datetime):
                assert header.endswith(ZONE)
                local = timezone.localtime(expected).replace(tzinfo=None)
                assert cell.is_date
                assert abs((cell.value - local).total_seconds()) < 1
                assert str(csv_value) == local.isoformat(sep=" ", timespec="seconds")
            elif isinstance(expected, date):
                assert cell.is_date
                assert cell.value.date() == expected
                assert str(csv_value) == expected.isoformat()
            else:
                _assert_text(str(expected), csv_value, cell)


# --- the API --------------------------------------------------------------------------------------------

def _typed_json(value: object, column: str, decimals: set[str]) -> object:
    """A JSON value as the exports should type it: decimal strings as Decimals, ISO times as datetimes."""
    if isinstance(value, str) and column in decimals:
        return Decimal(value)
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T" and parse_datetime(value):
        return parse_datetime(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        return date.fromisoformat(value)
    return value


def _flat(row: dict, prefix: str = "") -> dict:
    flat = {}
    for name, value in row.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{name}."))
        elif isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
            flat[f"{prefix}{name}"] = "; ".join(str(v) for v in value)
        elif not isinstance(value, list):
            flat[f"{prefix}{name}"] = value
    return flat


@pytest.mark.parametrize("path", list(DECIMALS))
def test_each_api_list_exports_typed_csv_and_xlsx_equal_to_its_json(falling, planner, path):
    client = APIClient()
    client.force_authenticate(planner)
    query = {"page_size": 1000} | ({"year": 2015} if path in ("/api/v1/progress/", "/api/v1/figures/") else {})
    data = client.get(path, query).json()
    results = data["results"] if isinstance(data, dict) else data
    assert results, path
    decimals, ratios = DECIMALS[path]
    flat = [_flat(row) for row in results]
    columns = [c for c in flat[0] if all(c in row for row in flat)]
    rows = [[_typed_json(row[c], c, decimals) for c in columns] for row in flat]
    headers = [f"{c}{ZONE}" if any(isinstance(r[j], datetime) for r in rows) else c for j, c in enumerate(columns)]
    as_csv = client.get(path, query | {"format": "csv"})
    as_xlsx = client.get(path, query | {"format": "xlsx"})
    assert as_csv.status_code == as_xlsx.status_code == 200
    # Lists of objects (a park's 七通一平 items) travel as JSON text: left out here, the rest compared.
    _assert_typed(headers, rows, as_csv.content, as_xlsx.content, ratios=ratios, every_column=False)


def test_falling_output_arrives_as_negative_numbers(falling, planner):
    client = APIClient()
    client.force_authenticate(planner)
    query = {"scope": "cluster", "scope_id": falling.pk, "year": 2015, "quarter": 3}
    growth = Decimal(client.get("/api/v1/progress/", query).json()["results"][0]["yoy_growth"])
    assert growth < 0
    as_csv = pandas.read_csv(io.BytesIO(client.get("/api/v1/progress/", query | {"format": "csv"}).content),
                             encoding="utf-8-sig")
    assert as_csv["yoy_growth"].dtype == "float64"
    assert _equal(as_csv["yoy_growth"].iloc[0], growth)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/progress/", query | {"format": "xlsx"}).content))
    header = [c.value for c in sheet.active[1]]
    cell = sheet.active.cell(row=2, column=header.index("yoy_growth") + 1)
    assert (cell.data_type, cell.number_format) == ("n", "0.0%")
    assert _equal(cell.value, growth)


# --- dashboards, history, the entry grid ----------------------------------------------------------------

def _dashboards(falling: Cluster) -> list[tuple[str, dict]]:
    period = {"year": 2015, "quarter": 3}
    return [
        (reverse("city-dashboard"), period), (reverse("cluster-page", args=[falling.pk]), period),
        (reverse("department-dashboard", args=[Department.objects.get(code="jxw").pk]), period),
        (reverse("park-page", args=[Park.objects.order_by("pk").first().pk]), period),
        (reverse("investment-dashboard"), period), (reverse("ranking-page"), period),
    ]


def test_every_dashboard_charts_download_is_typed_like_its_table(falling, planner, client):
    client.force_login(planner)
    negatives = 0
    downloads = 0
    for url, query in _dashboards(falling):
        page = client.get(url, query)
        assert page.status_code == 200, url
        for key, chart in page.context["charts"].items():
            if chart.empty:
                continue
            as_csv = client.get(url, query | {"chart": key, "export": "csv"})
            as_xlsx = client.get(url, query | {"chart": key, "export": "xlsx"})
            headers = [str(h) for h in chart.table.headers]
            _assert_typed(headers, [list(r) for r in chart.table.rows], as_csv.content, as_xlsx.content)
            negatives += sum(1 for r in chart.table.rows for v in r if isinstance(v, Decimal) and v < 0)
            downloads += 1
    assert downloads >= 10
    assert negatives > 0  # the falling cluster's growth


def test_the_entry_grid_export_has_numbers_and_a_ratio_for_the_change(falling, planner, client):
    client.force_login(planner)
    query = {"year": 2015, "quarter": 3, "mode": "quarter"}
    from clusters.selectors import all_grid_rows
    from reporting.exports import grid_table

    # every row the export holds (the screen shows one page of them, or the clusters first)
    shown = Quarter(2015, 3)
    table = grid_table(shown, "quarter", all_grid_rows(user=planner, quarter=shown, mode="quarter"))
    as_csv = client.get(reverse("figure-entry"), query | {"export": "csv"})
    as_xlsx = client.get(reverse("figure-entry"), query | {"export": "xlsx"})
    rows = [list(r) for r in table.rows]  # streamed: read once
    _assert_typed([str(h) for h in table.headers], rows, as_csv.content, as_xlsx.content)
    change = next(i for i, h in enumerate(table.headers) if "ratio" in str(h) or "比率" in str(h))
    changes = [r[change] for r in rows if r[change] is not None]
    assert all(isinstance(v, Ratio) for v in changes)
    assert any(v < 0 for v in changes)
    assert any(r[10] == FORMULA_NOTE for r in rows)


def test_the_history_export_has_typed_values_and_local_times(planner, client):
    draft = figure("heishan-main", 2011, 3, "12.5", status=FigureStatus.DRAFT)
    from clusters import services

    services.figure_update(user=planner, figure_id=draft.pk, expected_version=draft.version,
                           output_value=Decimal("13.25"), note=FORMULA_NOTE)
    client.force_login(planner)
    url = reverse("history-export", args=["clusters.quarterlyfigure", draft.pk, "xlsx"])
    as_xlsx = client.get(url)
    as_csv = client.get(reverse("history-export", args=["clusters.quarterlyfigure", draft.pk, "csv"]))
    from core.history import history_table, object_history

    table = history_table(draft, object_history(draft))
    _assert_typed([str(h) if i else f"{h}{ZONE}" for i, h in enumerate(table.headers)],
                  [list(r) for r in table.rows], as_csv.content, as_xlsx.content)
    assert any(Decimal("13.25") in r for r in table.rows)
    assert any(FORMULA_NOTE in r for r in table.rows)
