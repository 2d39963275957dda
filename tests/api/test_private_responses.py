"""Every answer to an API token, data, downloads and refusals alike, is `Cache-Control: private, no-store`;
the conditional lists keep their ETag (a client that kept one still gets 304)."""
import pytest

from tests.caching import cache_directives, kept_private

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/api/v1/clusters/", "/api/v1/clusters/?format=csv", "/api/v1/clusters/?format=xlsx", "/api/v1/progress/",
    "/api/v1/clusters/999999/", "/api/v1/no-such-endpoint/", "/api/schema/",
])
def test_every_answer_to_an_api_token_is_private_and_not_stored(api, roles, path):
    response = api.as_(roles.api_client).get(path)
    assert response.status_code < 500
    assert kept_private(response)


def test_a_refused_token_is_not_stored_either(api):
    response = api.get("/api/v1/clusters/", HTTP_AUTHORIZATION="Token not-a-key")
    assert response.status_code == 401
    assert kept_private(response)


def test_a_conditional_list_still_answers_304_to_a_client_that_kept_its_etag(api, roles):
    client = api.as_(roles.planner)
    first = client.get("/api/v1/progress/")
    assert {"private", "no-store", "no-cache"} <= cache_directives(first)
    assert client.get("/api/v1/progress/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
