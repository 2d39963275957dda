"""The token page (planners issue and revoke), drf_create_token, the schema and docs, /healthz."""
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from rest_framework.authtoken.models import Token

from org.models import User

pytestmark = pytest.mark.django_db


# --- tokens ------------------------------------------------------------------------------------------

def test_drf_create_token_gives_a_working_token(api, make_user):
    make_user(User.Role.API_CLIENT, username="dashboard")
    out = io.StringIO()
    call_command("drf_create_token", "dashboard", stdout=out)
    key = Token.objects.get(user__username="dashboard").key
    assert key in out.getvalue()
    response = api.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_planners_list_users_with_their_token_presence(client, roles):
    Token.objects.create(user=roles.api_city)
    client.force_login(roles.planner)
    response = client.get("/tokens/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "t-api-city" in page
    assert "t-api-nlb" in page
    assert page.count('value="revoke"') == 1


def test_a_planner_issues_and_revokes_a_token(client, api, roles):
    client.force_login(roles.planner)
    response = client.post("/tokens/", {"user": roles.api_client.pk, "action": "issue"}, follow=True)
    key = Token.objects.get(user=roles.api_client).key
    assert key in response.content.decode()  # shown once, in the message
    assert api.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    client.post("/tokens/", {"user": roles.api_client.pk, "action": "issue"})
    replaced = Token.objects.get(user=roles.api_client).key
    assert replaced != key
    assert api.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401

    client.post("/tokens/", {"user": roles.api_client.pk, "action": "revoke"})
    assert not Token.objects.filter(user=roles.api_client).exists()
    assert api.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {replaced}").status_code == 401


@pytest.mark.parametrize("role", ["editor_own", "viewer", "api_client"])
def test_only_planners_reach_the_token_page(client, roles, role):
    client.force_login(getattr(roles, role))
    assert client.get("/tokens/").status_code == 403
    assert client.post("/tokens/", {"user": roles.api_client.pk, "action": "issue"}).status_code == 403
    assert not Token.objects.exists()


def test_anonymous_is_sent_to_login_from_the_token_page(client):
    response = client.get("/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_token_forms_need_csrf(roles):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(roles.planner)
    assert strict.post("/tokens/", {"user": roles.api_client.pk, "action": "issue"}).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in strict.get("/tokens/").content.decode()


def test_a_bad_token_form_is_400(client, roles):
    client.force_login(roles.planner)
    assert client.post("/tokens/", {"user": "x", "action": "steal"}).status_code == 400


# --- schema and docs ---------------------------------------------------------------------------------

def test_the_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_schema_is_served_to_anyone(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/figures/{id}/approve/" in schema["paths"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code", "errors"]


def test_every_field_of_every_response_is_described(api):
    schemas = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    undescribed = [
        f"{name}.{field}"
        for name, schema in schemas.items() if not name.startswith("Paginated") and "properties" in schema
        for field, spec in schema["properties"].items()
        if not (spec.get("description") or "$ref" in spec or spec.get("allOf") or spec.get("oneOf"))
    ]
    assert undescribed == []


def test_swagger_ui_is_served_from_our_static_files_not_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page
    from django.contrib.staticfiles import finders

    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name


# --- health ------------------------------------------------------------------------------------------

def test_health_reports_database_and_broker(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


def test_health_with_an_unreachable_broker_is_degraded_but_200(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unavailable"
    assert response.json()["status"] == "degraded"


def test_health_without_a_database_is_503(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("core.api.health.connection.cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "eager"}


@pytest.mark.services
def test_health_sees_a_running_redis(client, settings):
    import os

    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis here")
    settings.REDIS_URL = url
    assert client.get("/healthz").json()["broker"] == "ok"
