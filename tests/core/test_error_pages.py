"""403, 404 and 500 are the site's own pages in its layout, in Chinese by default and in English on
request; with DEBUG on (make run) a missing page is still the site's 404 unless DEBUG_404_PAGE is set."""
import pytest
from django.contrib.auth.views import LoginView
from django.test import Client
from django.urls import reverse

from tests.reporting.support import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_client(client, make_user):
    client.force_login(make_user("viewer", "nlb"))
    return client


def test_403_is_the_site_page_in_chinese_with_the_reason(viewer_client):
    response = viewer_client.get(reverse("figure-review-list"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "您无权打开此页面" in page
    assert 'class="top"' in page
    assert "403 Forbidden" not in page


def test_403_in_english(viewer_client):
    english(viewer_client)
    page = viewer_client.get(reverse("figure-review-list")).content.decode()
    assert "You may not open this page" in page


@pytest.mark.parametrize("debug", [False, True])
def test_404_is_the_site_page_whether_debug_is_on_or_off(viewer_client, settings, debug):
    settings.DEBUG = debug
    response = viewer_client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page
    assert 'class="top"' in page
    assert "URLconf" not in page  # not Django's technical page


def test_the_technical_404_only_when_asked_for(viewer_client, settings):
    settings.DEBUG, settings.DEBUG_404_PAGE = True, True
    assert "URLconf" in viewer_client.get("/no-such-page/").content.decode()


def test_the_api_keeps_its_json_404(viewer_client, settings):
    settings.DEBUG = True
    response = viewer_client.get("/api/v1/no-such-endpoint/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_500_is_the_site_page(monkeypatch, settings):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(LoginView, "get", broken)
    response = Client(raise_request_exception=False).get("/accounts/login/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出现错误" in page
    assert 'class="top"' in page
