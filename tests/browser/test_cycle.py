"""In a real browser, in Chinese: the inbox badge leads to a returned figure, the editor corrects and resubmits
it and the item is gone; a planner approves a whole review group at once, and a stale group approves nothing
and says which row changed. Then the details of the screens: the success message is styled, the 填报口径
radio buttons sit beside their labels, the planner's menu stays on one line at 1366 px, and a phone keeps the
上季度 / 上年同期 labels."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from clusters import services
from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from notices.inbox import inbox_count
from org.models import Department, User
from plan.loader import plan_load

from .pages import PASSWORD, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NLB = ("heishan-main", "beizhen-main", "linghai-main", "yixian-main")


@pytest.fixture
def people():
    plan_load()  # transactional tests start from an empty database
    return {
        "editor": User.objects.create_user("editor-b", password=PASSWORD, role=User.Role.EDITOR,
                                           department=Department.objects.get(code="nlb")),
        "planner": User.objects.create_user("planner-b", password=PASSWORD, role=User.Role.PLANNER,
                                            department=Department.objects.get(code="jxw")),
    }


def _submitted(code: str, value: str = "10") -> QuarterlyFigure:
    return QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code=code), year=2011, quarter=3,
                                          output_value=Decimal(value), status=FigureStatus.SUBMITTED)


def _badge(page) -> str:
    badge = page.locator("header .inbox-count")
    page.wait_for_function("() => document.querySelector('.inbox-link').hasAttribute('data-count')")
    return badge.inner_text()


def test_the_badge_leads_to_a_returned_figure_which_is_gone_once_corrected(live_server, browser: Browser, people):
    for code in NLB:
        _submitted(code)
    heishan = QuarterlyFigure.objects.get(cluster__code="heishan-main")
    services.figure_return(user=people["planner"], figure_id=heishan.pk, expected_version=heishan.version,
                           reason="与统计局数据不符，请核对")
    before = inbox_count(user=people["editor"])

    editor = sign_in(browser, live_server.url, "editor-b").page
    assert _badge(editor) == str(before)
    editor.locator("header .inbox-link").click()
    expect(editor.locator("h1")).to_have_text("待办")
    returned = editor.locator("#inbox-returned li")
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text("与统计局数据不符，请核对")
    expect(returned).to_contain_text("planner-b")
    returned.get_by_role("link").click()

    # the entry screen of that quarter, with the reason on the row
    expect(editor).to_have_url(re.compile(r"/figures/entry/\?year=2011&quarter=3#row-c\d+$"))
    expect(editor.locator(".period-bar")).to_contain_text("报告期")
    row = editor.locator(f"#row-c{heishan.cluster_id}")
    expect(row).to_contain_text("与统计局数据不符，请核对")
    editor.fill(f"#value-c{heishan.cluster_id}", "11.5")
    editor.on("dialog", lambda dialog: dialog.accept())
    editor.get_by_role("button", name="报送本季度数据").click()
    expect(editor.locator("ul.messages li.success")).to_contain_text("已保存")
    assert QuarterlyFigure.objects.get(pk=heishan.pk).status == FigureStatus.SUBMITTED

    after = inbox_count(user=people["editor"])
    assert after < before
    assert _badge(editor) == (str(after) if after else "")
    editor.locator("header .inbox-link").click()
    expect(editor.locator("#inbox-returned")).to_have_count(0)


def test_a_planner_approves_a_whole_group_and_a_stale_group_approves_nothing(live_server, browser: Browser, people):
    figures = [_submitted(code, value) for code, value in zip(NLB, ("10", "12", "8", "5"), strict=True)]
    planner = sign_in(browser, live_server.url, "planner-b").page
    before = _badge(planner)
    planner.goto(f"{live_server.url}/figures/review/")
    expect(planner.locator("h1")).to_contain_text("2011年第3季度")
    group = planner.locator("#group-nlb-2011-3")
    expect(group.locator("tbody tr")).to_have_count(4)

    # someone returns one figure after the page was read: the group approves nothing and says which
    yixian = figures[3]
    services.figure_return(user=people["planner"], figure_id=yixian.pk, expected_version=yixian.version, reason="核对")
    group.get_by_role("button", name="整组审核通过（4 条）").click()
    expect(planner.locator("ul.messages li.error")).to_contain_text("未审核通过任何数据")
    expect(planner.locator("ul.messages li.error")).to_contain_text("义县")
    assert set(QuarterlyFigure.objects.filter(pk__in=[f.pk for f in figures[:3]])
               .values_list("status", flat=True)) == {FigureStatus.SUBMITTED}

    # ticked rows: two of the three still submitted
    group = planner.locator("#group-nlb-2011-3")
    group.locator(f'input[name="figure"][value^="{figures[0].pk}:"]').check()
    group.locator(f'input[name="figure"][value^="{figures[1].pk}:"]').check()
    group.get_by_role("button", name="审核通过勾选的行").click()
    expect(planner.locator("ul.messages li.success")).to_contain_text("已审核通过 2 条数据")
    assert [QuarterlyFigure.objects.get(pk=f.pk).status for f in figures] == [
        FigureStatus.APPROVED, FigureStatus.APPROVED, FigureStatus.SUBMITTED, FigureStatus.RETURNED]

    # the rest of the group at once
    planner.locator("#group-nlb-2011-3").get_by_role("button", name="整组审核通过（1 条）").click()
    expect(planner.locator("ul.messages li.success")).to_contain_text("已审核通过 1 条数据")
    assert QuarterlyFigure.objects.get(pk=figures[2].pk).status == FigureStatus.APPROVED
    assert _badge(planner) != before


def test_the_screens_details_in_chinese_at_1366_px_and_on_a_phone(live_server, browser: Browser, people):
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="heishan-main"), year=2011, quarter=2,
                                   output_value=Decimal(9), status=FigureStatus.SUBMITTED)
    planner = sign_in(browser, live_server.url, "planner-b").page
    planner.goto(f"{live_server.url}/figures/entry/?year=2011&quarter=3")

    # the planner's menu: every link on one line, in Chinese and in English
    english = sign_in(browser, live_server.url, "planner-b", language="en").page
    english.goto(f"{live_server.url}/figures/entry/?year=2011&quarter=3")
    for page in (planner, english):
        tops = page.eval_on_selector_all("#main-nav a",
                                         "els => els.map(el => Math.round(el.getBoundingClientRect().top))")
        assert max(tops) - min(tops) <= 4, tops

    # 填报口径: each radio button right beside its label
    for choice in planner.locator("label.choice").all():
        radio, label = choice.locator("input").bounding_box(), choice.bounding_box()
        assert radio["width"] < 24, radio
        assert label["width"] < 260, label

    # the save message is a styled box, not a bullet
    planner.fill(f"#value-c{Cluster.objects.get(code='heishan-main').pk}", "12")
    planner.get_by_role("button", name="保存草稿").click()
    message = planner.locator("ul.messages li.success")
    expect(message).to_be_visible()
    style = message.evaluate("el => { const s = getComputedStyle(el); return [s.listStyleType, s.backgroundColor,"
                             " s.borderLeftWidth]; }")
    assert style[0] == "none", style
    assert style[1] not in ("rgba(0, 0, 0, 0)", "transparent"), style
    assert style[2] != "0px", style

    # a submitted previous quarter is marked as not yet approved
    heishan = planner.locator(f"#row-c{Cluster.objects.get(code='heishan-main').pk}")
    expect(heishan.locator(".badge.unapproved")).to_have_text("未审核")

    # on a phone each cell says what it is
    planner.set_viewport_size(PHONE)
    planner.reload()
    previous = heishan.locator("td").nth(1)
    expect(previous).to_be_visible()
    assert "上季度" in previous.evaluate("el => getComputedStyle(el, '::before').content")
    last_year = heishan.locator("td").nth(2)
    assert "上年同期" in last_year.evaluate("el => getComputedStyle(el, '::before').content")
    width = planner.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
