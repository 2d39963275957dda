"""Pages default to Simplified Chinese whatever the browser asks; an explicit choice wins; the API negotiates."""
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_chinese_pages(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in page.content.decode()


def test_choosing_english_sticks(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page["Content-Language"] == "en"


def test_api_follows_accept_language(client):
    answer = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer["Content-Language"] == "en"
