"""Cookies and sessions under attack: only the session id, the CSRF token and the language ever travel in a
cookie; a session id is new at each sign-in and dead after sign-out; any forged session cookie is a stranger;
and a planner reaches none of the admin's models that grant rights (groups, tokens, lockouts)."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.reporting.support import XLSX

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
HOME = reverse("home")
ALLOWED_COOKIES = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


def _sign_in(client, user) -> None:
    response = client.post(LOGIN, {"username": user.username, "password": "pw-jinzhou-123"})
    assert response.status_code == 302


def test_only_the_session_csrf_and_language_cookies_are_ever_set(client, planner, make_user):
    """A planner's working session: sign in, pages, a token, an upload, the admin, sign out."""
    api_client = make_user("api_client")
    seen: set[str] = set()
    responses = [client.get(LOGIN), client.post(LOGIN, {"username": planner.username, "password": "pw-jinzhou-123"})]
    for path in (HOME, reverse("city-dashboard"), reverse("ranking-page"), reverse("tokens"), reverse("admin:index"),
                 reverse("admin:org_user_changelist")):
        responses.append(client.get(path))
    responses.append(client.post(reverse("tokens"), {"user": api_client.pk, "action": "issue"}))
    responses.append(client.get(reverse("tokens")))
    responses.append(client.post(reverse("figure-import"), {"file": _upload(b"not a workbook")}))
    responses.append(client.post(reverse("set_language"), {"language": "en", "next": HOME}))
    responses.append(client.post(reverse("logout")))
    for response in responses:
        seen |= set(response.cookies)
        session = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if session is not None and session.value:
            assert session["httponly"]
            assert session["samesite"] == "Lax"
    assert seen <= ALLOWED_COOKIES, seen - ALLOWED_COOKIES


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("figures.xlsx", content, content_type=XLSX)


def test_a_sign_in_gets_a_new_session_id_and_a_sign_out_kills_it(client, agri_editor):
    client.get(LOGIN)
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    _sign_in(client, agri_editor)
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in != before  # a session id planted before the sign-in is worth nothing after it
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=signed_in).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in  # replayed after the sign-out
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# What a real request can carry: the Cookie header's bytes, which WSGI hands over decoded as latin-1 (PEP 3333).
SESSION_IDS = st.one_of(
    st.binary(max_size=64).map(lambda raw: raw.decode("latin-1")),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=32, max_size=32),
    st.sampled_from(["", " ", "' OR '1'='1", "../../etc/passwd", "x" * 10_000, "\x00", "a" * 31 + "\x00", "%00",
                     "a;b=c", "²³".encode().decode("latin-1")]),
)


@hypothesis_settings(max_examples=100, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=SESSION_IDS)
def test_a_forged_session_cookie_is_a_stranger(client, value):
    client.cookies[settings.SESSION_COOKIE_NAME] = value
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("changelist", ["admin:auth_group_changelist", "admin:authtoken_tokenproxy_changelist",
                                        "admin:axes_accessattempt_changelist", "admin:axes_accesslog_changelist"])
def test_a_planner_reaches_no_admin_model_that_grants_rights(client, planner, changelist):
    client.force_login(planner)
    assert client.get(reverse(changelist)).status_code == 403
    assert client.get(reverse(changelist.replace("changelist", "add"))).status_code == 403


@pytest.mark.parametrize("login", [LOGIN, reverse("admin:login")])
@pytest.mark.parametrize("username", ["x" * 151, "x" * 10_000, "a\x00b", "²³", "' OR 1=1 --"])
def test_an_odd_user_name_is_a_failed_sign_in_not_an_error(client, agri_editor, login, username):
    response = client.post(login, {"username": username, "password": "pw-jinzhou-123"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated

