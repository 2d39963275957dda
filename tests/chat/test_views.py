"""The planners' channel pages: status, add, edit, delete, the test message; department users are refused;
no address token or signing secret appears in a page or in the logs."""
import logging

import pytest
from django.urls import reverse

from chat.models import Channel, ChannelMessage
from org.models import User

from .conftest import DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY

pytestmark = pytest.mark.django_db
LIST = reverse("chat-channel-list")


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


def _secrets_absent(text: str) -> None:
    for secret in (DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY):
        assert secret not in text


def test_the_list_shows_each_channel_masked(planner_client, make_channel, django_assert_max_num_queries):
    make_channel("dingtalk", "nlb", "nlb")
    make_channel("wecom", "city", None)
    make_channel("email", "fwy-group", "fwy")
    with django_assert_max_num_queries(8):
        response = planner_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    _secrets_absent(html)
    assert "access_token=dt-…9999" in html
    assert "fwy-group@example.gov.cn" in html
    assert html.count('class="channel"') == 3


def test_a_planner_adds_a_dingtalk_robot_and_its_secret_is_stored_encrypted(planner_client, robot):
    response = planner_client.post(reverse("chat-channel-add"), {
        "department": "", "kind": "dingtalk", "url": robot.url("dingtalk"), "secret": DINGTALK_SECRET,
        "is_active": "on"})
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.department is None
    assert channel.secret == DINGTALK_SECRET
    assert channel.url == robot.url("dingtalk")
    for column in (channel.url_encrypted, channel.secret_encrypted):
        _secrets_absent(column)
    _secrets_absent(planner_client.get(reverse("chat-channel-edit", args=[channel.pk])).content.decode())


def test_an_address_that_is_not_a_url_is_refused(planner_client):
    response = planner_client.post(reverse("chat-channel-add"), {"kind": "wecom", "url": "ftp://x/y"})
    assert response.status_code == 200
    assert not Channel.objects.exists()
    response = planner_client.post(reverse("chat-channel-add"), {"kind": "wecom", "url": "qyapi.weixin.qq.com"})
    assert response.status_code == 200
    assert not Channel.objects.exists()


def test_editing_with_empty_fields_keeps_the_address_and_the_secret(planner_client, make_channel):
    channel = make_channel("dingtalk", "nlb", "nlb")
    url = channel.url
    response = planner_client.post(reverse("chat-channel-edit", args=[channel.pk]), {
        "department": channel.department_id, "kind": "dingtalk", "url": "", "secret": ""})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.url, channel.secret, channel.is_active) == (url, DINGTALK_SECRET, False)


def test_a_planner_deletes_a_channel(planner_client, make_channel):
    channel = make_channel("wecom")
    assert planner_client.get(reverse("chat-channel-delete", args=[channel.pk])).status_code == 200
    assert planner_client.post(reverse("chat-channel-delete", args=[channel.pk])).status_code == 302
    assert not Channel.objects.exists()


def test_the_test_button_queues_a_message_and_the_page_shows_the_result_on_reload(
    planner_client, make_channel, robot, django_capture_on_commit_callbacks
):
    channel = make_channel("dingtalk")
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(reverse("chat-channel-test", args=[channel.pk]))
    assert response.status_code == 302
    assert ChannelMessage.objects.get().kind == "test"
    assert len(robot.received) == 1
    assert robot.refused == []
    channel.refresh_from_db()
    assert channel.last_sent_at is not None
    assert channel.last_sent_at.astimezone().strftime("%Y-%m-%d") in planner_client.get(LIST).content.decode()


def test_a_channel_that_gives_up_shows_its_last_error(planner_client, make_channel, robot, settings, caplog,
                                                      django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    settings.CHAT_MAX_ATTEMPTS = 1
    robot.modes["main"] = "errcode"
    channel = make_channel("dingtalk")
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(reverse("chat-channel-test", args=[channel.pk]))
    html = planner_client.get(LIST).content.decode()
    assert "errcode 130101" in html
    assert "send too fast" in html
    assert ChannelMessage.objects.get().state == "failed"
    _secrets_absent(html)
    _secrets_absent(caplog.text)  # the request line with the token is not logged either (urllib3 at DEBUG)


@pytest.mark.parametrize("role", [User.Role.EDITOR, User.Role.VIEWER])
def test_department_users_cannot_manage_channels(client, make_user, make_channel, role):
    channel = make_channel("dingtalk", "nlb", "nlb")
    client.force_login(make_user(role, "nlb"))
    for name in ("chat-channel-list", "chat-channel-add"):
        assert client.get(reverse(name)).status_code == 403
    for name in ("chat-channel-edit", "chat-channel-delete"):
        assert client.get(reverse(name, args=[channel.pk])).status_code == 403
        response = client.post(reverse(name, args=[channel.pk]), {"kind": "wecom", "url": "http://x.cn/"})
        assert response.status_code == 403
    assert client.post(reverse("chat-channel-test", args=[channel.pk])).status_code == 403
    assert client.post(reverse("chat-channel-add"), {"kind": "wecom", "url": "http://x.cn/"}).status_code == 403
    assert Channel.objects.count() == 1
    assert not ChannelMessage.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_is_in_chinese_by_default_and_english_on_request(planner_client):
    assert "<h1>工作群渠道</h1>" in planner_client.get(LIST).content.decode()
    planner_client.cookies["django_language"] = "en"
    assert "<h1>Chat channels</h1>" in planner_client.get(LIST).content.decode()


def test_the_pages_have_no_inline_code(planner_client, make_channel):
    from tests.security.test_csp import inline_code

    channel = make_channel("dingtalk")
    for path in (LIST, reverse("chat-channel-add"), reverse("chat-channel-edit", args=[channel.pk]),
                 reverse("chat-channel-delete", args=[channel.pk])):
        response = planner_client.get(path)
        assert response.status_code == 200
        assert inline_code(response.content.decode()) == [], path


def test_the_completeness_page_links_planners_to_the_channels(planner_client, client, make_user):
    assert f'href="{LIST}"' in planner_client.get(reverse("figure-completeness")).content.decode()
    client.force_login(make_user(User.Role.EDITOR, "nlb"))
    assert f'href="{LIST}"' not in client.get(reverse("figure-completeness")).content.decode()
