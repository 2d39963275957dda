"""Talking to the running stack over HTTP only, as a browser and an API client would.

A `Browser` keeps its own session and CSRF cookie (it fetches the login page, then posts the form
with the token, exactly as a person's browser does); an `Api` sends the planner's token.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urlencode

import requests
from urllib3.exceptions import ProtocolError

from tests.system.procs import PASSWORD

TIMEOUT = 30


def _resent_once(send: Callable[[], requests.Response]) -> requests.Response:
    """`send()`, sent again once if the server closed the kept-alive connection without reading the request: a
    gunicorn worker replaced after `max_requests` (jinzhou/gunicorn_conf.py) closes its idle connections, and a
    request already on its way over one is reset unread. Browsers send such a request again; so does this."""
    try:
        return send()
    except requests.ConnectionError as error:
        if not (error.args and isinstance(error.args[0], ProtocolError)):
            raise
        return send()
VERSION_FIELD = re.compile(r'name="version-(?P<unit>[ce]\d+)" value="(?P<version>\d*)"')


class Browser:
    """One person's browser session."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def _csrf(self) -> str:
        return self.session.cookies["csrftoken"]

    def get(self, path: str, **params) -> requests.Response:
        return _resent_once(lambda: self.session.get(f"{self.base_url}{path}", params=params, timeout=TIMEOUT))

    def post(self, path: str, data: dict) -> requests.Response:
        data = data | {"csrfmiddlewaretoken": self._csrf()}
        return _resent_once(lambda: self.session.post(f"{self.base_url}{path}", data=data, timeout=TIMEOUT,
                                                      allow_redirects=False))

    def login(self, username: str, password: str = PASSWORD) -> Browser:
        self.get("/accounts/login/").raise_for_status()
        response = self.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, f"login of {username} answered {response.status_code}"
        assert "sessionid" in self.session.cookies, f"login of {username} set no session"
        return self

    def entry_versions(self, year: int, quarter: int) -> dict[str, str]:
        """The entry screen of a quarter: each editable unit's figure version ('' = no figure yet)."""
        response = self.get("/figures/entry/", year=year, quarter=quarter)
        response.raise_for_status()
        return {m["unit"]: m["version"] for m in VERSION_FIELD.finditer(response.text)}

    def save_quarter(self, year: int, quarter: int, values: dict[str, str], *, versions: dict[str, str] | None = None,
                     submit: bool = False) -> requests.Response:
        """POST the entry screen with only these units' rows (302 when saved)."""
        versions = versions or {}
        data: dict = {"year": year, "quarter": quarter, "mode": "quarter", "action": "submit" if submit else "save",
                      "unit": list(values)}
        for unit, value in values.items():
            data |= {f"value-{unit}": value, f"note-{unit}": "system test", f"version-{unit}": versions.get(unit, "")}
        return self.post("/figures/entry/", data)

    def approve(self, figure_id: int, version: int) -> requests.Response:
        return self.post(f"/figures/{figure_id}/approve/", {"version": version, "next": "/figures/review/"})


class Api:
    """The REST API with a token."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def get(self, path: str, **params) -> requests.Response:
        return _resent_once(lambda: self.session.get(f"{self.base_url}/api/v1/{path}", params=params, timeout=TIMEOUT))

    def post(self, path: str, body: dict) -> requests.Response:
        return _resent_once(lambda: self.session.post(f"{self.base_url}/api/v1/{path}", json=body, timeout=TIMEOUT))

    def figures(self, **params) -> list[dict]:
        rows, url = [], f"{self.base_url}/api/v1/figures/?{urlencode(params | {'page_size': 1000})}"
        while url:
            response = self.session.get(url, timeout=TIMEOUT)
            response.raise_for_status()
            rows += response.json()["results"]
            url = response.json()["next"]
        return rows

    def approve(self, figure: dict) -> requests.Response:
        return self.post(f"figures/{figure['id']}/approve/", {"version": figure["version"]})

    def progress_row(self, scope: str, scope_id: int, year: int, quarter: int) -> dict | None:
        response = self.get("progress/", scope=scope, scope_id=scope_id, year=year, quarter=quarter)
        response.raise_for_status()
        results = response.json()["results"]
        return results[0] if results else None

    def wait_for_value(self, scope: str, scope_id: int, year: int, quarter: int, value: str,
                       timeout: float = 60) -> dict:
        """Poll until the row shows `value` and is no longer pending; returns the row."""
        deadline, row = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            row = self.progress_row(scope, scope_id, year, quarter)
            if row and not row["pending"] and row["value"] == value:
                return row
            time.sleep(0.5)
        raise AssertionError(f"after {timeout:.0f}s {scope} {scope_id} {year}Q{quarter} shows {row}, not {value}")


def enter_and_submit(browser: Browser, api: Api, *, unit: str, cluster_id: int, year: int, quarter: int,
                     value: str) -> dict:
    """The editor enters a quarter's value and submits it in one go; returns the figure as the API shows it."""
    response = browser.save_quarter(year, quarter, {unit: value}, submit=True)
    assert response.status_code == 302, f"entry of {unit} {year}Q{quarter} answered {response.status_code}"
    [figure] = api.figures(cluster=cluster_id, year=year, quarter=quarter)
    assert figure["status"] == "submitted"
    return figure
