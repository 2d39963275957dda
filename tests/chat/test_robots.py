"""The wire: each robot gets exactly what its documented webhook API asks for, and each answer is read as
that API means it (a non-zero errcode is a failure even with HTTP 200)."""
import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from chat import robots

from .conftest import DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY

pytestmark = pytest.mark.django_db


def test_the_dingtalk_signature_is_the_documented_one():
    # DingTalk's documentation: sign = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\n{secret}")))
    expected = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    url = robots.dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=")
    assert parse_qs(urlsplit(url).query)["sign"] == [expected]
    assert "+" not in url.split("sign=")[1]
    assert "/" not in url.split("sign=")[1]


def test_a_signed_dingtalk_markdown_message_is_accepted(robot, make_channel):
    answer = robots.deliver(make_channel("dingtalk"), title="填报提醒", text="#### 填报提醒\n正文")
    assert answer.ok, answer
    [request] = robot.received
    assert request["body"] == {"msgtype": "markdown", "markdown": {"title": "填报提醒", "text": "#### 填报提醒\n正文"}}
    assert robot.refused == []


def test_a_wecom_markdown_message_is_accepted(robot, make_channel):
    answer = robots.deliver(make_channel("wecom"), title="填报提醒", text="#### 填报提醒\n正文")
    assert answer.ok, answer
    assert robot.received[0]["body"] == {"msgtype": "markdown", "markdown": {"content": "#### 填报提醒\n正文"}}


def test_a_wrong_signature_is_refused_by_the_robot(robot, make_channel):
    channel = make_channel("dingtalk")
    channel.secret = "SEC-not-the-robots-secret"
    answer = robots.deliver(channel, title="t", text="x")
    assert (answer.ok, answer.retry) == (False, True)
    assert "errcode 310000" in answer.detail
    assert robot.refused == ["sign not match"]


@pytest.mark.parametrize(("mode", "retry", "detail"), [
    ("errcode", True, "errcode 130101"),
    ("500", True, "HTTP 502"),
    ("404", False, "HTTP 404"),
    ("timeout", True, "timeout after 0.5 s"),
])
def test_failures_say_what_the_service_answered_and_whether_to_try_again(robot, make_channel, mode, retry, detail):
    robot.modes["main"] = mode
    for kind in ("dingtalk", "wecom"):
        answer = robots.deliver(make_channel(kind), title="t", text="x")
        assert (answer.ok, answer.retry) == (False, retry)
        assert detail in answer.detail
        for secret in (DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY):
            assert secret not in answer.detail


def test_an_unreachable_robot_is_a_temporary_failure(make_channel, robot):
    channel = make_channel("wecom")
    channel.url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=" + WECOM_KEY
    answer = robots.deliver(channel, title="t", text="x")
    assert (answer.ok, answer.retry) == (False, True)
    assert answer.detail.startswith("connection failed")
    assert WECOM_KEY not in answer.detail


def test_an_email_channel_sends_a_mail(make_channel, mailoutbox):
    answer = robots.deliver(make_channel("email", "nlb-group"), title="填报提醒", text="正文")
    assert answer.ok
    assert [(m.subject, m.to) for m in mailoutbox] == [("填报提醒", ["nlb-group@example.gov.cn"])]


def test_a_channel_whose_key_is_gone_is_a_failure_not_to_retry(make_channel, robot, settings):
    channel = make_channel("wecom")
    settings.CHAT_SECRETS_KEYS = ["a-key-the-channel-was-not-encrypted-with"]
    answer = robots.deliver(channel, title="t", text="x")
    assert (answer.ok, answer.retry) == (False, False)
    assert "cannot be decrypted" in answer.detail
    assert robot.received == []
