"""Project pages: owners move a project along its five stages with a date and a note; backwards only
with a reason; the move and the project's history are recorded; scoped by the permission layer."""
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from investment.models import Project, ProjectStageMove
from org.models import User
from plan.demo import demo_load
from tests.reporting.support import english

pytestmark = pytest.mark.django_db
LIST = reverse("project-list-page")


@pytest.fixture
def tio2():
    """锦州钛业 (titanium, 市经信委), at stage 1: negotiation."""
    return Project.objects.get(name="锦州钛业年产20万吨钛白粉一期工程")


@pytest.fixture
def jxw_editor(client, make_user):
    user = make_user(User.Role.EDITOR, "jxw")
    english(client)
    client.force_login(user)
    return user


def _move(client, project, **values):
    project.refresh_from_db()
    data = {"version": project.version, "to_stage": project.stage + 1, "moved_on": "2011-08-01",
            "note": ""} | values
    return client.post(reverse("project-page", args=[project.pk]), data)


def test_an_owner_moves_a_project_forward_with_date_and_note(client, jxw_editor, tio2):
    response = _move(client, tio2, note="签约落地")
    assert response.status_code == 302
    tio2.refresh_from_db()
    assert (tio2.stage, tio2.stage_since) == (2, date(2011, 8, 1))
    move = tio2.stage_moves.get()
    assert (move.from_stage, move.to_stage, move.note, move.moved_by) == (1, 2, "签约落地", jxw_editor)


def test_a_move_may_skip_stages_forward(client, jxw_editor, tio2):
    _move(client, tio2, to_stage=3)
    tio2.refresh_from_db()
    assert tio2.stage == 3


def test_moving_back_without_a_reason_is_refused(client, jxw_editor, tio2):
    _move(client, tio2, to_stage=3)
    response = _move(client, tio2, to_stage=2, moved_on="2011-09-01")
    assertContains(response, "Moving a project back to an earlier stage needs a reason.", status_code=400)
    tio2.refresh_from_db()
    assert tio2.stage == 3


def test_moving_back_with_a_reason_is_recorded(client, jxw_editor, tio2):
    _move(client, tio2, to_stage=3)
    _move(client, tio2, to_stage=2, moved_on="2011-09-01", note="环评未通过，停工")
    tio2.refresh_from_db()
    assert tio2.stage == 2
    assert tio2.history.first().history_change_reason == "stage moved: 环评未通过，停工"


def test_the_database_refuses_a_backward_move_without_a_reason(tio2):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectStageMove.objects.create(project=tio2, from_stage=3, to_stage=2, moved_on=date(2011, 1, 1))


@pytest.mark.parametrize(("moved_on", "message"), [
    # tomorrow as the test runs, not as it was collected: a run across midnight (Asia/Shanghai) would send today
    (lambda: (timezone.localdate() + timedelta(days=1)).isoformat(), "The date cannot be in the future."),
    (lambda: "2011-07-01", "The date cannot be before the project&#x27;s last move (2011-08-01)."),
])
def test_the_date_must_be_plausible(client, jxw_editor, tio2, moved_on, message):
    _move(client, tio2)
    assertContains(_move(client, tio2, moved_on=moved_on()), message, status_code=400)


def test_a_move_against_a_version_someone_changed_meanwhile_is_refused(client, jxw_editor, tio2):
    stale_version = tio2.version
    _move(client, tio2)
    response = _move(client, tio2, version=stale_version, to_stage=3)
    assertContains(response, "Someone else moved this project meanwhile", status_code=409)
    tio2.refresh_from_db()
    assert tio2.stage == 2


def test_the_page_shows_moves_and_history(client, jxw_editor, tio2):
    _move(client, tio2, note="签约")
    response = client.get(reverse("project-page", args=[tio2.pk]))
    assertContains(response, "签约")
    assertContains(response, "stage moved: 签约")


# --- the permission layer ---------------------------------------------------------------------------

def test_another_departments_project_is_neither_shown_nor_moved(client, agri_editor, tio2):
    client.force_login(agri_editor)
    assert tio2 not in client.get(LIST).context["projects"]
    assert client.get(reverse("project-page", args=[tio2.pk])).status_code == 404
    assert _move(client, tio2).status_code == 404
    tio2.refresh_from_db()
    assert tio2.stage == 1


def test_a_viewer_cannot_move_a_project(client, make_user, tio2):
    client.force_login(make_user(User.Role.VIEWER, "jxw"))
    response = client.get(reverse("project-page", args=[tio2.pk]))
    assertNotContains(response, 'name="to_stage"')
    assert _move(client, tio2).status_code == 403


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_list_exports_only_visible_projects(client, agri_editor, fmt):
    client.force_login(agri_editor)
    response = client.get(LIST, {"export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        assert "钛白粉" not in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("params", [{}, {"export": "xlsx"}, {"stage": "3"}])
def test_the_list_runs_the_same_bounded_queries_at_any_size(client, planner, django_assert_max_num_queries, params):
    client.force_login(planner)
    with django_assert_max_num_queries(4) as few:
        client.get(LIST, params)
    demo_load()
    with django_assert_max_num_queries(4) as many:
        client.get(LIST, params)
    assert len(many.captured_queries) == len(few.captured_queries)
