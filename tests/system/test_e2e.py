"""End to end through `bin/serve` (what `make serve` runs): migrate, collectstatic, then gunicorn, a
Celery worker and beat with production settings, on PostgreSQL and a redis-server of the test's own.
Everything over HTTP: an editor enters and submits a quarter, a planner approves it, and the API
shows the rolled-up value; Ctrl-C (SIGINT) to bin/serve then stops all three processes."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.celery_harness import BASE_DIR, free_port, wait_for
from tests.system import procs
from tests.system.db import check_rollups_equal_full_recompute
from tests.system.web import Api, Browser

STARTED = re.compile(r"bin/serve: started (?P<what>gunicorn|celery worker|celery beat) pid (?P<pid>\d+)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of bin/serve counts as gone: it has exited and only waits to be reaped.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def served(stack):
    """bin/serve on a spare port, in its own session; SIGINT as Ctrl-C would send, SIGKILL if it lingers."""
    port = free_port()
    env = stack.env | {"SERVE_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "CELERY_CONCURRENCY": "1",
                       "PYTHON": sys.executable}
    proc = procs.Proc("serve", [str(BASE_DIR / "bin" / "serve")], env, stack.log_dir)
    stack.processes.append(proc)
    stack.url = f"http://127.0.0.1:{port}"
    proc.start(lambda: procs.http_ok(f"{stack.url}/accounts/login/") and "ready." in proc.output()
               and "beat: Starting" in proc.output(), timeout=120)
    return proc


def test_editor_to_planner_to_rollup_over_http_then_ctrl_c_stops_everything(stack, served, proof):
    seed, editor = stack.seed, stack.seed["editors"][0]
    unit, cluster_id = editor["unit"], editor["cluster_id"]
    browser = Browser(stack.url).login(editor["username"])

    assert browser.entry_versions(2012, 1)[unit] == "", "the quarter starts empty"
    assert browser.save_quarter(2012, 1, {unit: "123.45"}).status_code == 302
    versions = browser.entry_versions(2012, 1)
    assert versions[unit] == "1", "the draft was saved"
    assert browser.save_quarter(2012, 1, {unit: "123.45"}, versions=versions, submit=True).status_code == 302

    api = Api(stack.url, seed["token"])
    [figure] = api.figures(cluster=cluster_id, year=2012, quarter=1)
    assert (figure["status"], figure["output_value"]) == ("submitted", "123.4500")
    planner = Browser(stack.url).login(seed["planner"])
    assert planner.approve(figure["id"], figure["version"]).status_code == 302

    started = time.monotonic()
    api.wait_for_value("cluster", cluster_id, 2012, 1, "123.4500")
    city = api.wait_for_value("city", 0, 2012, 1, "123.4500")
    proof("checked", f"editor saved+submitted, planner approved over HTTP; API shows city {city['value']} "
                     f"{time.monotonic() - started:.1f}s after the approval, pending={city['pending']}")
    rows = check_rollups_equal_full_recompute(stack.database_url, stack.env)
    proof("checked", f"{rows} roll-up rows equal a full recompute")

    pids = {m["what"]: int(m["pid"]) for m in STARTED.finditer(served.output())}
    assert set(pids) == {"gunicorn", "celery worker", "celery beat"}
    served.process.send_signal(signal.SIGINT)
    try:
        served.process.wait(40)
    except subprocess.TimeoutExpired:
        pytest.fail("bin/serve did not exit within 40 s of SIGINT")
    wait_for(lambda: not any(_alive(pid) for pid in pids.values()), 10, "gunicorn, worker and beat to exit")
    proof("checked", f"SIGINT to bin/serve (pid {served.pid}) stopped {pids}; exit status {served.process.returncode}")
    assert served.process.returncode == 130
