"""Browser tests: Playwright driving Debian's chromium, headless, with no network (RECIPES.md).

Without /usr/bin/chromium these tests are skipped; with CI=true they fail instead. They run against
`live_server` in transactional tests, which flush the database: each test loads the plan first.
"""
import os
import threading
import time
from pathlib import Path

import pytest

from org.models import Department, User
from plan.demo import demo_load
from plan.loader import plan_load
from progress.services import rollup_full

from .pages import PASSWORD

# Playwright's sync API keeps an event loop running in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"
NO_NETWORK_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def require_chromium() -> None:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-microhei)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True, "args": NO_NETWORK_ARGS}


def _serving() -> bool:
    """Whether the live server is answering a request (one thread per request, named after its target)."""
    return any(thread.name.endswith("(process_request_thread)") for thread in threading.enumerate())


@pytest.fixture(autouse=True)
def _live_server_drained(request):
    """Before a browser test's database is flushed, let the live server finish what the page still asked for
    (a chart's data, the inbox badge): a request holding a table's lock while the flush truncates it
    deadlocked once in CI. Set up after `live_server` (so torn down before its flush); waits until no request
    has been served for a moment, 15 s at most."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    yield
    deadline, quiet_since = time.monotonic() + 15, None
    while time.monotonic() < deadline:
        if _serving():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.3:
            return
        time.sleep(0.05)


@pytest.fixture
def demo_people():
    """The plan, the demo data rolled up, and a planner plus a viewer of `department` (a department code).

    Transactional tests start from an empty database, so each test loads what it needs."""
    plan_load()
    demo_load()
    rollup_full()

    def people(suffix: str, department: str) -> dict[str, User]:
        return {
            "planner": User.objects.create_user(f"planner-{suffix}", password=PASSWORD, role=User.Role.PLANNER,
                                                department=Department.objects.get(code="jxw")),
            "viewer": User.objects.create_user(f"viewer-{suffix}", password=PASSWORD, role=User.Role.VIEWER,
                                               department=Department.objects.get(code=department)),
        }
    return people
