"""A lost database connection answers 503 "please try again" (core/unavailable.py), not a bare 500:
the bilingual page for the browser, the API's error shape under /api/, with Retry-After."""
import json

import pytest
from django.contrib.auth.views import LoginView
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory
from rest_framework.views import APIView

from core.unavailable import server_error


def _handled(path: str, exc: Exception):
    try:
        raise exc
    except type(exc):
        return server_error(RequestFactory().get(path))


@pytest.mark.parametrize("exc", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_a_lost_connection_gets_the_bilingual_try_again_page(exc):
    response = _handled("/figures/entry/", exc)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "请重试" in response.content.decode()
    assert "Please try again" in response.content.decode()


def test_the_api_gets_its_error_shape():
    response = _handled("/api/v1/figures/1/approve/", OperationalError("server closed the connection"))
    body = json.loads(response.content)
    assert (response.status_code, body["code"], body["errors"]) == (503, "database_unavailable", {})
    assert "please try again" in body["detail"]


def test_any_other_error_stays_a_500():
    assert _handled("/", ValueError("a bug")).status_code == 500


@pytest.mark.django_db
def test_handler500_is_installed_for_pages_and_the_api(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(LoginView, "get", unreachable)
    monkeypatch.setattr(APIView, "initial", unreachable)
    client = Client(raise_request_exception=False)
    page, api = client.get("/accounts/login/"), client.get("/api/v1/progress/")
    assert (page.status_code, api.status_code) == (503, 503)
    assert "请重试" in page.content.decode()
    assert api.json()["code"] == "database_unavailable"


@pytest.mark.django_db
def test_with_debug_on_a_views_database_error_is_the_same_503(monkeypatch, settings):
    """`make run` has DEBUG on, where Django shows its debug page instead of calling handler500."""
    settings.DEBUG = True

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(LoginView, "get", locked)
    response = Client(raise_request_exception=False).get("/accounts/login/")
    assert response.status_code == 503
    assert "请重试" in response.content.decode()
