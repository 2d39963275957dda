"""Screenshots of every dashboard page and the reporting screens at 1366×768, as the planner and as a
department viewer.

Run by hand (`make screenshots`), never in the test suite. It builds a throwaway SQLite database
(migrate, load_plan, load_demo, rollup --full, create_demo_users), serves it with runserver on a
spare port, signs in with Playwright driving Debian's chromium (/usr/bin/chromium, no network) and
saves what the screen shows (viewport only, not the whole page) as PNGs in this directory, shrunk
to 256 colours so each stays small. Pages that answer 404 (not built yet, or not visible to that
user) are listed at the end, not saved.

    .venv/bin/python docs/screenshots/take.py [--keep] [--only city,department]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
NO_NETWORK_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "jinzhou-demo"  # noqa: S105 - settings.DEMO_PASSWORD: the demo users exist only with DEBUG on
# (file prefix, demo user of `create_demo_users`)
PEOPLE = [("planner", "planner"), ("department-viewer", "agri_viewer")]
CHART_TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class Ids:
    department: int | None
    cluster: int | None
    park: int | None


# Every dashboard page, in the order of the issue, then the reporting screens (entry, batch review, inbox).
# `{…}` is filled per user from the database.
PAGES = [
    ("city", "/dashboard/city/"),
    ("department", "/dashboard/department/{department}/"),
    ("cluster", "/clusters/{cluster}/"),
    ("park", "/parks/{park}/"),
    ("investment", "/investment/"),
    ("ranking", "/ranking/"),
    ("goals", "/goals/"),
    ("clusters", "/clusters/"),
    ("entry", "/figures/entry/"),
    ("review", "/figures/review/"),
    ("inbox", "/inbox/"),
]


def run(*args: str, env: dict) -> None:
    # Our own interpreter and manage.py, with arguments written in this file.
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _attempt in range(100):
        if server.poll() is not None:
            raise SystemExit(f"runserver stopped (exit code {server.returncode})")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
            return  # our own local server answered
        time.sleep(0.3)
    raise SystemExit("runserver did not answer /healthz")


def ids_for(db: Path, username: str) -> Ids:
    """The user's department, and a cluster and a park the user may see (the same rules as core.access)."""
    con = sqlite3.connect(db)
    try:
        department, role = con.execute("SELECT department_id, role FROM org_user WHERE username = ?",
                                       (username,)).fetchone()
        region = con.execute("SELECT region_id FROM org_department WHERE id = ?", (department,)).fetchone()
        region = region[0] if region else None
        if role == "planner":
            cluster = con.execute("SELECT id FROM clusters_cluster WHERE code = 'pv'").fetchone()
            park = con.execute("SELECT id FROM parks_park ORDER BY code").fetchone()
        else:
            cluster = con.execute(
                "SELECT c.id FROM clusters_cluster c LEFT JOIN clusters_cluster_regions r ON r.cluster_id = c.id "
                "WHERE c.responsible_department_id = ? OR r.region_id = ? ORDER BY c.code", (department, region),
            ).fetchone()
            park = con.execute("SELECT id FROM parks_park WHERE responsible_department_id = ? OR region_id = ? "
                               "ORDER BY code", (department, region)).fetchone()
        return Ids(department, cluster[0] if cluster else None, park[0] if park else None)
    finally:
        con.close()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def wait_for_charts(page: Page) -> None:
    page.wait_for_function(
        "() => document.querySelectorAll('[data-chart]').length === "
        "document.querySelectorAll('[data-chart-ready]').length", timeout=CHART_TIMEOUT_MS)
    page.wait_for_timeout(300)  # let the canvas paint (animations are off)


def shrink(path: Path) -> None:
    """256 colours, optimised: a screenshot of flat UI loses nothing visible and shrinks ~4×."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def capture(base: str, db: Path, only: set[str] | None) -> tuple[list[str], list[str]]:
    saved, missing = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=NO_NETWORK_ARGS)
        for prefix, username in PEOPLE:
            ids = ids_for(db, username)
            context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
            page = context.new_page()
            sign_in(page, base, username)
            for name, template in PAGES:
                if only and name not in only:
                    continue
                values = {"department": ids.department, "cluster": ids.cluster, "park": ids.park}
                if any(f"{{{key}}}" in template and value is None for key, value in values.items()):
                    missing.append(f"{prefix}-{name}: nothing of this kind is visible to {username}")
                    continue
                url = base + template.format(**values)
                response = page.goto(url)
                if response is None or response.status != 200:
                    missing.append(f"{prefix}-{name}: {template.format(**values)} answered "
                                   f"{response.status if response else 'nothing'}")
                    continue
                wait_for_charts(page)
                path = OUT / f"{prefix}-{name}.png"
                page.screenshot(path=str(path), full_page=False)
                shrink(path)
                saved.append(f"{path.name} ({path.stat().st_size // 1024} KB) ← {template.format(**values)}")
            context.close()
        browser.close()
    return saved, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and print its path")
    parser.add_argument("--only", help="comma-separated page names: " + ", ".join(name for name, _ in PAGES))
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None

    tmp = Path(tempfile.mkdtemp(prefix="jinzhou-screens-"))
    db = tmp / "db.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinzhou.settings.local", "DEBUG": "true",
           "DATABASE_URL": f"sqlite:///{db}", "LOGIN_THROTTLING": "false", "REDIS_URL": ""}
    env.pop("CELERY_BROKER_URL", None)
    print(f"building the demo database in {db} …")
    for command in (["migrate", "--noinput"], ["load_plan"], ["load_demo"], ["rollup", "--full"],
                    ["create_demo_users"]):
        run(*command, env=env)

    port = spare_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],  # noqa: S603
                              cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base, server)
        saved, missing = capture(base, db, only)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("saved:")
    for line in saved:
        print("  ", line)
    if missing:
        print("not captured:")
        for line in missing:
            print("  ", line)
    if args.keep:
        print(f"database kept: {db}")
    else:
        db.unlink(missing_ok=True)
        tmp.rmdir()


if __name__ == "__main__":
    main()
