"""Every reporting screen opens at the user's reporting period, says so in its header, keeps the quarter
chosen when moving between the screens, and says what was wrong with a quarter it cannot show."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from clusters.choices import FigureStatus
from clusters.models import FIRST_FIGURE_YEAR
from core.periods import Quarter
from plan.demo import demo_load
from tests.reporting.support import figure

pytestmark = pytest.mark.django_db
SCREENS = ["figure-entry", "figure-review-list", "figure-completeness", "figure-import", "inbox-page"]


@pytest.fixture
def demo(db):
    demo_load()  # approved up to 2015 Q3; 2015 Q4 still in review


@pytest.mark.parametrize("screen", SCREENS)
def test_each_screen_shows_the_reporting_period_in_its_header(as_planner, demo, screen):
    response = as_planner.get(reverse(screen))
    assert response.context["period_bar"].period == Quarter(2015, 4)
    assertContains(response, '<strong class="period-now">Q4 2015</strong>', html=True)


@pytest.mark.parametrize("screen", ["figure-entry", "figure-review-list", "figure-completeness", "figure-import"])
def test_each_screen_opens_at_the_reporting_period(as_planner, demo, screen):
    assert as_planner.get(reverse(screen)).context["period_bar"].shown == Quarter(2015, 4)


def test_the_entry_screen_opens_at_the_quarter_being_collected_not_at_todays(as_planner, demo):
    grid = as_planner.get(reverse("figure-entry")).context["grid"]
    assert grid.quarter == Quarter(2015, 4)
    assert grid.quarter != Quarter.last_ended()


@pytest.mark.parametrize("screen", ["figure-entry", "figure-review-list", "figure-completeness"])
def test_the_menu_carries_the_quarter_shown_to_the_other_reporting_screens(as_planner, screen):
    page = as_planner.get(reverse(screen), {"year": 2013, "quarter": 2}).content.decode()
    menu = page[page.index('id="nav-reporting"'):page.index("</span>", page.index('id="nav-reporting"'))]
    for other in ("figure-entry", "figure-review-list", "figure-completeness"):
        assert f'href="{reverse(other)}?year=2013&amp;quarter=2"' in menu


def test_the_entry_screens_import_link_carries_its_quarter_and_the_import_page_keeps_it(as_planner):
    page = as_planner.get(reverse("figure-entry"), {"year": 2013, "quarter": 2, "mode": "ytd"})
    assertContains(page, f'href="{reverse("figure-import")}?year=2013&amp;quarter=2&amp;mode=ytd"')
    form = as_planner.get(reverse("figure-import"), {"year": 2013, "quarter": 2, "mode": "ytd"}).context["quarter_form"]
    assert (form.period, form.entry_mode) == (Quarter(2013, 2), "ytd")


def test_after_an_upload_the_import_page_still_shows_the_quarter_it_came_from(as_planner):
    response = as_planner.post(reverse("figure-import"), {"year": 2013, "quarter": 2, "mode": "quarter"})
    assert response.status_code == 400  # no file
    assert response.context["quarter_form"].period == Quarter(2013, 2)


def test_the_review_list_shows_exactly_the_quarter_it_names(as_planner):
    figure("pv", 2013, 2, "1", status=FigureStatus.SUBMITTED)
    figure("pv", 2013, 3, "1", status=FigureStatus.SUBMITTED)
    response = as_planner.get(reverse("figure-review-list"), {"year": 2013, "quarter": 3})
    assert {(f.year, f.quarter) for f in response.context["figures"]} == {(2013, 3)}
    assertContains(response, "Review of quarterly figures · Q3 2013")
    assertContains(response, '<option value="2013" selected>2013</option>', html=True)


def test_by_default_the_review_list_shows_the_reporting_period_only(as_planner):
    figure("pv", 2013, 2, "1", status=FigureStatus.SUBMITTED)
    figure("pv", 2013, 3, "1", status=FigureStatus.SUBMITTED)
    response = as_planner.get(reverse("figure-review-list"))
    assert response.context["quarter"] == Quarter(2013, 2)
    assert {(f.year, f.quarter) for f in response.context["figures"]} == {(2013, 2)}


def test_all_quarters_are_listed_only_when_asked_and_the_page_says_so(as_planner):
    figure("pv", 2013, 2, "1", status=FigureStatus.SUBMITTED)
    figure("pv", 2013, 3, "1", status=FigureStatus.SUBMITTED)
    response = as_planner.get(reverse("figure-review-list"), {"all": "1"})
    assert {(f.year, f.quarter) for f in response.context["figures"]} == {(2013, 2), (2013, 3)}
    assertContains(response, "Review of quarterly figures · all quarters")
    assertNotContains(response, 'name="year"')  # no quarter picker pretending to choose one


def test_the_year_list_covers_the_plans_years_up_to_this_one(as_planner):
    form = as_planner.get(reverse("figure-entry")).context["form"]
    years = [value for value, _label in form.fields["year"].choices]
    assert years == list(range(timezone.localdate().year, FIRST_FIGURE_YEAR - 1, -1))  # 2010: the base year


@pytest.mark.parametrize("screen", ["figure-entry", "figure-review-list", "figure-completeness", "figure-import"])
def test_a_year_outside_the_plan_is_named_not_silently_replaced(as_planner, demo, screen):
    response = as_planner.get(reverse(screen), {"year": 1999, "quarter": 1})
    assertContains(response, "There is no year “1999” here: the plan&#x27;s years run from 2010 to")
    assertContains(response, "Showing the reporting period instead.")
    assert response.context["period_bar"].shown == Quarter(2015, 4)


def test_a_wrong_quarter_is_named_too_in_chinese(client, planner):
    client.force_login(planner)
    response = client.get(reverse("figure-completeness"), {"year": 2013, "quarter": 7})
    assert re.search("季度：.*7", response.content.decode())
    assertContains(response, "改为显示报告期")


def test_dashboards_keep_the_latest_approved_quarter_and_say_so(as_planner, demo):
    from progress.services import rollup_full

    rollup_full()
    response = as_planner.get(reverse("city-dashboard"))
    assert (response.context["period"].year, response.context["period"].quarter) == (2015, 3)
    assertContains(response, "the latest quarter with approved figures")


def test_an_unknown_status_is_named_too(as_planner):
    response = as_planner.get(reverse("figure-review-list"), {"status": "bogus"})
    assertContains(response, "There is no status “bogus”; showing submitted figures.")
    assert response.context["status"] == FigureStatus.SUBMITTED
