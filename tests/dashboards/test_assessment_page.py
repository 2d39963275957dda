"""The assessment page (/ranking/): regions and departments ranked for a chosen quarter, each bar split into
what each criterion adds to the score, with the tables and the method; the same ranking as /api/v1/ranking/."""
from decimal import Decimal

import pytest
from django.urls import reverse

from progress.models import AssessmentWeight, Criterion
from tests.dashboards.detail_support import more_data, small_data, viewer

pytestmark = pytest.mark.django_db
URL = reverse("ranking-page")
# session, user, the period (2), weights, the ranking (11), the user's department.
MAX_QUERIES = 20


@pytest.fixture
def data():
    small_data()


def _charts(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["charts"]


def _bars(chart) -> dict[str, Decimal]:
    """Each unit's bar: the sum of its stacked parts (points of 100)."""
    categories = chart.option["yAxis"]["data"]
    totals = dict.fromkeys(categories, Decimal(0))
    for series in chart.option["series"]:
        for name, value in zip(categories, series["data"], strict=True):
            totals[name] += Decimal(value or 0)
    return totals


@pytest.mark.parametrize("kind", ["region", "department"])
def test_the_bars_are_the_apis_scores_in_rank_order(client, planner, data, kind):
    client.force_login(planner)
    chart = _charts(client, year=2012, quarter=4)[f"{kind}s"]
    api = [row for row in client.get("/api/v1/ranking/", {"year": 2012, "quarter": 4}).json()["results"]
           if row["kind"] == kind and row["score"] is not None]
    bars = _bars(chart)
    assert list(reversed(chart.option["yAxis"]["data"])) == [row["name_zh"] for row in api]  # best on top
    for row in api:
        assert abs(bars[row["name_zh"]] - Decimal(row["score"]) * 100) <= Decimal("0.03")
    assert [len(s["data"]) for s in chart.option["series"]] == [len(api)] * len(Criterion.values)


def test_each_part_is_weight_times_completion_over_the_weights_that_apply(client, planner, data):
    AssessmentWeight.objects.filter(criterion=Criterion.OUTPUT).update(weight=3)
    client.force_login(planner)
    chart = _charts(client, year=2011, quarter=4)["departments"]
    for row in chart.table.rows:
        completions, points = row[3:7], row[7:11]
        applicable = {c: w for c, w, v in zip(Criterion.values, (3, 1, 1, 1), completions, strict=True)
                      if v is not None}
        total = sum(applicable.values())
        for criterion, completion, part in zip(Criterion.values, completions, points, strict=True):
            if completion is None:
                assert part is None
            else:
                assert abs(part - completion * applicable[criterion] / total) <= Decimal("0.01")


def test_the_period_picker_changes_the_numbers(client, planner, data):
    client.force_login(planner)
    in_2011 = _bars(_charts(client, year=2011, quarter=4)["departments"])
    in_2012 = _bars(_charts(client, year=2012, quarter=4)["departments"])
    assert in_2011 != in_2012


def test_the_tables_and_the_method_stay(client, planner, data):
    client.force_login(planner)
    response = client.get(URL, {"year": 2011, "quarter": 4})
    html = response.content.decode()
    assert next(u.unit.code for u in response.context["ranked"]["region"]) == "heishan"
    assert 'class="method"' in html
    assert "Σ" in html
    assert 'class="data weights"' in html
    assert html.count('<table class="data">') >= 2


def test_a_department_viewer_sees_the_whole_published_ranking(client, data):
    client.force_login(viewer("nlb"))
    chart = _charts(client, year=2011, quarter=4)["regions"]
    api = client.get("/api/v1/ranking/", {"year": 2011, "quarter": 4}).json()["results"]
    assert len(chart.option["yAxis"]["data"]) == len([r for r in api if r["kind"] == "region" and r["score"]])


def test_the_page_says_the_assessment_uses_approved_figures_only(client, planner, data):
    client.force_login(planner)
    html = client.get(URL, {"unapproved": "1"}).content.decode()
    assert 'name="unapproved"' not in html
    assert 'class="switch approved-only"' in html
    assert 'class="unapproved-banner"' not in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_chart_downloads_its_data(client, planner, data, fmt):
    client.force_login(planner)
    for key in ("regions", "departments"):
        response = client.get(URL, {"year": 2011, "quarter": 4, "chart": key, "export": fmt})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    assert client.get(URL, {"chart": "nope", "export": fmt}).status_code == 404


def test_bad_period_input_falls_back_to_the_latest_quarter(client, planner, data):
    client.force_login(planner)
    response = client.get(URL, {"year": "2O11", "quarter": "7"})
    assert response.status_code == 200
    assert (response.context["year"], response.context["quarter"]) == (2012, 4)
    assert 'class="error"' in response.content.decode()


def test_queries_are_bounded_whatever_the_data_size(client, planner, data, django_assert_max_num_queries):
    client.force_login(planner)
    client.get(URL)  # the session's first request after login writes it; not the page's cost
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        client.get(URL, {"year": 2012, "quarter": 4})
    more_data()
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        client.get(URL, {"year": 2012, "quarter": 4})
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_quarter_before_park_values_were_recorded_says_why_park_parts_are_empty(client, planner, data):
    client.force_login(planner)
    response = client.get(URL, {"year": 2012, "quarter": 4})
    page = response.content.decode()
    assert "园区面积、标准厂房两项显示“—”" in page
    assert "不计入得分" in page


def test_a_quarter_after_park_values_were_recorded_has_no_such_note(client, planner, data):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from parks.models import Park

    Park.history.update(history_date=datetime(2011, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(planner)
    page = client.get(URL, {"year": 2012, "quarter": 4}).content.decode()
    assert "园区面积、标准厂房两项显示“—”" not in page
