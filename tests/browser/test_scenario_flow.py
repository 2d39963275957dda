"""In a real browser, in Chinese: a planner moves a project's start in the goals page's what-if panel, sees the goal
it flips, saves the assumptions as a named scenario (情景), finds it in the scenario list and opens it again."""
import pytest
from playwright.sync_api import expect

from investment.models import Project
from org.models import Department, User
from plan.loader import plan_load
from scenarios.models import Scenario
from tests.dashboards.pipeline_support import CELLS, pv_with_projects_set_up

from .pages import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planner():
    plan_load()  # transactional tests start from an empty database
    pv_with_projects_set_up()
    return User.objects.create_user("planner-scenario", password=PASSWORD, role=User.Role.PLANNER,
                                    department=Department.objects.get(code="jxw"))


def test_save_a_what_if_as_a_scenario_find_it_in_the_list_and_open_it(live_server, browser, planner):
    base = live_server.url
    cells = Project.objects.get(name=CELLS)
    watched = sign_in(browser, base, planner.username)
    page = watched.page

    # the what-if panel: the cells project starts in 2014 instead of 2012
    page.goto(f"{base}/goals/?year=2012")
    panel = page.locator("section.what-if")
    panel.locator("#id_whatif-project").select_option(str(cells.pk))
    panel.locator("#id_whatif-start_year").fill("2014")
    panel.locator("#id_whatif-start_quarter").select_option("1")
    panel.locator("form[method=get] button[type=submit]").click()
    expect(panel.locator("table.flips")).to_contain_text("光伏产业集群具备1000亿元规模")
    expect(panel.locator("table.flips")).to_contain_text("进度滞后")

    # saved as a named scenario: its page, marked 情景, shows the same flip
    panel.locator("#id_whatif-name").fill("电池项目推迟到2014年")
    panel.locator("#id_whatif-description").fill("假设开工延误两年")
    panel.get_by_role("button", name="保存为情景").click()
    expect(page.locator("h1")).to_contain_text("电池项目推迟到2014年")
    expect(page.locator(".scenario-note")).to_contain_text("不是正式数据")
    scenario = Scenario.objects.get()
    assert (scenario.project_id, scenario.start_year, scenario.start_quarter, scenario.created_by_id) == (
        cells.pk, 2014, 1, planner.pk)

    # the list names it, with what it changes and the goals it flips; it opens again from there
    page.goto(f"{base}/scenarios/?year=2012")
    row = page.locator("table.scenarios tbody tr", has_text="电池项目推迟到2014年")
    expect(row).to_contain_text(f"{CELLS}: 投产 2014年第1季度")
    expect(row.locator("td.num").last).to_have_text("1")
    row.get_by_role("link", name="电池项目推迟到2014年").click()
    expect(page.locator("h1")).to_contain_text("情景")
    expect(page.locator("table.flips")).to_contain_text("光伏产业集群具备1000亿元规模")
    expect(page.locator("table.flips")).to_contain_text("进度滞后")
    assert watched.console_errors == []
    assert watched.foreign_hosts == set()
    page.context.close()
