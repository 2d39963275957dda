"""Fixtures for the API tests: users of every role, token clients, demo data rolled up."""
from types import SimpleNamespace

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from org.models import User


@pytest.fixture
def api():
    """A DRF test client; `api.as_(user)` authenticates by token, `api.as_(None)` sends no credentials."""
    client = APIClient()

    def as_(user: User | None) -> APIClient:
        client.credentials()
        client.logout()
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    client.as_ = as_
    return client


@pytest.fixture
def roles(make_user) -> SimpleNamespace:
    """One user per role of the permission matrix, around 市农领办 (nlb), which owns the four county clusters.

    editor_own edits 黑山县's cluster; editor_other (市服务业委) neither edits nor sees it; viewer (nlb) sees it;
    api_client (nlb) reads what nlb may see; api_city (no department) reads the whole city.
    """
    return SimpleNamespace(
        planner=make_user(User.Role.PLANNER, "jxw", username="t-planner"),
        editor_own=make_user(User.Role.EDITOR, "nlb", username="t-editor-own"),
        editor_other=make_user(User.Role.EDITOR, "fwy", username="t-editor-other"),
        viewer=make_user(User.Role.VIEWER, "nlb", username="t-viewer"),
        api_client=make_user(User.Role.API_CLIENT, "nlb", username="t-api-nlb"),
        api_city=make_user(User.Role.API_CLIENT, username="t-api-city"),
        anonymous=None,
    )


@pytest.fixture
def demo(db):
    """The demo data (演示数据), rolled up."""
    from plan.demo import demo_load
    from progress.services import rollup_full

    demo_load()
    rollup_full()


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttling counts requests in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
