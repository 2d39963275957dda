"""Browser tests: Playwright driving Debian's chromium, headless, with no network (RECIPES.md).

Without /usr/bin/chromium these tests are skipped; with CI=true they fail instead. They run against
`live_server` in transactional tests, which flush the database: each test loads the plan first.
"""
import os
from pathlib import Path

import pytest

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
