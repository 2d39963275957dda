"""Completeness and timeliness: per quarter, which reporting units and departments have not submitted
or are not approved, the deadline and what is overdue. The e-mail reminders: tests/notices/test_reminders.py."""
from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clusters.choices import FigureStatus
from clusters.completeness import completeness
from clusters.models import Enterprise
from core.periods import Quarter
from plan.demo import demo_load
from tests.reporting.support import COUNTY_CODES, cluster, english, figure, key

pytestmark = pytest.mark.django_db
PAGE = reverse("figure-completeness")
Q3 = Quarter(2011, 3)


def _standing(client, **params):
    return client.get(PAGE, {"year": 2011, "quarter": 3} | params).context["standing"]


def test_the_deadline_is_15_days_after_the_quarter_by_default_and_configurable(settings):
    assert Q3.deadline == date(2011, 10, 15)
    settings.ENTRY_DEADLINE_DAYS = 20
    assert Q3.deadline == date(2011, 10, 20)


def test_a_planner_sees_every_unit_not_submitted_or_not_approved(client, planner):
    figure("heishan-main", 2011, 3, "1")
    figure("yixian-main", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    figure("pv", 2011, 3, "1", status=FigureStatus.DRAFT)
    english(client)
    client.force_login(planner)
    standing = _standing(client)
    by_name = {r.cluster: r for r in standing.units()}
    assert standing.total.units == len(by_name) == 16
    assert (by_name[str(cluster("heishan-main"))].standing, by_name[str(cluster("heishan-main"))].overdue) == (
        "approved", False)
    assert (by_name[str(cluster("yixian-main"))].standing, by_name[str(cluster("yixian-main"))].overdue) == (
        "submitted", False)
    assert (by_name[str(cluster("pv"))].standing, by_name[str(cluster("pv"))].overdue) == ("draft", True)
    assert (by_name[str(cluster("auto"))].standing, by_name[str(cluster("auto"))].overdue) == ("missing", True)
    assert standing.total.open == 15
    nlb = next(s for s in standing.departments if s.department.code == "nlb")
    assert (nlb.units, nlb.not_submitted, nlb.awaiting_review, nlb.approved, nlb.overdue) == (4, 2, 1, 1, 2)
    response = client.get(PAGE, {"year": 2011, "quarter": 3})
    assertContains(response, "Deadline: 2011-10-15.")
    assertContains(response, '<span class="badge overdue">overdue</span>', count=14)


def test_a_department_sees_only_its_own_units(client, agri_editor):
    client.force_login(agri_editor)
    standing = _standing(client)
    assert {r.cluster_id for r in standing.units()} == {cluster(c).pk for c in COUNTY_CODES}
    assert [s.department.code for s in standing.departments] == ["nlb"]
    assertNotContains(client.get(PAGE, {"year": 2011, "quarter": 3}), "光伏产业集群")


def test_nothing_is_overdue_before_the_deadline(planner):
    standing = completeness(user=planner, quarter=Q3, today=date(2011, 10, 15))
    assert not standing.overdue
    assert not any(r.overdue for r in standing.units())
    assert not standing.total.overdue
    assert completeness(user=planner, quarter=Q3, today=date(2011, 10, 16)).overdue


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_page_exports_what_it_shows(client, agri_editor, fmt):
    client.force_login(agri_editor)
    response = client.get(PAGE, {"year": 2011, "quarter": 3, "export": fmt})
    assert response.status_code == 200
    assert f"completeness-2011-3.{fmt}" in response["Content-Disposition"]
    if fmt == "csv":
        lines = response.content.decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 1 + 4


def test_the_page_runs_the_same_bounded_queries_with_no_data_and_demo_data(client, planner,
                                                                            django_assert_max_num_queries):
    client.force_login(planner)
    # 10 for the counts, the unit list's page and count and the reporting period, 2 for the clusters and their
    # commentary (figures and commentary make a quarter complete); 12 before, when the page read every unit.
    with django_assert_max_num_queries(12) as empty:
        client.get(PAGE, {"year": 2015, "quarter": 4})
    demo_load()
    with django_assert_max_num_queries(12) as full:
        response = client.get(PAGE, {"year": 2015, "quarter": 4})
    assert response.context["standing"].total.units > 16
    assert len(full.captured_queries) == len(empty.captured_queries)


def _many_enterprises(code: str, n: int) -> list[Enterprise]:
    return Enterprise.objects.bulk_create(Enterprise(cluster=cluster(code), name=f"企业{i:03}") for i in range(n))


def test_the_page_lists_open_units_100_a_page_and_its_links_keep_the_quarter_and_filters(as_planner):
    _many_enterprises("pv", 150)
    response = as_planner.get(PAGE, {"year": 2011, "quarter": 3, "standing": "missing"})
    page = response.context["page"]
    assert (len(page.object_list), page.paginator.count, page.paginator.num_pages) == (100, 165, 2)
    assertContains(response, "?year=2011&amp;quarter=3&amp;standing=missing&amp;page=2")
    second = as_planner.get(PAGE, {"year": 2011, "quarter": 3, "standing": "missing", "page": 2}).context["page"]
    assert len(second.object_list) == 65
    assert not {r.key for r in page} & {r.key for r in second}


def test_the_page_filters_by_department_cluster_standing_and_name(as_planner):
    _many_enterprises("pv", 3)
    figure("heishan-main", 2011, 3, "1", status=FigureStatus.RETURNED)
    nlb = cluster("heishan-main").responsible_department

    def listed(**params):
        return [r.key for r in as_planner.get(PAGE, {"year": 2011, "quarter": 3} | params).context["page"]]

    assert len(listed(department=nlb.pk)) == 4
    assert listed(cluster=cluster("pv").pk) == [f"e{e.pk}" for e in Enterprise.objects.order_by("name")]
    assert listed(standing="returned") == [key("heishan-main")]
    assert listed(q="企业001") == [f"e{Enterprise.objects.get(name='企业001').pk}"]
    assert listed(standing="approved") == []
    assert len(listed(department="garbage", standing="nonsense")) == 16 + 3 - 1  # wrong filters are left out


def test_a_missing_unit_has_no_figure_link_and_a_drafted_one_links_its_figure(as_planner):
    draft = figure("pv", 2011, 3, "1", status=FigureStatus.DRAFT)
    response = as_planner.get(PAGE, {"year": 2011, "quarter": 3})
    assertContains(response, reverse("figure-page", args=[draft.pk]))
    assertContains(response, f'id="unit-{key("auto")}"')
