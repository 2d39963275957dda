"""The stage-goal and assessment-ranking pages."""
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from progress.services import rollup_full

pytestmark = pytest.mark.django_db


def _year_of(code: str, year: int, quarterly: str) -> None:
    for quarter in range(1, 5):
        QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code=code), year=year, quarter=quarter,
                                       output_value=Decimal(quarterly), status=FigureStatus.APPROVED)


@pytest.fixture
def two_years():
    _year_of("pv", 2011, "37.5")     # 150 a year
    _year_of("pv", 2012, "45")       # 180 a year
    _year_of("heishan-main", 2011, "30")
    rollup_full()


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("goal-page"))["Location"].startswith(reverse("login"))


def test_planner_sees_every_goal_evaluated_with_the_method(client, planner, two_years):
    client.force_login(planner)
    html = client.get(reverse("goal-page"), {"year": 2011}).content.decode()
    assert html.count('<th scope="row">') == 22
    assert "光伏产业集群达200亿元以上" in html
    assert "75.0 %" in html  # 150 of 200
    assert "(target ÷ value)^(1 ÷ years left) − 1" in html or "1 ÷" in html


def test_editor_sees_only_its_clusters_goals_and_the_city_wide_ones(client, agri_editor, two_years):
    client.force_login(agri_editor)
    html = client.get(reverse("goal-page")).content.decode()
    assert html.count('<th scope="row">') == 8  # four county goals + four count goals
    assert "光伏" not in html


def test_the_year_picker_changes_the_numbers(client, planner, two_years):
    client.force_login(planner)
    in_2011 = client.get(reverse("goal-page"), {"year": 2011}).content.decode()
    in_2012 = client.get(reverse("goal-page"), {"year": 2012}).content.decode()
    assert "150.00" in in_2011
    assert "180.00" in in_2012


def test_garbage_year_falls_back_to_the_latest_year(client, planner, two_years):
    client.force_login(planner)
    response = client.get(reverse("goal-page"), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == 2012


def test_goal_page_queries_do_not_grow_with_data(client, planner, django_assert_max_num_queries, two_years):
    client.force_login(planner)
    with django_assert_max_num_queries(14):
        client.get(reverse("goal-page"))
    for code in Cluster.objects.exclude(code__in=["pv", "heishan-main"]).values_list("code", flat=True):
        _year_of(code, 2012, "10")
    rollup_full()
    with django_assert_max_num_queries(14):
        client.get(reverse("goal-page"))


def test_ranking_page_ranks_regions_and_departments_for_the_chosen_quarter(client, planner, two_years):
    client.force_login(planner)
    response = client.get(reverse("ranking-page"), {"year": 2011, "quarter": 4})
    assert response.status_code == 200
    regions = [u.unit.code for u in response.context["ranked"]["region"]]
    assert regions[0] == "heishan"  # 120 of its 100 target: complete
    assert "Σ weight × completion" in response.content.decode() or "Σ" in response.content.decode()


def test_ranking_page_queries_are_bounded(client, planner, django_assert_max_num_queries, two_years):
    client.force_login(planner)
    with django_assert_max_num_queries(20):
        client.get(reverse("ranking-page"), {"year": 2011, "quarter": 4})


def test_the_goals_method_states_the_at_risk_margin_not_a_setting_name(client, planner, settings):
    settings.GOAL_AT_RISK_MARGIN = Decimal("0.08")
    client.force_login(planner)
    page = client.get(reverse("goal-page")).content.decode()
    assert "GOAL_AT_RISK_MARGIN" not in page
    assert "8 个百分点" in page
