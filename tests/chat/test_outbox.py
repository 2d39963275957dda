"""The work-chat outbox: a message is a row first, sent once after commit, retried with backoff and given up
after a bounded number of attempts, spaced to the robot's rate; one failing channel does not hold the others."""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from chat import services, tasks
from chat.models import ChannelMessage

pytestmark = pytest.mark.django_db


def _queue(channels, key="reminder:2011-3:nlb:2011-10-10", capture=None):
    def queue():
        return services.message_queue(key=key, kind="reminder", channels=channels, title="填报提醒",
                                      text="#### 填报提醒\n农领办：3 个填报单位尚未提交。")
    if capture is None:
        return queue()
    with capture(execute=True):
        return queue()


def test_a_message_is_sent_after_commit(robot, make_channel, django_capture_on_commit_callbacks):
    channel = make_channel("dingtalk")
    [message] = _queue([channel], capture=django_capture_on_commit_callbacks)
    message.refresh_from_db()
    channel.refresh_from_db()
    assert message.state == "sent"
    assert message.attempts == 1
    assert channel.last_sent_at == message.sent_at
    assert [r["body"]["markdown"]["title"] for r in robot.received] == ["填报提醒"]


def test_queueing_twice_adds_nothing_and_sending_twice_sends_once(robot, make_channel,
                                                                  django_capture_on_commit_callbacks):
    channel = make_channel("wecom")
    [message] = _queue([channel], capture=django_capture_on_commit_callbacks)
    assert _queue([channel], capture=django_capture_on_commit_callbacks) == []
    assert services.message_send(message_id=message.pk).sent is False
    tasks.chat_message_send_task.apply((message.pk,))
    assert services.messages_sweep() == 0
    assert ChannelMessage.objects.count() == 1
    assert len(robot.received) == 1


def test_nothing_is_published_before_commit(robot, make_channel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _queue([make_channel("wecom")])
    assert robot.received == []
    assert len(callbacks) == 1


def test_a_failure_is_retried_after_a_backoff(robot, make_channel, settings):
    settings.CHAT_RETRY_BASE_SECONDS = 30
    robot.modes["main"] = "500"
    [message] = _queue([make_channel("wecom")])
    before = timezone.now()
    outcome = services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (outcome.sent, message.attempts, message.state) == (False, 1, "pending")
    assert 29 <= outcome.wait <= 31
    assert message.next_attempt_at >= before + timedelta(seconds=29)
    assert "HTTP 502" in message.last_error
    # not due yet: nothing is tried
    assert services.message_send(message_id=message.pk).sent is False
    assert services.messages_sweep() == 0
    message.refresh_from_db()
    assert message.attempts == 1
    # due: tried again, and the robot is back
    robot.modes["main"] = "ok"
    ChannelMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.messages_sweep() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, "")


def test_the_backoff_doubles_and_is_capped(settings):
    settings.CHAT_RETRY_BASE_SECONDS, settings.CHAT_RETRY_MAX_SECONDS = 30, 100
    assert [services._backoff(n) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_retries_are_bounded_and_the_last_error_is_kept(robot, make_channel, settings):
    settings.CHAT_RETRY_BASE_SECONDS, settings.CHAT_MAX_ATTEMPTS = 0, 3
    robot.modes["main"] = "errcode"
    channel = make_channel("dingtalk")
    [message] = _queue([channel])
    for _ in range(6):
        services.messages_sweep()
    message.refresh_from_db()
    channel.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 3)
    assert message.last_error.startswith("errcode 130101")
    assert channel.last_error == message.last_error
    assert channel.last_attempts == 3
    assert channel.last_sent_at is None


def test_a_refusal_that_will_not_pass_is_given_up_at_once(robot, make_channel):
    robot.modes["main"] = "404"
    [message] = _queue([make_channel("wecom")])
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 1)


def test_a_timeout_is_a_failure_to_retry(robot, make_channel):
    robot.modes["main"] = "timeout"
    [message] = _queue([make_channel("wecom")])
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.last_error) == ("pending", "timeout after 0.5 s")


def test_a_failing_channel_does_not_stop_the_others(robot, make_channel, django_capture_on_commit_callbacks):
    robot.modes["down"] = "500"
    down, wecom, dingtalk = make_channel("wecom", "down"), make_channel("wecom"), make_channel("dingtalk")
    _queue([down, wecom, dingtalk], capture=django_capture_on_commit_callbacks)
    states = {m.channel_id: m.state for m in ChannelMessage.objects.all()}
    assert states == {down.pk: "pending", wecom.pk: "sent", dingtalk.pk: "sent"}
    assert sorted(r["kind"] for r in robot.received) == ["dingtalk", "wecom"]


def test_a_robot_gets_no_more_than_its_rate(robot, make_channel, settings):
    settings.CHAT_RATE_PER_MINUTE = 2
    channel, other = make_channel("wecom"), make_channel("wecom", "other")
    for n in range(3):
        _queue([channel, other], key=f"k{n}")
    assert services.messages_sweep() == 4  # two each
    waiting = ChannelMessage.objects.get(sent_at__isnull=True, channel=channel)
    assert waiting.attempts == 0
    assert timezone.now() + timedelta(seconds=50) < waiting.next_attempt_at <= timezone.now() + timedelta(seconds=61)
    assert len(robot.sent_to("main")) == 2
    assert len(robot.sent_to("other")) == 2
    # a minute later the robot takes it
    ChannelMessage.objects.filter(channel=channel).update(attempted_at=timezone.now() - timedelta(seconds=61))
    ChannelMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())
    assert services.messages_sweep() == 1


def test_a_waiting_message_is_published_again_with_a_countdown_by_a_worker(robot, make_channel, monkeypatch):
    robot.modes["main"] = "500"
    [message] = _queue([make_channel("wecom")])
    ChannelMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    published = []
    monkeypatch.setattr(tasks.chat_message_send_task, "apply_async",
                        lambda args, countdown=None, **kw: published.append((args, countdown)))
    tasks.chat_message_send_task(message.pk)  # eager publishing (tests, a bare machine): left to the sweep
    assert published == []
    conf = tasks.chat_message_send_task.app.conf
    conf.task_always_eager = False
    try:
        tasks.chat_message_send_task(message.pk)  # called as a worker calls it, publishing to a broker
    finally:
        conf.task_always_eager = True
    assert published == [((message.pk,), pytest.approx(30, abs=2))]


def test_an_unreachable_broker_leaves_the_message_to_the_sweep(robot, make_channel, monkeypatch, caplog,
                                                                django_capture_on_commit_callbacks):
    def down(*args, **kwargs):
        raise OperationalError("redis down")

    monkeypatch.setattr(tasks.chat_message_send_task, "apply_async", down)
    [_message] = _queue([make_channel("wecom")], capture=django_capture_on_commit_callbacks)
    assert "left to the sweep" in caplog.text
    assert robot.received == []
    assert services.messages_sweep() == 1


def test_a_message_whose_row_is_gone_is_not_sent(robot, caplog):
    caplog.set_level(logging.INFO)
    assert services.message_send(message_id=2_000_000_000).sent is False
    assert "2000000000" in caplog.text
