"""No secret travels in a cookie.

A new API key is shown once, from the server-side session, on the page the planner is sent to; no
Set-Cookie of the issuing request or of that page holds it, the messages cookie (decoded) included.
(`Cache-Control: private, no-store` on every signed-in response: tests/security/test_url_sweep.py for every page
and export, tests/api/test_private_responses.py for the API by token.)
"""
import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from org.models import User

pytestmark = pytest.mark.django_db
TOKENS = reverse("tokens")


def _cookie_texts(response) -> list[str]:
    """Every Set-Cookie of `response` as sent, and the messages cookie decoded as Django would read it."""
    texts = [morsel.OutputString() for morsel in response.cookies.values()]
    messages = response.cookies.get(CookieStorage.cookie_name)
    if messages is not None and messages.value:
        storage = CookieStorage(RequestFactory().get("/"))
        texts += [str(message) for message in storage._decode(messages.value) or []]
    return texts


def test_a_new_api_key_is_shown_once_and_never_set_in_a_cookie(client, planner, make_user):
    api_client = make_user(User.Role.API_CLIENT, username="dashboard")
    client.force_login(planner)
    issued = client.post(TOKENS, {"user": api_client.pk, "action": "issue"})
    assert issued.status_code == 302
    key = Token.objects.get(user=api_client).key
    shown = client.get(issued["Location"])
    assert key in shown.content.decode()
    assert not any(key in text for response in (issued, shown) for text in _cookie_texts(response))
    assert not any(key in morsel.value for morsel in client.cookies.values())
    assert key not in client.get(TOKENS).content.decode()  # once


def test_no_message_travels_in_a_cookie(client, planner, make_user):
    api_client = make_user(User.Role.API_CLIENT)
    Token.objects.create(user=api_client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(planner)
    response = client.post(TOKENS, {"user": api_client.pk, "action": "revoke"})
    assert CookieStorage.cookie_name not in response.cookies
    assert "is revoked" in client.get(TOKENS).content.decode()
