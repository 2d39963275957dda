"""Every list screen exports .xlsx and .csv of exactly what the user may see, in bounded queries;
text that a spreadsheet would run as a formula is written as plain text."""
import csv
import io

import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster
from core.sheets import Table, write_csv, write_xlsx
from org.models import User
from plan.demo import demo_load
from tests.factories import EnterpriseFactory
from tests.reporting.support import figure, load_xlsx

pytestmark = pytest.mark.django_db

# (url name, query, who may load it)
LISTS = [
    ("cluster-list-page", {}), ("figure-entry", {"year": 2011, "quarter": 3}),
    ("figure-completeness", {"year": 2011, "quarter": 3}),
    ("park-list-page", {}), ("project-list-page", {}), ("fund-list-page", {}), ("disbursement-list-page", {}),
]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[tuple]:
    return list(load_xlsx(response.content).active.iter_rows(values_only=True))


@pytest.mark.parametrize(("name", "query"), LISTS)
def test_both_formats_hold_the_same_rows(client, planner, name, query):
    demo_load()
    client.force_login(planner)
    url = reverse(name)
    as_csv = _csv_rows(client.get(url, query | {"export": "csv"}))
    as_xlsx = _xlsx_rows(client.get(url, query | {"export": "xlsx"}))
    assert len(as_csv) == len(as_xlsx) > 1
    assert as_csv[0] == [str(h) for h in as_xlsx[0]]


@pytest.mark.parametrize(("name", "query"), LISTS)
def test_an_editor_exports_none_of_another_departments_rows(client, make_user, name, query):
    demo_load()
    client.force_login(make_user(User.Role.EDITOR, "fwy"))
    body = client.get(reverse(name), query | {"export": "csv"}).content.decode("utf-8-sig")
    for other in ("黑山县主导产业集群", "黑山县重点园区", "光伏产业集群"):
        assert other not in body


def test_the_cluster_export_matches_the_page(client, agri_editor):
    client.force_login(agri_editor)
    page = client.get(reverse("cluster-list-page"))
    rows = _csv_rows(client.get(reverse("cluster-list-page"), {"export": "csv"}))[1:]
    assert [r[0] for r in rows] == [row.cluster.name_zh for row in page.context["rows"]]


def test_the_entry_grid_export_matches_the_page(client, agri_editor):
    figure("heishan-main", 2011, 3, "12.5", status=FigureStatus.SUBMITTED)
    client.force_login(agri_editor)
    rows = _xlsx_rows(client.get(reverse("figure-entry"), {"year": 2011, "quarter": 3, "export": "xlsx"}))
    assert len(rows) == 1 + 4
    heishan = next(r for r in rows if r[1] == "黑山县主导产业集群（待定）")
    assert heishan[5] == 12.5


def test_the_review_export_is_for_planners_and_lists_the_queue(client, planner):
    figure("heishan-main", 2011, 3, "12.5", status=FigureStatus.SUBMITTED)
    client.force_login(planner)
    rows = _csv_rows(client.get(reverse("figure-review-list"), {"export": "csv"}))
    assert len(rows) == 2
    assert rows[1][1] == "黑山县主导产业集群（待定）"


def test_text_that_looks_like_a_formula_is_exported_as_text(client, planner):
    Cluster.objects.filter(code="pv").update(name_zh="=HYPERLINK(\"http://evil\")")
    client.force_login(planner)
    csv_rows = _csv_rows(client.get(reverse("cluster-list-page"), {"export": "csv"}))
    assert [r[0] for r in csv_rows if "HYPERLINK" in r[0]] == ["'=HYPERLINK(\"http://evil\")"]
    workbook = load_xlsx(client.get(reverse("cluster-list-page"), {"export": "xlsx"}).content)
    cell = next(c for row in workbook.active.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"


def test_exports_write_decimals_as_numbers_and_keep_chinese():
    table = Table(title="t", headers=["名称", "产值"], rows=[["光伏", 12.5]])
    assert write_csv(table).startswith("\ufeff名称".encode())
    sheet = load_xlsx(write_xlsx(table)).active
    assert sheet["B2"].value == 12.5


@pytest.mark.parametrize(("name", "query"), LISTS[:3])
def test_exports_run_the_same_bounded_queries_at_any_size(client, planner, django_assert_max_num_queries, name,
                                                          query):
    EnterpriseFactory()  # both sizes hold units of both kinds (the entry screen reads enterprises only if any)
    client.force_login(planner)
    url = reverse(name)
    with django_assert_max_num_queries(8) as small:
        client.get(url, query | {"export": "xlsx"})
    demo_load()
    with django_assert_max_num_queries(8) as large:
        client.get(url, query | {"export": "xlsx"})
    assert len(large.captured_queries) == len(small.captured_queries)
