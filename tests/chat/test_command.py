"""`manage.py channels add | list | test`: for set-up scripts."""
import io

import pytest
from django.core.management import CommandError, call_command

from chat import services
from chat.models import Channel

from .conftest import DINGTALK_SECRET, DINGTALK_TOKEN

pytestmark = pytest.mark.django_db


def _call(*args) -> str:
    out = io.StringIO()
    call_command("channels", *args, stdout=out)
    return out.getvalue()


def test_add_prints_the_new_id(robot):
    out = _call("add", "--department", "nlb", "--kind", "dingtalk", "--url", robot.url("dingtalk"),
                "--secret", DINGTALK_SECRET)
    channel = Channel.objects.get()
    assert out.strip() == str(channel.pk)
    assert (channel.department.code, channel.kind, channel.secret) == ("nlb", "dingtalk", DINGTALK_SECRET)
    assert _call("add", "--city", "--kind", "email", "--url", "planners@example.gov.cn").strip().isdigit()
    assert Channel.objects.filter(department__isnull=True, kind="email").exists()


@pytest.mark.parametrize("args", [
    ("--department", "nope", "--kind", "wecom", "--url", "https://qyapi.weixin.qq.com/x"),
    ("--city", "--kind", "wecom", "--url", "not a url"),
    ("--city", "--kind", "email", "--url", "not-an-address"),
    ("--city", "--kind", "wecom", "--url", "https://qyapi.weixin.qq.com/x", "--secret", "SECx"),
])
def test_add_refuses_what_is_wrong(args):
    with pytest.raises(CommandError):
        _call("add", *args)
    assert not Channel.objects.exists()


def test_list_masks_addresses_and_secrets(make_channel):
    channel = make_channel("dingtalk")
    out = _call("list")
    assert out.startswith(f"{channel.pk}\tnlb\tdingtalk\tactive\t")
    assert DINGTALK_SECRET not in out
    assert DINGTALK_TOKEN not in out
    assert "secret SEC…abcd" in out


def test_test_sends_now(make_channel, robot):
    channel = make_channel("dingtalk")
    assert "sent" in _call("test", str(channel.pk))
    assert len(robot.received) == 1
    assert robot.refused == []


def test_test_fails_with_the_services_answer(make_channel, robot):
    robot.modes["main"] = "errcode"
    channel = make_channel("wecom")
    with pytest.raises(CommandError, match=r"errcode 130101.*send too fast"):
        _call("test", str(channel.pk))
    with pytest.raises(CommandError, match="no channel"):
        _call("test", "999999")


def test_sweep_sends_what_is_due(make_channel, robot):
    services.message_queue(key="k", kind="test", channels=[make_channel("wecom")], title="t", text="x")
    assert _call("sweep").strip() == "1 sent"
    assert _call("sweep").strip() == "0 sent"
