"""CSRF everywhere: every URL in the URLconf refuses a POST without the token, pages and API alike, for a
signed-in planner (who could otherwise do anything) and for an anonymous visitor (the login form).

Only requests authenticated by an API token skip the check: a token is not sent by a browser on its own.
"""
import pytest
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import reverse
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token

from org.models import User

from .conftest import World
from .urlconf import endpoints

CSRF_REFUSED = "csrf-refused"


def csrf_refused(request, reason=""):
    return HttpResponseForbidden(f"{CSRF_REFUSED}: {reason}")


@pytest.fixture(autouse=True)
def _marked_csrf_failure(settings):
    settings.CSRF_FAILURE_VIEW = "tests.security.test_csrf.csrf_refused"


def _without_session(endpoint) -> bool:
    """An API view that ignores the session (the schema, its docs, the JSON 404): a POST does nothing."""
    view_class = getattr(endpoint.callback, "cls", None)
    return view_class is not None and not any(
        issubclass(auth, SessionAuthentication) for auth in view_class().authentication_classes)


def _post_everywhere(client: Client, world: World) -> list[str]:
    filler = world.filler()
    problems = []
    for endpoint in endpoints():
        for path in filler.paths(endpoint, "own"):
            response = client.post(path, {"anything": "1"})
            body = response.content.decode(errors="replace")
            refused = response.status_code == 403 and (CSRF_REFUSED in body or "CSRF Failed" in body)
            if not (refused or (_without_session(endpoint) and response.status_code in (404, 405))):
                problems.append(f"POST {path} [{endpoint.name}] -> {response.status_code}")
    return problems


@pytest.mark.parametrize("role", ["planner", "editor_a"])
def test_every_url_refuses_a_post_without_the_token(world: World, role: str):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[role])
    problems = _post_everywhere(client, world)
    assert not problems, "accepted without a CSRF token:\n  " + "\n  ".join(problems)


def test_anonymous_posts_need_the_token_too(world: World):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "sweep-planner", "password": "pw-jinzhou-123"})
    assert response.status_code == 403
    assert CSRF_REFUSED in response.content.decode()


def test_no_view_is_csrf_exempt():
    exempt = [e.label for e in endpoints() if getattr(e.callback, "csrf_exempt", False) and not e.is_api]
    assert not exempt


def test_the_api_with_a_session_needs_the_token(world: World, agri_editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["planner"])
    response = client.post("/api/v1/figures/1/approve/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_api_with_a_token_does_not(world: World):
    token = Token.objects.create(user=world.users["planner"])
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/figures/999999/approve/", {}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 404  # reached the view: no such figure


def test_a_post_with_the_token_is_accepted(client, world: World):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("login"), {"username": "sweep-planner", "password": "pw-jinzhou-123",
                                              "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert User.objects.get(username="sweep-planner").last_login is not None
