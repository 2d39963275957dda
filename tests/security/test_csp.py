"""Content Security Policy: a strict header on every page, and pages that need nothing looser: no inline
script (JSON data blocks from json_script excepted), no on*= handler attributes, no javascript: links."""
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from .conftest import ROLES, World
from .urlconf import endpoints

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline_script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in DATA_SCRIPT_TYPES:
            self._inline_script = ""

    def handle_data(self, data: str) -> None:
        if self._inline_script is not None:
            self._inline_script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inline_script is not None:
            if self._inline_script.strip():
                self.problems.append(f"inline <script>: {self._inline_script.strip()[:60]!r}")
            self._inline_script = None


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_sees_inline_code():
    assert inline_code('<script>alert(1)</script><a onclick="x()">') == [
        "inline <script>: 'alert(1)'", "<a onclick=…>"]
    assert inline_code('<script type="application/json" id="d">{"a": 1}</script><script src="/s.js"></script>') == []


def test_the_policy():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]  # ECharts' tooltips: docs/security.md


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/docs/", "/admin/"])
def test_the_header_is_on_pages(admin_client, path):
    response = admin_client.get(path)
    header = response["Content-Security-Policy"]
    assert "script-src 'self';" in header or header.endswith("script-src 'self'")
    assert "unsafe-inline" not in header.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in header


def test_the_api_docs_load_their_start_up_code_from_a_file(client):
    page = client.get("/api/docs/").content.decode()
    assert inline_code(page) == []
    script = client.get("/api/docs/?script")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.parametrize("role", [r for r in ROLES if r in ("anonymous", "planner", "staff_editor_a")])
def test_no_page_has_inline_code(world: World, role: str):
    client: Client = world.client(role)
    filler = world.filler()
    problems = []
    for endpoint in endpoints():
        for path in filler.paths(endpoint, "own"):
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            problems += [f"{path}: {p}" for p in inline_code(response.content.decode())]
    assert not problems, "\n  ".join(problems)


def _settings_in_subprocess(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CSP_")}
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(repr(settings.CONTENT_SECURITY_POLICY)); "
            "print(repr(getattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None)))")
    env = clean | {"DJANGO_SETTINGS_MODULE": "jinzhou.settings.test"} | env
    result = subprocess.run([sys.executable, "-c", code], env=env,  # noqa: S603 - our own interpreter and code
                            cwd=settings.BASE_DIR, capture_output=True, text=True, check=True)
    return result.stdout


def test_report_only_and_report_uri_come_from_the_environment():
    enforced, report_only = _settings_in_subprocess(CSP_REPORT_ONLY="true",
                                                    CSP_REPORT_URI="/csp-reports/").splitlines()
    assert enforced == "None"
    assert "'report-uri': ['/csp-reports/']" in report_only
