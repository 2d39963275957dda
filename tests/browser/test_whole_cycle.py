"""The quarterly cycle end to end, in a real browser, in Chinese (issue 12, "done when"): an editor enters a quarter
with a mistake, fixes it and submits; a planner returns one figure with a reason; the editor finds it in the inbox,
corrects and resubmits; the planner approves the department's group at once; the API then reads the approved
figures and the rolled-up output.

Run twice: against PostgreSQL (the test server, as CI runs it) and against SQLite served by `runserver` with
in-process tasks, as `make run` serves it on a bare machine. Every check goes through the pages and the API, so
both runs check the same things.
"""
from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from org.models import Department, User
from plan.loader import plan_load
from tests.celery_harness import free_port
from tests.system import procs

from .pages import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UNITS = ("heishan-main", "beizhen-main", "linghai-main", "yixian-main")
ENTRY = "/figures/entry/?year=2011&quarter=3"
USERS = """
from org.models import Department, User
User.objects.create_user("cycle-editor", password=%(password)r, role=User.Role.EDITOR,
                         department=Department.objects.get(code="nlb"))
User.objects.create_user("cycle-planner", password=%(password)r, role=User.Role.PLANNER,
                         department=Department.objects.get(code="jxw"))
"""


@pytest.fixture(params=["postgresql", "sqlite"])
def site(request, tmp_path: Path):
    """The base URL of a server holding the plan and two users: the test's live server, or a runserver on SQLite."""
    if request.param == "postgresql":
        plan_load()  # transactional tests start from an empty database
        User.objects.create_user("cycle-editor", password=PASSWORD, role=User.Role.EDITOR,
                                 department=Department.objects.get(code="nlb"))
        User.objects.create_user("cycle-planner", password=PASSWORD, role=User.Role.PLANNER,
                                 department=Department.objects.get(code="jxw"))
        yield request.getfixturevalue("live_server").url
        return
    env = procs.os.environ | {"DJANGO_SETTINGS_MODULE": "jinzhou.settings.local", "DEBUG": "true",
                              "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("REDIS_URL", None)
    for args in (("migrate", "--noinput"), ("load_plan",), ("shell", "-c", USERS % {"password": PASSWORD})):
        procs.manage(env, *args)
    port = free_port()
    server = procs.Proc("runserver", [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                        env, tmp_path)
    url = f"http://127.0.0.1:{port}"
    server.start(lambda: procs.http_ok(f"{url}/accounts/login/"))
    yield url
    server.stop()


def _api(page, base: str, path: str, **params) -> dict:
    response = page.request.get(f"{base}{path}", params=params, headers={"Accept": "application/json"})
    assert response.status == 200, response.text()
    return response.json()


def _unit_keys(page) -> list[str]:
    """The entry rows' unit keys, in the screen's order."""
    rows = page.locator("table.entry tbody tr[id^=row-]").all()
    return [row.get_attribute("id").removeprefix("row-") for row in rows]


def test_enter_return_correct_and_batch_approve_reach_the_api(site, browser):
    # the editor types the quarter, one value wrong: nothing is saved and the row says why
    editor = sign_in(browser, site, "cycle-editor").page
    editor.on("dialog", lambda dialog: dialog.accept())
    editor.goto(site + ENTRY)
    keys = _unit_keys(editor)
    assert len(keys) == len(UNITS)
    values = dict(zip(keys, ("12.5", "20", "8.25", "30"), strict=True))
    for key, value in values.items():
        editor.fill(f"#value-{key}", value)
    editor.fill(f"#value-{keys[0]}", "12,5")  # ambiguous: a comma only separates thousands
    editor.get_by_role("button", name="报送本季度数据").click()
    expect(editor.locator("#error-summary")).to_contain_text("未保存任何数据")
    expect(editor.locator(f"#row-{keys[0]}")).to_have_class(re.compile("has-error"))
    expect(editor.locator(f"#value-{keys[1]}")).to_have_value("20")  # what was typed is still there

    # fixed and submitted
    editor.fill(f"#value-{keys[0]}", "12.5")
    editor.get_by_role("button", name="报送本季度数据").click()
    expect(editor.locator("ul.messages li.success")).to_contain_text("已保存")

    # the planner returns one figure with a reason
    planner = sign_in(browser, site, "cycle-planner").page
    planner.goto(f"{site}/figures/review/?year=2011&quarter=3")
    group = planner.locator("#group-nlb-2011-3")
    expect(group.locator("tbody tr")).to_have_count(len(UNITS))
    first = group.locator("tbody tr").filter(has_text="12.5")
    first.locator("input[name=reason]").fill("与统计局数据不符，请核对")
    first.get_by_role("button", name="退回").click()
    expect(planner.locator("#group-nlb-2011-3")).to_contain_text("已退回")

    # the editor sees it in the inbox, with the reason, and corrects it from there
    editor.goto(site + "/inbox/")
    returned = editor.locator("#inbox-returned li")
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text("与统计局数据不符，请核对")
    returned.get_by_role("link").click()
    editor.wait_for_load_state("load")
    editor.fill(f"#value-{keys[0]}", "13.5")
    editor.get_by_role("button", name="报送本季度数据").click()
    expect(editor.locator("ul.messages li.success")).to_contain_text("已保存")
    editor.goto(site + "/inbox/")
    expect(editor.locator("#inbox-returned")).to_have_count(0)

    # the planner approves the whole group at once
    planner.goto(f"{site}/figures/review/?year=2011&quarter=3")
    planner.locator("#group-nlb-2011-3").get_by_role("button", name=f"整组审核通过（{len(UNITS)} 条）").click()
    expect(planner.locator("ul.messages li.success")).to_contain_text(f"已审核通过 {len(UNITS)} 条数据")

    # the API reads the approved figures and the rolled-up output of the quarter
    approved = _api(planner, site, "/api/v1/figures/", year=2011, quarter=3, status="approved")
    assert sorted(Decimal(f["output_value"]) for f in approved["results"]) == sorted(
        Decimal(v) for v in ("13.5", "20", "8.25", "30"))
    rows = _api(planner, site, "/api/v1/progress/", scope="city", year=2011, quarter=3)["results"]
    assert [Decimal(row["value"]) for row in rows] == [Decimal("71.75")]
