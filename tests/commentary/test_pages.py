"""The commentary where people read it: the cluster page, the department dashboard, the goals page (next to each
goal at risk), with a constant number of queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Cluster, StageGoal
from commentary import selectors, services

pytestmark = pytest.mark.django_db


def _write(user, code="heishan-main", year=2011, quarter=1, **kw):
    texts = {"progress": f"{code}：新增规上企业2家", "problems": "人才短缺", "next_steps": "引进技术团队"} | kw
    return services.commentary_save(user=user, cluster=Cluster.objects.get(code=code), year=year, quarter=quarter,
                                    expected_version=None, **texts)


def test_the_cluster_page_shows_the_quarters_commentary(client, planner):
    _write(planner)
    cluster = Cluster.objects.get(code="heishan-main")
    client.force_login(planner)
    page = client.get(reverse("cluster-page", args=[cluster.pk]), {"year": 2011, "quarter": 1}).content.decode()
    assert "heishan-main：新增规上企业2家" in page
    assert f'{reverse("commentary-edit", args=[cluster.pk])}?year=2011&amp;quarter=1' in page


def test_the_cluster_page_costs_the_same_queries_with_a_commentary(client, planner, django_assert_num_queries):
    cluster = Cluster.objects.get(code="heishan-main")
    client.force_login(planner)
    url = reverse("cluster-page", args=[cluster.pk])
    client.get(url, {"year": 2011, "quarter": 1})
    with CaptureQueriesContext(connection) as without:
        client.get(url, {"year": 2011, "quarter": 1})
    goal = StageGoal.objects.filter(cluster=cluster).first()
    _write(planner, remarks={goal.pk: "原因一"})
    with django_assert_num_queries(len(without)):
        client.get(url, {"year": 2011, "quarter": 1})


def test_the_department_dashboard_lists_each_clusters_commentary(client, planner):
    _write(planner)
    cluster = Cluster.objects.get(code="heishan-main")
    client.force_login(planner)
    url = reverse("department-dashboard", args=[cluster.responsible_department_id])
    page = client.get(url, {"year": 2011, "quarter": 1}).content.decode()
    assert "人才短缺" in page


def test_the_goals_page_shows_the_cause_and_remedy_next_to_a_goal_at_risk(client, planner, monkeypatch):
    cluster = Cluster.objects.get(code="heishan-main")
    goal = StageGoal.objects.filter(cluster=cluster).first()
    _write(planner, remarks={goal.pk: "项目审批滞后；已列入重点督办"})
    client.force_login(planner)
    page = client.get(reverse("goal-page"), {"year": 2011}).content.decode()
    assert "项目审批滞后" not in page  # the goal is not judged at risk
    monkeypatch.setattr(selectors, "NEEDS_REMARK", ("at_risk", "off_track", "no_data", "on_track", "met", "missed",
                                                    "manual"))
    page = client.get(reverse("goal-page"), {"year": 2011}).content.decode()
    assert "项目审批滞后；已列入重点督办" in page


def test_another_departments_remark_is_not_shown(client, agri_editor, planner, monkeypatch):
    monkeypatch.setattr(selectors, "NEEDS_REMARK", ("at_risk", "off_track", "no_data", "on_track", "met", "missed",
                                                    "manual"))
    goal = (StageGoal.objects.exclude(cluster=None)
            .exclude(cluster__in=Cluster.objects.visible_to(agri_editor)).select_related("cluster").first())
    _write(planner, code=goal.cluster.code, remarks={goal.pk: "别的部门的原因"})
    client.force_login(planner)
    assert "别的部门的原因" in client.get(reverse("goal-page"), {"year": 2011}).content.decode()
    client.force_login(agri_editor)
    assert "别的部门的原因" not in client.get(reverse("goal-page"), {"year": 2011}).content.decode()
