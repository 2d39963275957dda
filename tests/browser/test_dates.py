"""In a real browser, in Chinese and in English: a saved date shows in its date input, and saving a note
on a finished 七通一平 item keeps its date (the input used to come back empty in zh-hans)."""
from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from org.models import Department, User
from parks.models import Park, ParkReadinessItem
from plan.loader import plan_load

from .pages import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_completed_items_date_is_shown_and_kept_when_its_note_is_saved(live_server, browser: Browser, language):
    plan_load()
    User.objects.create_user("editor-d", password=PASSWORD, role=User.Role.EDITOR,
                             department=Department.objects.get(code="nlb"))
    park = Park.objects.get(code="heishan-park")
    item = park.readiness_items.order_by("pk").first()
    ParkReadinessItem.objects.filter(pk=item.pk).update(status="done", completed_on=date(2011, 6, 18))

    watched = sign_in(browser, live_server.url, "editor-d", language=language)
    page = watched.page
    page.goto(f"{live_server.url}/parks/{park.pk}/")
    row = page.locator(f"#item-{item.pk}")
    date_input = row.locator("input[type=date]")
    expect(date_input).to_have_value("2011-06-18")

    row.locator("input[name=note]").fill("验收完成")
    row.locator("button[type=submit]").click()
    expect(row.locator("[role=status]")).to_be_visible()
    expect(page.locator(f"#item-{item.pk} input[type=date]")).to_have_value("2011-06-18")
    item.refresh_from_db()
    assert (item.completed_on, item.note) == (date(2011, 6, 18), "验收完成")
    assert not watched.console_errors
