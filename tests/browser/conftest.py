"""Browser tests: Playwright driving Debian's chromium, headless, with no network (RECIPES.md).

Without /usr/bin/chromium these tests are skipped; with CI=true they fail instead. They run against
`live_server` in transactional tests, which flush the database: each test loads the plan first.
"""
import os
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
