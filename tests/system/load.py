"""A load driver for the real stack: editors entering and submitting figures, a planner approving them,
and dashboard/API readers, each a thread with its own session, for a fixed time.

Counts every request by kind, its latency, and errors: any 5xx or connection error (a 4xx is counted
apart: the driver never sends a request that should be refused). Records the value each editor saw
saved, so the test can then look for every one of them in the database. Used by
tests/system/test_load.py (bounded for CI) and bench/load.py (longer runs).
"""
from __future__ import annotations

import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import requests

from clusters.models import FIRST_FIGURE_YEAR
from tests.system.web import Api, Browser

READER_PAGES = ("/", "/goals/")
READER_API = (("progress/", {"scope": "city", "year": 2012}), ("clusters/", {}))


@dataclass
class Tally:
    """Requests by kind: latencies (seconds), errors (5xx or no answer), refusals (4xx)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    refusals: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, kind: str, send: Callable[[], requests.Response]) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = send()
        except requests.RequestException as error:
            response, problem = None, f"connection error: {error}"
        else:
            problem = f"{response.status_code}" if response.status_code >= 400 else None
        with self.lock:
            self.latencies[kind].append(time.monotonic() - started)
            if response is None or response.status_code >= 500:
                self.errors[kind].append(problem)
            elif problem:
                self.refusals[kind].append(problem)
        return response

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values())

    @property
    def refusal_count(self) -> int:
        return sum(len(v) for v in self.refusals.values())

    def table(self, seconds: float) -> str:
        lines = [f"{'kind':<16}{'requests':>9}{'errors':>8}{'4xx':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"]
        for kind in sorted(self.latencies):
            times = sorted(self.latencies[kind])
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            lines.append(f"{kind:<16}{len(times):>9}{len(self.errors[kind]):>8}{len(self.refusals[kind]):>6}"
                         f"{len(times) / seconds:>8.1f}{statistics.median(times) * 1000:>9.0f}{p95 * 1000:>9.0f}")
        lines.append(f"{'all':<16}{self.requests:>9}{self.error_count:>8}{self.refusal_count:>6}"
                     f"{self.requests / seconds:>8.1f}")
        return "\n".join(lines)


@dataclass
class LoadRun:
    """Editors × (save draft, submit) per quarter, one planner approving, readers reading, for `seconds`."""

    url: str
    seed: dict
    editors: int = 6
    readers: int = 3
    seconds: float = 30
    tally: Tally = field(default_factory=Tally)
    saved: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (unit, year, quarter) → value
    approved: int = 0
    elapsed: float = 0.0

    def run(self) -> LoadRun:
        self.deadline = time.monotonic() + self.seconds
        self.editors_done = threading.Event()
        editors = [self._thread(self._editor, e) for e in self.seed["editors"][:self.editors]]
        others = [self._thread(self._planner)] + [self._thread(self._reader, i) for i in range(self.readers)]
        started = time.monotonic()
        for thread in editors + others:
            thread.start()
        for thread in editors:
            thread.join(self.seconds + 120)
        self.editors_done.set()
        for thread in others:
            thread.join(120)
        self.elapsed = time.monotonic() - started
        return self

    def _thread(self, target: Callable, *args) -> threading.Thread:
        """A thread whose unexpected exception is counted as an error instead of vanishing."""

        def guarded() -> None:
            try:
                target(*args)
            except Exception as error:  # counted and reported by the test
                with self.tally.lock:
                    self.tally.errors["thread"].append(f"{target.__name__}: {error!r}")

        return threading.Thread(target=guarded, daemon=True)

    def _editor(self, editor: dict) -> None:
        browser, unit = Browser(self.url).login(editor["username"]), editor["unit"]
        # 64 quarters (2010, the first year figures take, to 2025) per editor: at ~1 quarter a second each,
        # more than any run here needs.
        for year, quarter in [(y, q) for y in range(FIRST_FIGURE_YEAR, 2026) for q in range(1, 5)]:
            if time.monotonic() >= self.deadline:
                return
            value = f"{editor['cluster_id']}.{year % 100:02d}{quarter}"
            saved = self.tally.call("entry save", partial(browser.save_quarter, year, quarter, {unit: value}))
            if saved is None or saved.status_code != 302:
                continue
            submitted = self.tally.call("entry submit", partial(
                browser.save_quarter, year, quarter, {unit: value}, versions={unit: "1"}, submit=True))
            if submitted is not None and submitted.status_code == 302:
                with self.tally.lock:
                    self.saved[(unit, year, quarter)] = value

    def _planner(self) -> None:
        api = Api(self.url, self.seed["token"])
        while True:
            last_round = self.editors_done.is_set()
            listed = self.tally.call("api figures", lambda: api.get("figures/", status="submitted", page_size=200))
            waiting = listed.json()["results"] if listed is not None and listed.ok else []
            for figure in waiting:
                approved = self.tally.call("api approve", lambda f=figure: api.approve(f))
                if approved is not None and approved.ok:
                    self.approved += 1
            if last_round and not waiting:
                return
            if not waiting:
                time.sleep(0.2)

    def _reader(self, number: int) -> None:
        browser, api = Browser(self.url).login(self.seed["planner"]), Api(self.url, self.seed["token"])
        step = number
        while time.monotonic() < self.deadline:
            if step % 2:
                path = READER_PAGES[step // 2 % len(READER_PAGES)]
                self.tally.call(f"page {path}", lambda p=path: browser.get(p))
            else:
                path, params = READER_API[step // 2 % len(READER_API)]
                self.tally.call(f"api {path}", lambda p=path, q=params: api.get(p, **q))
            step += 1
