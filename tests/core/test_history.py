"""History: every change to figures, goals, park items, projects, funds and disbursements is recorded
(who, when, old → new, why); each object's page shows it; a planner can export it."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from clusters import services
from clusters.models import StageGoal
from core.history import object_history
from funds.models import Fund
from funds.services import disbursement_create, matching_fund_record
from investment.models import Project
from investment.services import project_advance_stage
from org.models import Region, User
from parks.models import Park, ParkReadinessItem
from parks.services import park_update, readiness_item_update
from tests.reporting.support import cluster, english, load_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_figure(agri_editor, planner):
    figure = services.figure_create(user=agri_editor, cluster=cluster("heishan-main"), year=2011, quarter=3,
                                    output_value=Decimal("12.5"))
    figure = services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=1,
                                    output_value=Decimal("13"))
    figure = services.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=2)
    figure = services.figure_return(user=planner, figure_id=figure.pk, expected_version=3, reason="请核对")
    return figure


def test_each_step_is_recorded_with_who_old_new_and_why(reviewed_figure, agri_editor, planner):
    with translation.override("en"):
        entries = object_history(reviewed_figure)
    assert [(e.who, e.reason) for e in entries] == [
        (planner.username, "returned: 请核对"), (agri_editor.username, "submitted"),
        (agri_editor.username, "updated"), (agri_editor.username, "created"),
    ]
    update = {c.field: (c.old, c.new) for c in entries[2].changes}
    assert update["output value (100 million yuan)"] == ("12.5", "13")
    assert update["version"] == ("1", "2")
    status = {c.field: (c.old, c.new) for c in entries[0].changes}["status"]
    assert status == ("submitted", "returned")


def test_the_figure_page_shows_its_history(client, planner, reviewed_figure):
    english(client)
    client.force_login(planner)
    response = client.get(reverse("figure-page", args=[reviewed_figure.pk]))
    assertContains(response, "<del>12.5</del> → <ins>13</ins>", html=False)
    assertContains(response, "returned: 请核对")


def test_the_history_is_in_chinese_by_default(client, planner, reviewed_figure):
    client.force_login(planner)
    response = client.get(reverse("figure-page", args=[reviewed_figure.pk]))
    assertContains(response, "退回：请核对")
    assertContains(response, "修改记录")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_planner_exports_the_history(client, planner, reviewed_figure, fmt):
    english(client)
    client.force_login(planner)
    response = client.get(reverse("history-export", args=["clusters.quarterlyfigure", reviewed_figure.pk, fmt]))
    assert response.status_code == 200
    if fmt == "xlsx":
        rows = list(load_xlsx(response.content).active.iter_rows(values_only=True))
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0][:7]) == ["When (Asia/Shanghai)", "Who", "Action", "Reason", "Field", "Old value",
                                 "New value"]
    assert any(r[3] == "returned: 请核对" and r[4] == "status" for r in rows)


def test_an_editor_may_not_export_history(client, agri_editor, reviewed_figure):
    client.force_login(agri_editor)
    url = reverse("history-export", args=["clusters.quarterlyfigure", reviewed_figure.pk, "xlsx"])
    assert client.get(url).status_code == 403


def test_history_of_another_departments_object_is_not_found(client, make_user, reviewed_figure):
    client.force_login(make_user(User.Role.EDITOR, "fwy"))
    assert client.get(reverse("history", args=["clusters.quarterlyfigure", reviewed_figure.pk])).status_code == 404
    other_park_item = ParkReadinessItem.objects.filter(park__code="heishan-park").first()
    assert client.get(reverse("history", args=["parks.parkreadinessitem", other_park_item.pk])).status_code == 404


def test_only_models_with_a_history_page_are_served(client, planner):
    client.force_login(planner)
    assert client.get(reverse("history", args=["org.user", planner.pk])).status_code == 404


def test_park_items_projects_funds_and_disbursements_keep_their_history(client, planner):
    park = Park.objects.get(code="heishan-park")
    park_update(user=planner, park_id=park.pk, expected_version=None, area_km2=Decimal("6.5"),
                factory_built_m2=Decimal("120000"))
    item = park.readiness_items.get(kind="road")
    readiness_item_update(user=planner, item_id=item.pk, expected_version=None, status="done",
                          completed_on=date(2011, 6, 20))
    project = Project.objects.get(name="锦州钛业年产20万吨钛白粉一期工程")
    project_advance_stage(user=planner, project_id=project.pk, expected_version=project.version, to_stage=2,
                          moved_on=date(2011, 8, 1), note="签约")
    heishan = Region.objects.get(code="heishan")
    matching_fund_record(user=planner, region=heishan, year=2011, amount_wan=Decimal(800),
                         established_on=date(2011, 3, 1))
    payment = disbursement_create(user=planner, fund=Fund.objects.get(code="cluster-special"), region=heishan,
                                  amount_wan=Decimal(100), paid_on=date(2011, 9, 1), purpose="贴息")
    english(client)
    client.force_login(planner)
    checks = [("parks.park", park.pk, "<del>—</del> → <ins>6.5</ins>"),
              ("parks.parkreadinessitem", item.pk, "<ins>done</ins>"),
              ("investment.project", project.pk, "stage moved: 签约"),
              ("funds.disbursement", payment.pk, "disbursement entered"),
              ("clusters.stagegoal", StageGoal.objects.first().pk, "plan loaded")]
    for label, pk, text in checks:
        assertContains(client.get(reverse("history", args=[label, pk])), text)


def test_the_history_page_runs_the_same_queries_for_few_and_many_changes(client, planner, agri_editor,
                                                                        django_assert_max_num_queries):
    figure = services.figure_create(user=agri_editor, cluster=cluster("heishan-main"), year=2011, quarter=3,
                                    output_value=Decimal(1))
    client.force_login(planner)
    url = reverse("history", args=["clusters.quarterlyfigure", figure.pk])
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for version in range(1, 30):
        figure = services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=version,
                                        output_value=Decimal(version + 1))
    with django_assert_max_num_queries(10) as many:
        response = client.get(url)
    assert len(response.context["history"]) == 30
    assert len(many.captured_queries) == len(few.captured_queries)
    export = reverse("history-export", args=["clusters.quarterlyfigure", figure.pk, "xlsx"])
    with django_assert_max_num_queries(10):
        assert client.get(export).status_code == 200


def test_the_history_page_shows_fifty_versions_a_page_newest_first_each_compared_with_the_one_before(
        client, planner, agri_editor):
    figure = services.figure_create(user=agri_editor, cluster=cluster("heishan-main"), year=2011, quarter=3,
                                    output_value=Decimal(1))
    for version in range(1, 61):
        figure = services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=version,
                                        output_value=Decimal(version + 1))
    client.force_login(planner)
    english(client)
    url = reverse("history", args=["clusters.quarterlyfigure", figure.pk])
    first = client.get(url).context
    assert len(first["history"]) == 50
    assert ("60", "61") in {(c.old, c.new) for c in first["history"][0].changes}
    second = client.get(url, {"page": 2}).context
    assert [entry.kind for entry in second["history"]] == ["changed"] * 10 + ["created"]
    # The oldest change of page 1 is compared with the newest record of page 2, which is not shown again.
    assert ("11", "12") in {(c.old, c.new) for c in first["history"][-1].changes}
    assert second["page"].number == 2


def test_the_figure_page_shows_the_latest_versions_and_links_to_the_earlier_ones(client, planner, agri_editor):
    figure = services.figure_create(user=agri_editor, cluster=cluster("heishan-main"), year=2011, quarter=3,
                                    output_value=Decimal(1))
    client.force_login(planner)
    english(client)
    page = reverse("figure-page", args=[figure.pk])
    assert "Earlier versions" not in client.get(page).content.decode()
    for version in range(1, 55):
        figure = services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=version,
                                        output_value=Decimal(version + 1))
    response = client.get(page)
    assert len(response.context["history"]) == 50
    assertContains(response, reverse("history", args=["clusters.quarterlyfigure", figure.pk]) + "?page=2")
