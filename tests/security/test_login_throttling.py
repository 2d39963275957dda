"""Password guessing: django-axes locks a user name out from one address after LOGIN_FAILURE_LIMIT failures."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from org.models import User

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
PASSWORD = "pw-jinzhou-123"


@pytest.fixture
def person(make_user) -> User:
    return make_user(User.Role.EDITOR, "nlb", username="guessed", is_staff=True)


def _login(client, username: str, password: str, *, ip: str = "10.1.1.1", url: str = LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, username: str, times: int, **kwargs) -> None:
    for _ in range(times):
        assert _login(client, username, "wrong-password", **kwargs).status_code == 200  # the form again


def _lock(client, username: str) -> None:
    """Fail until locked: the attempt that reaches the limit already gets the lockout page."""
    _fail(client, username, settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, username, "wrong-password").status_code == 429


def test_throttling_is_on_with_a_limit_and_a_cool_off():
    assert settings.AXES_ENABLED
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_after_the_limit_even_the_right_password_is_refused_with_a_lockout_page(client, person):
    _fail(client, "guessed", settings.AXES_FAILURE_LIMIT - 1)
    response = _login(client, "guessed", "wrong-password")
    assert response.status_code == 429
    response = _login(client, "guessed", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="locked-out"' in page
    assert "30" in page  # the minutes to wait
    assert "Too many failed sign-ins" in page  # the English line is always there, beside the Chinese one
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_in_chinese(client, person):
    _fail(client, "guessed", settings.AXES_FAILURE_LIMIT - 1)
    page = _login(client, "guessed", "wrong-password").content.decode()
    assert "登录已锁定" in page


def test_the_lockout_is_per_user_name_and_address(client, person, make_user):
    make_user(User.Role.VIEWER, "nlb", username="colleague")
    _lock(client, "guessed")
    assert _login(client, "guessed", PASSWORD).status_code == 429
    assert _login(client, "guessed", PASSWORD, ip="10.2.2.2").status_code == 302  # another computer
    client.logout()
    assert _login(client, "colleague", PASSWORD).status_code == 302  # another user on the same computer


def test_the_admin_login_counts_and_is_locked_too(client, person):
    _fail(client, "guessed", settings.AXES_FAILURE_LIMIT - 1, url=ADMIN_LOGIN)
    assert _login(client, "guessed", "wrong-password", url=ADMIN_LOGIN).status_code == 429
    assert _login(client, "guessed", PASSWORD, url=LOGIN).status_code == 429


def test_a_successful_sign_in_resets_the_count(client, person):
    _fail(client, "guessed", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "guessed", PASSWORD).status_code == 302
    client.logout()
    _fail(client, "guessed", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "guessed", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, person):
    _lock(client, "guessed")
    assert _login(client, "guessed", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31))
    assert _login(client, "guessed", PASSWORD).status_code == 302


def test_the_limit_comes_from_the_settings(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(client, "guessed", 1)
    assert _login(client, "guessed", "wrong-password").status_code == 429
