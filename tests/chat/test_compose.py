"""What the channels are told: the reminder run and a returned figure queue short Chinese markdown messages
with a link into the app, once per notice and channel, to the right department (or the planners)."""
from datetime import timedelta

import pytest

from chat.models import ChannelMessage
from clusters import services as figures
from clusters.choices import FigureStatus
from core.periods import Quarter
from notices.reminders import figure_reminders_send
from tests.reporting.support import figure

pytestmark = pytest.mark.django_db
Q3 = Quarter(2011, 3)
SITE = "https://jinzhou.example.gov.cn"


def _run(day, capture):
    with capture(execute=True):
        return figure_reminders_send(today=day)


def test_the_reminder_run_tells_each_department_channel_what_is_not_submitted(
    robot, make_channel, django_capture_on_commit_callbacks
):
    nlb, fwy = make_channel("dingtalk", "nlb", "nlb"), make_channel("wecom", "fwy", "fwy")
    day = Q3.deadline - timedelta(days=5)
    _run(day, django_capture_on_commit_callbacks)
    reminder = ChannelMessage.objects.get(channel=nlb, kind="reminder")
    assert reminder.key == f"reminder:2011-3:nlb:{day.isoformat()}"
    assert reminder.state == "sent"
    text = robot.sent_to("nlb")[0]["body"]["markdown"]["text"]
    assert text.startswith("#### 填报提醒：")
    assert "还剩 5 天" in text
    assert "市农领办" in text
    assert "黑山县主导产业集群（待定）" in text
    assert f"({SITE}/figures/entry/)" in text
    assert ChannelMessage.objects.filter(channel=fwy, kind="reminder").exists()


def test_a_second_run_the_same_day_queues_and_sends_nothing_more(robot, make_channel,
                                                                 django_capture_on_commit_callbacks):
    make_channel("dingtalk", "nlb", "nlb")
    make_channel("wecom", "city", None)
    day = Q3.deadline - timedelta(days=1)
    _run(day, django_capture_on_commit_callbacks)
    count, sent = ChannelMessage.objects.count(), len(robot.received)
    _run(day, django_capture_on_commit_callbacks)
    assert (ChannelMessage.objects.count(), len(robot.received)) == (count, sent)
    assert count >= 2


def test_after_the_deadline_departments_get_an_overdue_notice_and_planners_a_digest(
    robot, make_channel, django_capture_on_commit_callbacks
):
    nlb, city = make_channel("dingtalk", "nlb", "nlb"), make_channel("wecom", "city", None)
    figure("heishan-main", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    _run(Q3.deadline + timedelta(days=1), django_capture_on_commit_callbacks)
    overdue = ChannelMessage.objects.get(channel=nlb, kind="overdue")
    assert overdue.title == f"逾期通知：{Q3.label}数据已于 {Q3.deadline.isoformat()} 截止"
    digest = robot.sent_to("city")[0]["body"]["markdown"]["content"]
    assert "- 待审核：1" in digest
    assert f"({SITE}/figures/review/)" in digest
    assert not ChannelMessage.objects.filter(channel=city, kind="overdue").exists()


def test_a_returned_figure_is_told_to_its_department_with_the_reason(
    robot, make_channel, planner, django_capture_on_commit_callbacks
):
    nlb, fwy = make_channel("wecom", "nlb", "nlb"), make_channel("wecom", "fwy", "fwy")
    submitted = figure("heishan-main", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        figures.figure_return(user=planner, figure_id=submitted.pk, expected_version=submitted.version,
                              reason="产值与上季度相差过大，请核实")
    [message] = ChannelMessage.objects.filter(kind="returned")
    assert message.channel == nlb
    assert message.state == "sent"
    text = robot.sent_to("nlb")[0]["body"]["markdown"]["content"]
    assert "产值与上季度相差过大，请核实" in text
    assert f"({SITE}/figures/{submitted.pk}/)" in text
    assert robot.sent_to("fwy") == []
    assert not ChannelMessage.objects.filter(channel=fwy).exists()


def test_messages_are_short_enough_for_wecom(robot, make_channel, django_capture_on_commit_callbacks):
    make_channel("wecom", "nlb", "nlb")
    _run(Q3.deadline - timedelta(days=5), django_capture_on_commit_callbacks)
    assert robot.refused == []  # the stand-in refuses content over WeCom's 4096 bytes
    assert all(len(m.text.encode()) < 2000 for m in ChannelMessage.objects.all())
