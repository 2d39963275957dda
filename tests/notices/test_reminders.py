"""Deadline reminders to editors and the overdue digest to planners, queued in the outbox and swept."""
from datetime import timedelta

import pytest
from django.core import mail

from clusters.choices import FigureStatus
from core.periods import Quarter
from jinzhou.schedules import beat_schedule
from notices.models import Notice
from notices.reminders import figure_reminders_send
from notices.services import notices_sweep
from org.models import User
from tests.reporting.support import figure

pytestmark = pytest.mark.django_db
Q3 = Quarter(2011, 3)


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


def test_a_reminder_names_the_first_20_units_and_counts_the_rest(people, django_capture_on_commit_callbacks):
    from clusters.models import Cluster, Enterprise

    heishan = Cluster.objects.get(code="heishan-main")
    Enterprise.objects.bulk_create(Enterprise(cluster=heishan, name=f"企业{i:02}") for i in range(30))
    _send(Q3.deadline - timedelta(days=5), django_capture_on_commit_callbacks)
    [reminder] = [m for m in mail.outbox if m.to == ["nlb@example.gov.cn"]]
    assert reminder.body.count(" (市农领办): ") == 20  # ordered by cluster: 北镇 first, then 黑山's enterprises
    assert "企业18" in reminder.body
    assert "企业19" not in reminder.body
    assert "等另外 13 个" in reminder.body  # 30 enterprises and 3 other clusters, 20 named
