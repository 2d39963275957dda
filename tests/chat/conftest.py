"""A local stand-in for the WeCom and DingTalk robot webhooks: a threading HTTP server on 127.0.0.1 that checks
what each documented API requires (DingTalk's 加签 signature, the markdown JSON shape) and answers as the test
says: success, an `errcode` failure, HTTP 5xx, 404, or no answer in time."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from chat import services
from chat.models import Channel
from org.models import Department

DINGTALK_SECRET = "SEC" + "5f0d3b2a9c" * 6 + "abcd"  # the shape of a DingTalk secret: SEC + 64 characters
DINGTALK_TOKEN = "dt-token-" + "9" * 40
WECOM_KEY = "wecom-key-" + "7" * 30


@dataclass
class Robot:
    """What the stand-in server received and how it answers. `modes[name]` is "ok", "errcode", "500",
    "404" or "timeout" for the robot at /<kind>/<name>."""

    port: int = 0
    modes: dict[str, str] = field(default_factory=dict)
    received: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    delay: float = 2.0

    def url(self, kind: str, name: str = "main") -> str:
        token = f"access_token={DINGTALK_TOKEN}" if kind == "dingtalk" else f"key={WECOM_KEY}"
        path = "robot/send" if kind == "dingtalk" else "cgi-bin/webhook/send"
        return f"http://127.0.0.1:{self.port}/{kind}/{name}/{path}?{token}"

    def sent_to(self, name: str) -> list[dict]:
        return [r for r in self.received if r["name"] == name]


def _check_dingtalk(query: dict, body: dict) -> str | None:
    """None if the request is what DingTalk's documentation asks for, else what is wrong."""
    if query.get("access_token") != [DINGTALK_TOKEN]:
        return "access_token missing"
    timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
        return "timestamp missing or more than an hour away"
    expected = base64.b64encode(hmac.new(DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    if sign != expected:
        return "sign not match"
    markdown = body.get("markdown")
    if (body.get("msgtype") != "markdown" or set(body) != {"msgtype", "markdown"} or not isinstance(markdown, dict)
            or set(markdown) != {"title", "text"} or not all(isinstance(v, str) and v for v in markdown.values())):
        return "body is not a markdown message"
    return None


def _check_wecom(query: dict, body: dict) -> str | None:
    if query.get("key") != [WECOM_KEY]:
        return "key missing"
    markdown = body.get("markdown")
    if (body.get("msgtype") != "markdown" or set(body) != {"msgtype", "markdown"} or not isinstance(markdown, dict)
            or set(markdown) != {"content"} or not isinstance(markdown["content"], str)):
        return "body is not a markdown message"
    if len(markdown["content"].encode()) > 4096:
        return "content longer than 4096 bytes"
    return None


def _handler(robot: Robot) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output quiet
            pass

        def _answer(self, status: int, payload: dict | str) -> None:
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            kind, name = ([*parts.path.strip("/").split("/"), "", ""])[:2]
            query = parse_qs(parts.query)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                return self._answer(400, {"errcode": 40035, "errmsg": "not JSON"})
            mode = robot.modes.get(name, "ok")
            if mode == "timeout":
                time.sleep(robot.delay)
                return self._answer(200, {"errcode": 0, "errmsg": "ok"})
            if mode == "500":
                return self._answer(502, "<html>bad gateway</html>")
            if mode == "404":
                return self._answer(404, "not found")
            problem = (_check_dingtalk if kind == "dingtalk" else _check_wecom)(query, body)
            if problem:
                robot.refused.append(problem)
                return self._answer(200, {"errcode": 310000, "errmsg": problem})
            if mode == "errcode":
                return self._answer(200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
            robot.received.append({"kind": kind, "name": name, "body": body, "query": query})
            return self._answer(200, {"errcode": 0, "errmsg": "ok"})

    return Handler


@pytest.fixture
def robot(settings):
    """The stand-in robots' server; sending waits at most 0.5 s for it (its "timeout" mode waits 2 s)."""
    state = Robot()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CHAT_HTTP_TIMEOUT = 0.5
    settings.SITE_URL = "https://jinzhou.example.gov.cn"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_channel(robot, db):
    def make(kind: str = "dingtalk", name: str = "main", department: str | None = "nlb") -> Channel:
        owner = Department.objects.get(code=department) if department else None
        url = robot.url(kind, name) if kind != "email" else f"{name}@example.gov.cn"
        secret = DINGTALK_SECRET if kind == "dingtalk" else ""
        return services.channel_create(by=None, department=owner, kind=kind, url=url, secret=secret)

    return make
