"""Completeness and timeliness: per quarter, which reporting units and departments have not submitted
or are not approved, the deadline and what is overdue; reminders and the planner's digest by e-mail."""
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clusters.choices import FigureStatus
from clusters.selectors import completeness
from core.periods import Quarter
from jinzhou.schedules import beat_schedule
from notices.models import Notice
from notices.reminders import figure_reminders_send
from notices.services import notices_sweep
from org.models import User
from plan.demo import demo_load
from tests.reporting.support import english, figure

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
    by_code = {r.unit.cluster.code: r for r in standing.rows}
    assert len(standing.rows) == 16
    assert (by_code["heishan-main"].standing, by_code["heishan-main"].overdue) == ("approved", False)
    assert (by_code["yixian-main"].standing, by_code["yixian-main"].overdue) == ("submitted", False)
    assert (by_code["pv"].standing, by_code["pv"].overdue) == ("draft", True)
    assert (by_code["auto"].standing, by_code["auto"].overdue) == ("missing", True)
    assert len(standing.open_rows) == 15
    nlb = next(s for s in standing.departments if s.department.code == "nlb")
    assert (nlb.units, nlb.not_submitted, nlb.awaiting_review, nlb.approved, nlb.overdue) == (4, 2, 1, 1, 2)
    response = client.get(PAGE, {"year": 2011, "quarter": 3})
    assertContains(response, "Deadline: 2011-10-15.")
    assertContains(response, '<span class="badge overdue">overdue</span>', count=14)


def test_a_department_sees_only_its_own_units(client, agri_editor):
    client.force_login(agri_editor)
    standing = _standing(client)
    assert {r.unit.cluster.code for r in standing.rows} == {"heishan-main", "beizhen-main", "linghai-main",
                                                             "yixian-main"}
    assert [s.department.code for s in standing.departments] == ["nlb"]
    assertNotContains(client.get(PAGE, {"year": 2011, "quarter": 3}), "光伏产业集群")


def test_nothing_is_overdue_before_the_deadline(planner):
    standing = completeness(user=planner, quarter=Q3, today=date(2011, 10, 15))
    assert not standing.overdue
    assert not any(r.overdue for r in standing.rows)
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
    with django_assert_max_num_queries(11) as empty:
        client.get(PAGE, {"year": 2015, "quarter": 4})
    demo_load()
    with django_assert_max_num_queries(11) as full:
        response = client.get(PAGE, {"year": 2015, "quarter": 4})
    assert len(response.context["standing"].rows) > 16
    assert len(full.captured_queries) == len(empty.captured_queries)


# --- reminders -------------------------------------------------------------------------------------

@pytest.fixture
def people(make_user):
    """An nlb editor and a fwy editor with e-mail, a planner with e-mail, an editor without e-mail."""
    return {
        "nlb": make_user(User.Role.EDITOR, "nlb", email="nlb@example.gov.cn"),
        "fwy": make_user(User.Role.EDITOR, "fwy", email="fwy@example.gov.cn"),
        "planner": make_user(User.Role.PLANNER, "jxw", email="planner@example.gov.cn"),
        "silent": make_user(User.Role.EDITOR, "nlb"),
    }


def _send(today, capture):
    with capture(execute=True):
        return figure_reminders_send(today=today)


def test_editors_with_unsubmitted_units_are_reminded_five_days_before_the_deadline(
    people, django_capture_on_commit_callbacks
):
    for code in ("linghe-main", "guta-main", "taihe-main", "songshan-main"):
        figure(code, 2011, 3, "1", status=FigureStatus.SUBMITTED)
    run = _send(Q3.deadline - timedelta(days=5), django_capture_on_commit_callbacks)
    reminders = [m for m in mail.outbox if "Reminder" in m.subject or "提醒" in m.subject]
    assert run.reminders == 1
    assert [m.to for m in reminders] == [["nlb@example.gov.cn"]]
    assert "黑山县主导产业集群（待定）" in reminders[0].body


def test_no_reminder_on_other_days(people, django_capture_on_commit_callbacks):
    run = _send(Q3.deadline - timedelta(days=3), django_capture_on_commit_callbacks)
    assert run.reminders == 0


def test_a_second_run_the_same_day_sends_nothing_more(people, django_capture_on_commit_callbacks):
    day = Q3.deadline - timedelta(days=1)
    first = _send(day, django_capture_on_commit_callbacks)
    second = _send(day, django_capture_on_commit_callbacks)
    assert first.reminders == 2
    assert second.reminders == 0
    assert Notice.objects.filter(kind="reminder").count() == 2


def test_the_planner_gets_a_digest_of_what_is_overdue(people, django_capture_on_commit_callbacks):
    figure("heishan-main", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    run = _send(Q3.deadline + timedelta(days=1), django_capture_on_commit_callbacks)
    digest = next(m for m in mail.outbox if m.to == ["planner@example.gov.cn"])
    assert run.digests == 1
    assert "黑山县主导产业集群（待定）" in digest.body  # awaiting review
    assert "光伏产业集群" in digest.body  # not submitted


def test_unsent_notices_are_swept_up(people):
    # no on-commit execution: the message to the worker was "lost"
    run = figure_reminders_send(today=Q3.deadline - timedelta(days=1))
    assert mail.outbox == []
    # two reminders for Q3, and the digest of Q2, whose deadline has passed with nothing submitted
    assert (run.reminders, run.digests) == (2, 1)
    assert notices_sweep() == 3
    assert len(mail.outbox) == 3
    assert notices_sweep() == 0


def test_the_beat_schedule_runs_reminders_daily_and_sweeps_notices():
    schedule = beat_schedule()
    assert schedule["figure-reminders-daily"]["task"] == "notices.tasks.figure_reminders_task"
    assert schedule["notices-sweep"]["task"] == "notices.tasks.notices_sweep_task"
