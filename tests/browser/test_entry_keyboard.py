"""The entry grid at the keyboard, in a real browser (issue 12.17): Enter and the arrow keys move between value
boxes instead of submitting, Tab goes down the value column, typed but unsaved values survive a reload, and
leaving with unsaved input asks first. static/js/entry-grid.js does it; the page works without it."""
import pytest
from playwright.sync_api import expect

from clusters.models import QuarterlyFigure
from org.models import Department, User
from plan.loader import plan_load

from .pages import PASSWORD, assert_clean, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ENTRY = "/figures/entry/?year=2011&quarter=3"


@pytest.fixture
def editor():
    plan_load()  # transactional tests start from an empty database
    return User.objects.create_user("editor-k", password=PASSWORD, role=User.Role.EDITOR,
                                    department=Department.objects.get(code="nlb"))


def _focused_name(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.name")


def test_enter_arrows_and_tab_move_down_the_value_column(live_server, browser, editor):
    watched = sign_in(browser, live_server.url, editor.username)
    page = watched.page
    page.goto(live_server.url + ENTRY)
    boxes = page.locator("input.amount")
    names = [boxes.nth(i).get_attribute("name") for i in range(boxes.count())]
    assert len(names) >= 3

    boxes.first.fill("12.5")
    boxes.first.press("Enter")
    assert _focused_name(page) == names[1]  # Enter moved on, nothing was submitted
    assert page.url.endswith(ENTRY)
    assert QuarterlyFigure.objects.count() == 0
    page.keyboard.press("ArrowDown")
    assert _focused_name(page) == names[2]
    page.keyboard.press("ArrowUp")
    assert _focused_name(page) == names[1]
    page.keyboard.press("Tab")
    assert _focused_name(page) == names[2]  # down the column, not across to the explanation
    page.keyboard.press("Shift+Tab")
    assert _focused_name(page) == names[1]
    # from the last value box, Tab goes on to the optional fields
    boxes.last.focus()
    page.keyboard.press("Tab")
    assert _focused_name(page).startswith(("note-", "revenue-", "tax-", "employees-", "investment-"))
    # each value box says which value it takes (本季度值)
    assert "本季度" in (boxes.first.get_attribute("placeholder") or "")
    assert_clean(watched)


def test_unsaved_input_survives_a_reload_and_leaving_asks_first(live_server, browser, editor):
    watched = sign_in(browser, live_server.url, editor.username)
    page = watched.page
    page.goto(live_server.url + ENTRY)
    first = page.locator("input.amount").first
    first.fill("7.25")
    page.locator("input.note").first.fill("草稿说明")

    page.reload()
    expect(page.locator("input.amount").first).to_have_value("7.25")
    expect(page.locator("input.note").first).to_have_value("草稿说明")
    expect(page.locator(".draft-note")).to_be_visible()

    # leaving with unsaved input asks; dismissing the question keeps the page
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator("input.amount").first.fill("7.5")
    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert "/figures/entry/" in page.url

    # throwing the draft away restores what the server sent, and a reload brings nothing back
    page.locator(".draft-note button").click()
    expect(page.locator("input.amount").first).to_have_value("")
    page.reload()
    expect(page.locator("input.amount").first).to_have_value("")
    expect(page.locator(".draft-note")).to_have_count(0)

    # a saved draft is not offered again
    page.locator("input.amount").first.fill("3")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("load")
    assert QuarterlyFigure.objects.filter(status="draft").count() == 1
    page.reload()
    expect(page.locator(".draft-note")).to_have_count(0)
    assert_clean(watched)
