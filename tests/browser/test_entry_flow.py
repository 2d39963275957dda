"""In a real browser: an editor enters a quarter, hits a validation error, fixes it and submits; a
planner approves; the figure's history shows each step. A second test: two people, one figure.

The editor works in Chinese (the default language), the planner in English.
"""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from org.models import Department, User
from plan.loader import plan_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-jinzhou-123"
COUNTY = ("beizhen-main", "heishan-main", "linghai-main", "yixian-main")


@pytest.fixture
def people():
    plan_load()  # transactional tests start from an empty database
    nlb = Department.objects.get(code="nlb")
    return {
        "editor": User.objects.create_user("editor-b", password=PASSWORD, role=User.Role.EDITOR, department=nlb),
        "colleague": User.objects.create_user("editor-c", password=PASSWORD, role=User.Role.EDITOR, department=nlb),
        "planner": User.objects.create_user("planner-b", password=PASSWORD, role=User.Role.PLANNER,
                                            department=Department.objects.get(code="jxw")),
    }


def _signed_in(browser: Browser, base: str, username: str, language: str | None = None) -> Page:
    context = browser.new_context(locale="zh-CN")
    if language:
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _key(code: str) -> str:
    return f"c{Cluster.objects.get(code=code).pk}"


def test_enter_fix_submit_approve_and_read_the_history(live_server, browser, people):
    base = live_server.url
    heishan, yixian = _key("heishan-main"), _key("yixian-main")
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="yixian-main"), year=2010, quarter=3,
                                   output_value=Decimal(10), status=FigureStatus.APPROVED)

    # the editor opens 2011年第3季度 and types the quarter's values, one of them wrong
    editor = _signed_in(browser, base, "editor-b")
    editor.goto(f"{base}/figures/entry/?year=2011&quarter=3")
    expect(editor.locator("h1")).to_contain_text("2011年第3季度")
    for code in COUNTY:
        editor.fill(f"#value-{_key(code)}", "8")
    editor.fill(f"#value-{heishan}", "-5")
    # the optional values sit on a compact second line under each row
    editor.fill(f"#revenue-{yixian}", "25.5")
    editor.fill(f"#employees-{yixian}", "1.5")
    # in place (htmx): leaving yixian's field shows its change on last year and asks for an explanation
    editor.fill(f"#value-{yixian}", "20")
    editor.press(f"#value-{yixian}", "Tab")
    expect(editor.locator(f"#fb-{yixian}")).to_contain_text("+100.0 %")
    expect(editor.locator(f"#fb-{yixian} .warning")).to_be_visible()
    editor.click("button[value=save]")

    # a hard error: named field and reason, in Chinese; nothing saved, the screen as typed
    expect(editor.locator("#error-summary")).to_contain_text("产值：不能为负数。")
    expect(editor.locator(f"#row-{heishan}")).to_have_class(re.compile("has-error"))
    expect(editor.locator("#error-summary")).to_contain_text("从业人员：须为整数人数，不能有小数。")
    expect(editor.locator(f"#value-{yixian}")).to_have_value("20")
    expect(editor.locator(f"#employees-{yixian}")).to_have_value("1.5")
    assert not QuarterlyFigure.objects.filter(year=2011).exists()

    # fixed, explained, submitted (the submit button asks first)
    editor.fill(f"#value-{heishan}", "12.5")
    editor.fill(f"#note-{yixian}", "新项目投产")
    editor.fill(f"#employees-{yixian}", "1200")
    editor.on("dialog", lambda dialog: dialog.accept())
    editor.click("button[value=submit]")
    expect(editor.locator(".messages")).to_be_visible()
    assert set(QuarterlyFigure.objects.filter(year=2011).values_list("status", flat=True)) == {
        FigureStatus.SUBMITTED}
    assert QuarterlyFigure.objects.get(year=2011, cluster__code="heishan-main").output_value == Decimal("12.5")
    saved = QuarterlyFigure.objects.get(year=2011, cluster__code="yixian-main")
    assert (saved.revenue, saved.employees) == (Decimal("25.5"), 1200)

    # the planner approves each figure in place on the review page
    planner = _signed_in(browser, base, "planner-b", language="en")
    planner.goto(f"{base}/figures/review/")
    rows = planner.locator("table.review tbody tr")
    expect(rows).to_have_count(4)
    for index in range(4):
        row = rows.nth(index)
        row.get_by_role("button", name="Approve").click()
        expect(row.locator(".ok")).to_contain_text("Figure approved")
    assert set(QuarterlyFigure.objects.filter(year=2011).values_list("status", flat=True)) == {
        FigureStatus.APPROVED}

    # the history of heishan's figure shows each step, who took it and what changed
    figure = QuarterlyFigure.objects.get(year=2011, cluster__code="heishan-main")
    planner.goto(f"{base}/figures/{figure.pk}/")
    history = planner.locator("table.history tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("planner-b")
    expect(history.nth(0)).to_contain_text("approved")
    expect(history.nth(1)).to_contain_text("editor-b")
    expect(history.nth(1)).to_contain_text("submitted")
    expect(history.nth(2)).to_contain_text("created")
    expect(history.nth(2)).to_contain_text("12.5")


def test_two_people_edit_one_figure_and_nothing_is_lost(live_server, browser, people):
    base = live_server.url
    heishan = _key("heishan-main")
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="heishan-main"), year=2011, quarter=3,
                                   output_value=Decimal(10), status=FigureStatus.DRAFT)
    first = _signed_in(browser, base, "editor-b", language="en")
    second = _signed_in(browser, base, "editor-c", language="en")
    for page in (first, second):
        page.goto(f"{base}/figures/entry/?year=2011&quarter=3")

    first.fill(f"#value-{heishan}", "12")
    first.click("button[value=save]")
    expect(first.locator(".messages")).to_contain_text("Saved")

    second.fill(f"#value-{heishan}", "15")
    second.click("button[value=save]")
    expect(second.locator("h1")).to_contain_text("Someone else saved these figures")
    expect(second.locator("td.mine")).to_have_text("15")
    expect(second.locator("td.theirs")).to_have_text("12")
    assert QuarterlyFigure.objects.get().output_value == 12

    second.get_by_role("button", name=re.compile("Keep mine")).click()
    expect(second.locator(".messages")).to_contain_text("Saved")
    saved = QuarterlyFigure.objects.get()
    assert (saved.output_value, saved.version) == (15, 3)
