"""One error shape for every 4xx, translated messages, and no 5xx for anything a client can send."""
import pytest
from django.db import IntegrityError
from django.db.models import ProtectedError
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import UserRateThrottle

from clusters.models import Cluster
from core.api.exceptions import api_exception_handler
from core.exceptions import VersionConflict
from tests.factories import QuarterlyFigureFactory

pytestmark = pytest.mark.django_db

LISTS = ["departments", "regions", "clusters", "figures", "goals", "progress", "parks", "projects", "inflows",
         "funds", "disbursements", "ranking", "scenarios"]
GARBAGE = ["abc", "-1", "0", "1.5", "NaN", "Infinity", str(2**64), "\x00", "' OR 1=1 --", "🙂"]


def _query_parameters(endpoint: str) -> list[str]:
    """The query parameters the schema documents for this list endpoint."""
    from drf_spectacular.generators import SchemaGenerator

    schema = getattr(_query_parameters, "schema", None) or SchemaGenerator().get_schema(public=True)
    _query_parameters.schema = schema
    operation = schema["paths"][f"/api/v1/{endpoint}/"]["get"]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


@pytest.mark.parametrize("endpoint", LISTS)
def test_garbage_in_any_query_parameter_is_never_a_server_error(api, roles, endpoint):
    client = api.as_(roles.editor_own)
    params = _query_parameters(endpoint)
    assert "page" in params
    for param in params:
        for value in GARBAGE:
            response = client.get(f"/api/v1/{endpoint}/", {param: value})
            assert response.status_code in (200, 400, 404), (param, value, response.status_code)
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"detail", "code", "errors"}, (param, value)


@pytest.mark.parametrize("endpoint", [e for e in LISTS if e not in ("progress", "ranking")])
@pytest.mark.parametrize("pk", ["0", "-1", str(2**63), str(2**64), "9" * 40, "abc", "1.5", "%00", "null"])
def test_garbage_ids_are_404_in_the_error_shape(api, roles, endpoint, pk):
    response = api.as_(roles.planner).get(f"/api/v1/{endpoint}/{pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found", "errors": {}}


def test_unknown_api_paths_are_a_json_404(api, roles):
    for path in ("/api/v1/nothing/", "/api/v1/figures/1/2/3/", "/api/v1/clusters/1.json", "/api/v1/figures"):
        response = api.as_(roles.planner).get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_messages_are_chinese_by_default_and_english_on_request(api, roles):
    client = api.as_(roles.planner)
    zh = client.get("/api/v1/figures/", {"year": "abc"}).json()
    en = client.get("/api/v1/figures/", {"year": "abc"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh == {"detail": "无效的输入。", "code": "invalid",
                  "errors": {"year": ["“abc”不是整数（只能使用数字 0–9）。"]}}
    assert en == {"detail": "Invalid input.", "code": "invalid",
                  "errors": {"year": ["“abc” is not a whole number (digits 0–9)."]}}


def test_errors_are_json_even_when_a_spreadsheet_was_asked_for(api, roles):
    for fmt in ("csv", "xlsx"):
        response = api.as_(roles.planner).get("/api/v1/figures/", {"year": "abc", "format": fmt})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json()["errors"] == {"year": ["“abc”不是整数（只能使用数字 0–9）。"]}


def test_anonymous_is_401_with_a_token_challenge(api):
    response = api.as_(None).get("/api/v1/clusters/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "身份认证信息未提供。", "code": "not_authenticated", "errors": {}}


def test_a_wrong_token_is_401(api):
    response = api.get("/api/v1/clusters/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")


def test_throttled_requests_get_429_with_retry_after(api, roles, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "2/minute", raising=False)
    client = api.as_(roles.api_city)
    assert [client.get("/api/v1/regions/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/regions/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_default_throttle_rates_are_set_and_generous():
    from django.conf import settings

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"anon", "user"}
    number, period = rates["user"].split("/")
    assert int(number) >= 1000
    assert period == "minute"


# --- the handler's translations, which requests cannot easily provoke ----------------------------------

def _handle(exc):
    request = APIRequestFactory().get("/api/v1/figures/")
    return api_exception_handler(exc, {"request": request, "view": None})


def test_protected_error_is_409():
    response = _handle(ProtectedError("referenced", set()))
    assert (response.status_code, response.data["code"]) == (409, "protected")


def test_integrity_error_is_409():
    response = _handle(IntegrityError("duplicate key"))
    assert (response.status_code, response.data["code"]) == (409, "integrity")
    assert "duplicate" not in response.data["detail"]


def test_version_conflict_is_409_with_the_current_version():
    figure = QuarterlyFigureFactory(cluster=Cluster.objects.get(code="pv"), version=7)
    response = _handle(VersionConflict(figure))
    assert response.status_code == 409
    assert response.data["current_version"] == 7


def test_a_bug_is_left_to_django_as_500():
    assert _handle(RuntimeError("bug")) is None


def test_the_api_s_own_messages_are_translated(api, roles):
    client = api.as_(roles.api_client)
    zh = client.post("/api/v1/figures/", {}, format="json").json()["detail"]
    en = client.post("/api/v1/figures/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert (zh, en) == ("您的角色只能查看数据。", "Your role may only read.")


# --- a bug under production settings ----------------------------------------------------------------------

@pytest.fixture
def production_like(settings, monkeypatch):
    """DEBUG off and exceptions not propagated, as in production; a list view with a bug in it."""
    from org.api.views import RegionViewSet

    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug with a secret in its message")

    monkeypatch.setattr(RegionViewSet, "list", broken)


def test_an_api_500_under_production_settings_is_json_in_the_error_shape(roles, production_like):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(roles.planner)
    response = client.get("/api/v1/regions/", HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (set(body), body["code"], body["errors"]) == ({"detail", "code", "errors"}, "server_error", {})
    assert "secret" not in response.content.decode()


def test_outside_the_api_a_500_stays_django_s_html_page(rf):
    from core.unavailable import server_error

    try:
        raise RuntimeError("bug")
    except RuntimeError:
        response = server_error(rf.get("/figures/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
