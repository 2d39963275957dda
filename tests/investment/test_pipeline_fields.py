"""A project's expected output (the cluster it feeds, expected production start, annual output at full capacity in
亿元, ramp-up): set through `project_set_pipeline` by the planner or the project's department, versioned and in its
history; refused for another department's project; shown as 未填写 / not entered until someone enters it."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clusters.models import Cluster
from core.exceptions import VersionConflict
from investment import services
from investment.models import Project
from org.models import User
from tests.reporting.support import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def cells() -> Project:
    """300兆瓦太阳能电池项目: photovoltaics, under construction (stage 3)."""
    return Project.objects.get(name="300兆瓦太阳能电池项目")


def _set(user, project, **values):
    project.refresh_from_db()
    data = {"cluster": project.cluster, "expected_start_year": 2012, "expected_start_quarter": 3,
            "expected_output": Decimal("40"), "ramp_up_quarters": None} | values
    return services.project_set_pipeline(user=user, project_id=project.pk, expected_version=project.version, **data)


def test_the_plan_leaves_the_expected_output_empty(cells):
    assert (cells.expected_start_year, cells.expected_start_quarter, cells.expected_output,
            cells.ramp_up_quarters) == (None, None, None, None)


def test_a_planner_sets_the_expected_output_and_it_is_versioned_in_history(planner, cells):
    version = cells.version
    project = _set(planner, cells, ramp_up_quarters=6)
    project.refresh_from_db()
    assert (project.expected_start_year, project.expected_start_quarter, project.expected_output,
            project.ramp_up_quarters, project.ramp_up) == (2012, 3, Decimal("40.0000"), 6, 6)
    assert project.version == version + 1
    record = project.history.first()
    assert (record.history_user, record.history_change_reason, record.expected_output) == (
        planner, "expected output changed", Decimal("40.0000"))


def test_without_its_own_ramp_up_a_project_takes_the_setting(planner, cells, settings):
    settings.PIPELINE_RAMP_UP_QUARTERS = 5
    assert _set(planner, cells).ramp_up == 5


def test_the_responsible_department_sets_it(make_user, cells):
    assert _set(make_user(User.Role.EDITOR, "jxw"), cells).expected_output == Decimal(40)


def test_another_departments_project_is_refused_and_unchanged(agri_editor, cells):
    with pytest.raises(PermissionDenied):
        _set(agri_editor, cells)
    cells.refresh_from_db()
    assert cells.expected_output is None


def test_a_viewer_is_refused(make_user, cells):
    with pytest.raises(PermissionDenied):
        _set(make_user(User.Role.VIEWER, "jxw"), cells)


@pytest.mark.parametrize(("values", "field"), [
    ({"expected_start_quarter": None}, "expected_start_quarter"),
    ({"expected_start_year": None}, "expected_start_year"),
    ({"expected_start_quarter": 5}, "expected_start_quarter"),
    ({"expected_output": Decimal("-1")}, "expected_output"),
    ({"expected_output": Decimal("NaN")}, "expected_output"),
    ({"ramp_up_quarters": 0}, "ramp_up_quarters"),
])
def test_invalid_values_are_refused(planner, cells, values, field):
    with pytest.raises(ValidationError) as error:
        _set(planner, cells, **values)
    assert field in error.value.message_dict
    cells.refresh_from_db()
    assert cells.expected_output is None


def test_a_stale_save_is_a_conflict(planner, cells):
    version = cells.version
    _set(planner, cells)
    with pytest.raises(VersionConflict):
        services.project_set_pipeline(user=planner, project_id=cells.pk, expected_version=version, cluster=None,
                                      expected_start_year=None, expected_start_quarter=None, expected_output=None,
                                      ramp_up_quarters=None)


def test_a_department_cannot_hand_its_project_to_a_cluster_it_does_not_edit(agri_editor):
    # given: a project of a county cluster (the agriculture office edits it through the cluster)
    project = Project.objects.create(name="黑山测试项目", cluster=Cluster.objects.get(code="heishan-main"), stage=3)
    # when: the agriculture office moves it into photovoltaics (市经信委's), then it could no longer edit it
    with pytest.raises(ValidationError) as error:
        _set(agri_editor, project, cluster=Cluster.objects.get(code="pv"))
    # then: refused, nothing saved
    assert "cluster" in error.value.message_dict
    project.refresh_from_db()
    assert (project.cluster.code, project.expected_output) == ("heishan-main", None)
    assert _set(agri_editor, project).expected_output == Decimal(40)


# --- the project page -----------------------------------------------------------------------------

def test_the_page_says_not_entered_in_chinese(client, planner, cells):
    client.force_login(planner)
    response = client.get(reverse("project-page", args=[cells.pk]))
    assertContains(response, "未填写")
    assertContains(response, 'name="pipeline-expected_output"')


def test_the_page_saves_the_form_and_shows_the_values(client, planner, cells):
    english(client)
    client.force_login(planner)
    url = reverse("project-pipeline-page", args=[cells.pk])
    response = client.post(url, {"pipeline-seen": cells.version, "pipeline-cluster": cells.cluster_id,
                                 "pipeline-expected_start_year": "2012", "pipeline-expected_start_quarter": "3",
                                 "pipeline-expected_output": "40", "pipeline-ramp_up_quarters": ""})
    assert response.status_code == 302
    page = client.get(reverse("project-page", args=[cells.pk]))
    assertContains(page, "Q3 2012")  # the quarter named as every page names it
    assertContains(page, "default: 4 quarters")


def test_the_page_shows_errors_with_400(client, planner, cells):
    english(client)
    client.force_login(planner)
    response = client.post(reverse("project-pipeline-page", args=[cells.pk]), {
        "pipeline-seen": cells.version, "pipeline-expected_start_year": "2012", "pipeline-expected_output": "40"})
    assertContains(response, "or neither", status_code=400)


def test_a_stale_form_answers_409(client, planner, cells):
    client.force_login(planner)
    _set(planner, cells)
    response = client.post(reverse("project-pipeline-page", args=[cells.pk]), {
        "pipeline-seen": cells.version, "pipeline-expected_output": "1"})
    assert response.status_code == 409


def test_a_viewer_sees_no_form_and_is_refused(client, make_user, cells):
    client.force_login(make_user(User.Role.VIEWER, "jxw"))
    assertNotContains(client.get(reverse("project-page", args=[cells.pk])), 'name="pipeline-expected_output"')
    response = client.post(reverse("project-pipeline-page", args=[cells.pk]), {
        "pipeline-seen": cells.version, "pipeline-expected_output": "1"})
    assert response.status_code == 403
