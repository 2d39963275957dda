"""The wire: how one message reaches a channel, following each service's documented webhook API.

- 企业微信群机器人 (WeCom): POST JSON `{"msgtype": "markdown", "markdown": {"content": …}}` to the robot's
  address (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); the answer's `errcode` 0 means sent.
- 钉钉群机器人 (DingTalk): POST JSON `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}` to the
  robot's address (https://oapi.dingtalk.com/robot/send?access_token=…). With 加签, the query also carries
  `timestamp` (milliseconds) and `sign` = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")));
  the answer's `errcode` 0 means sent.
- e-mail: the title as subject, the markdown as plain text, to the channel's address.

A non-zero `errcode` is a failure even with HTTP 200. `Answer.retry` says whether trying again later may help
(network errors, timeouts, HTTP 5xx and 429, any non-zero errcode); an address that answers 4xx is not tried
again. `Answer.detail` never contains the address, its token or the secret (they are cut out of whatever
the service answered, too): it is stored, shown to planners and logged.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote_plus, urlsplit

import requests
from django.conf import settings
from django.core.mail import send_mail

from .models import Channel


@dataclass(frozen=True)
class Answer:
    ok: bool
    retry: bool
    detail: str


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: the URL-encoded base64 of HMAC-SHA256(secret, "timestamp\\nsecret")."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url  # a robot secured by keywords or addresses only
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def body(kind: str, title: str, text: str) -> dict:
    if kind == Channel.Kind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _redact(text: str, url: str, secret: str) -> str:
    secrets = [secret, url, *(value for _name, value in parse_qsl(urlsplit(url).query) if len(value) >= 6)]
    for value in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(value, "***")
    return " ".join(text.split())[:300]


def deliver(channel: Channel, *, title: str, text: str) -> Answer:
    """Send one message now; never raises for a failure of the service, answers what happened."""
    try:
        url, secret = channel.url, channel.secret
    except ValueError:  # encrypted under a key that is no longer configured: trying again will not help
        return Answer(False, False, "the stored address or secret cannot be decrypted: enter the channel again")
    if channel.kind == Channel.Kind.EMAIL:
        return _deliver_mail(url.removeprefix("mailto:"), title, text)
    target = dingtalk_url(url, secret) if channel.kind == Channel.Kind.DINGTALK else url
    payload = json.dumps(body(channel.kind, title, text), ensure_ascii=False).encode()
    timeout = settings.CHAT_HTTP_TIMEOUT
    try:
        response = requests.post(target, data=payload, timeout=timeout, allow_redirects=False,
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    except requests.Timeout:
        return Answer(False, True, f"timeout after {timeout:g} s")
    except requests.ConnectionError as error:
        return Answer(False, True, f"connection failed ({type(error).__name__})")
    except requests.RequestException as error:
        return Answer(False, True, f"request failed ({type(error).__name__})")
    answer = _redact(response.text, url, secret)
    if response.status_code >= 500 or response.status_code == 429:
        return Answer(False, True, f"HTTP {response.status_code}: {answer}")
    if response.status_code != 200:
        return Answer(False, False, f"HTTP {response.status_code}: {answer}")
    try:
        errcode = response.json().get("errcode")
    except (ValueError, AttributeError):
        return Answer(False, True, f"not a JSON answer: {answer}")
    if errcode != 0:
        return Answer(False, True, f"errcode {errcode}: {answer}")
    return Answer(True, False, answer)


def _deliver_mail(address: str, title: str, text: str) -> Answer:
    try:
        send_mail(title, text, settings.DEFAULT_FROM_EMAIL, [address])
    except OSError as error:  # the mail server is down or refuses
        return Answer(False, True, f"mail not sent ({type(error).__name__}: {error})"[:300])
    return Answer(True, False, "sent")
