""""The quarterly briefing is ready" goes to the city-wide channel and the departments' channels once every reporting
unit's figures for the quarter are approved and the roll-up has run, with a link to that quarter's briefing; once
per quarter and channel, however often the check runs and even when a figure is reopened and approved again."""
from datetime import timedelta

import pytest
from django.utils import timezone

from chat.compose import briefing_ready_queue
from chat.models import ChannelMessage
from chat.tasks import chat_briefing_ready_task
from clusters import services as figures
from clusters.choices import FigureStatus
from clusters.completeness import completeness
from clusters.models import Cluster, QuarterlyFigure
from core import access
from core.periods import Quarter
from jinzhou.schedules import beat_schedule
from progress.services import rollup_sweep

pytestmark = pytest.mark.django_db
Q3 = Quarter(2011, 3)
SITE = "https://jinzhou.example.gov.cn"
DAY = Q3.deadline + timedelta(days=3)  # in the fourth quarter: the third is the latest one ended


def _all_but_one_approved() -> QuarterlyFigure:
    """Every reporting unit of 2011 Q3 approved but heishan-main's, which awaits review."""
    units = completeness(user=access.city_wide_reader(), quarter=Q3, clusters=Cluster.objects.all()).units()
    pending = Cluster.objects.get(code="heishan-main").pk
    last = None
    for row in units:
        status = FigureStatus.SUBMITTED if row.cluster_id == pending else FigureStatus.APPROVED
        made = QuarterlyFigure.objects.create(cluster_id=row.cluster_id, enterprise_id=row.enterprise_id, year=2011,
                                              quarter=3, output_value=10, status=status)
        last = made if status == FigureStatus.SUBMITTED else last
    return last


def _check(capture) -> int:
    with capture(execute=True):
        return briefing_ready_queue(today=DAY)


def test_the_briefing_is_announced_once_the_last_figure_is_approved_and_rolled_up(
    robot, make_channel, planner, django_capture_on_commit_callbacks
):
    city, nlb = make_channel("wecom", "city", None), make_channel("dingtalk", "nlb", "nlb")
    pending = _all_but_one_approved()
    assert _check(django_capture_on_commit_callbacks) == 0  # one figure still awaits review
    figures.figure_approve(user=planner, figure_id=pending.pk, expected_version=pending.version)
    assert _check(django_capture_on_commit_callbacks) == 0  # approved, but not yet in the roll-up
    rollup_sweep()
    assert _check(django_capture_on_commit_callbacks) == 2

    link = f"{SITE}/briefing/?year=2011&quarter=3"
    [wecom] = robot.sent_to("city")
    content = wecom["body"]["markdown"]["content"]
    assert content.startswith(f"#### {Q3.label}简报已生成\n")
    assert f"[查看简报]({link})" in content
    assert f"({link}&format=docx)" in content
    [dingtalk] = robot.sent_to("nlb")
    assert dingtalk["body"]["markdown"]["title"] == f"{Q3.label}简报已生成"
    assert f"[查看简报]({link})" in dingtalk["body"]["markdown"]["text"]
    assert {(m.channel, m.key, m.state) for m in ChannelMessage.objects.filter(kind="briefing")} == {
        (city, "briefing:2011-3", "sent"), (nlb, "briefing:2011-3", "sent")}


def test_nothing_is_sent_twice(robot, make_channel, planner, django_capture_on_commit_callbacks):
    make_channel("wecom", "city", None)
    pending = _all_but_one_approved()
    QuarterlyFigure.objects.filter(pk=pending.pk).update(status=FigureStatus.APPROVED)
    rollup_sweep()
    assert _check(django_capture_on_commit_callbacks) == 1
    # the next check, the next day, and after a figure was reopened and approved again: nothing more
    assert _check(django_capture_on_commit_callbacks) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert briefing_ready_queue(today=DAY + timedelta(days=1)) == 0
    assert len(robot.sent_to("city")) == 1
    assert ChannelMessage.objects.filter(kind="briefing").count() == 1


def test_an_old_quarter_is_not_announced(robot, make_channel, django_capture_on_commit_callbacks):
    make_channel("wecom", "city", None)
    pending = _all_but_one_approved()
    QuarterlyFigure.objects.filter(pk=pending.pk).update(status=FigureStatus.APPROVED)
    rollup_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        assert briefing_ready_queue(today=Quarter(2012, 2).deadline) == 0  # 2011 Q3 is three quarters back
    assert robot.received == []


def test_the_beat_checks_every_quarter_hour_and_its_task_announces_the_latest_quarter(
    robot, make_channel, django_capture_on_commit_callbacks
):
    schedule = beat_schedule()["chat-briefing-ready"]
    assert schedule["task"] == "chat.tasks.chat_briefing_ready_task"
    assert schedule["schedule"].minute == {0, 15, 30, 45}
    make_channel("wecom", "city", None)
    latest = Quarter.last_ended(timezone.localdate())
    for row in completeness(user=access.city_wide_reader(), quarter=latest).units():
        QuarterlyFigure.objects.create(cluster_id=row.cluster_id, enterprise_id=row.enterprise_id, year=latest.year,
                                       quarter=latest.quarter, output_value=10, status=FigureStatus.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        chat_briefing_ready_task.delay()
    assert [m.key for m in ChannelMessage.objects.filter(kind="briefing")] == [f"briefing:{latest}"]
