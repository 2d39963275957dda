"""Passwords must resist guessing; sessions end after a fixed age, after idleness, and at browser close."""
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from org.models import SecurityEvent, User

HOME = reverse("home")
LOGIN = reverse("login")


# --- passwords ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "why"), [
    ("Kx7#pq2", "too short"),
    ("password1234", "too common"),
    ("4815162342108", "entirely numeric"),
    ("zhang.wei.nlb", "too similar to the user name"),
])
def test_weak_passwords_are_refused(password: str, why: str):
    user = User(username="zhang.wei.nlb", email="zhang.wei@nlb.example.gov.cn")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted():
    validate_password("liaoning-bohai-7319", User(username="zhang.wei.nlb"))


def test_the_minimum_length_is_ten_by_default():
    minimum = next(v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator"))
    assert minimum["OPTIONS"]["min_length"] == 10


def test_the_admin_password_form_applies_the_validators(client, planner, agri_editor):
    client.force_login(planner)
    url = reverse("admin:auth_user_password_change", args=[agri_editor.pk])
    response = client.post(url, {"password1": "123456", "password2": "123456", "usable_password": "true"})
    assert response.status_code == 200  # the form again, with the reasons
    agri_editor.refresh_from_db()
    assert not agri_editor.check_password("123456")


# --- sessions -------------------------------------------------------------------------------------------

def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_IDLE_TIMEOUT == 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def _signed_in(client, user, *, started_ago: int, seen_ago: int) -> None:
    client.force_login(user)
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_SEEN_KEY] = now - seen_ago
    session.save()


def test_a_fresh_session_is_served(client, agri_editor):
    _signed_in(client, agri_editor, started_ago=60, seen_ago=60)
    assert client.get(HOME).status_code == 200


def test_a_session_older_than_its_age_is_sent_to_login(client, agri_editor):
    _signed_in(client, agri_editor, started_ago=settings.SESSION_COOKIE_AGE + 1, seen_ago=10)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind="logout", user=agri_editor, details__reason="expired").exists()


def test_an_idle_session_is_sent_to_login(client, agri_editor):
    _signed_in(client, agri_editor, started_ago=7200, seen_ago=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind="logout", user=agri_editor, details__reason="idle").exists()


def test_each_request_keeps_an_active_session_alive(client, agri_editor):
    _signed_in(client, agri_editor, started_ago=7200, seen_ago=settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get(HOME).status_code == 200
    assert time.time() - client.session[SESSION_SEEN_KEY] < 60


def test_a_session_the_store_has_expired_is_sent_to_login(client, agri_editor):
    client.force_login(agri_editor)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_session_cookie_ends_with_the_browser(client, agri_editor):
    response = client.post(LOGIN, {"username": agri_editor.username, "password": "pw-jinzhou-123"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
