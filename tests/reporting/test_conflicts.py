"""No lost updates: two sessions edit one figure; the second save is refused with both values shown,
and the user chooses to keep theirs or take the current one. Nothing is overwritten silently."""
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from clusters.choices import FigureStatus
from clusters.models import QuarterlyFigure
from org.models import User
from tests.reporting.support import ENTRY, english, entry_post, figure, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sessions(agri_editor, make_user):
    """Two editors of the same department, each signed in in a browser session of their own."""
    sessions = []
    for user in (agri_editor, make_user(User.Role.EDITOR, "nlb")):
        client = Client()
        english(client)
        client.force_login(user)
        sessions.append(client)
    return sessions


def _screen_rows(response) -> dict:
    """What the browser would send back for the screen as it was rendered."""
    return {row.key: {"value": row.value_text, "note": row.note_text,
                      "version": row.figure.version if row.figure else None}
            for row in response.context["grid"].rows if row.editable}


def _resend(client, response, rows_name: str):
    """Press one of the conflict page's buttons: resend its hidden rows."""
    context = response.context
    rows = {entry.unit: {"value": entry.value, "note": entry.note, "version": version}
            for entry, version in context[rows_name]}
    return entry_post(client, rows, year=context["quarter"].year, quarter=context["quarter"].quarter,
                      mode=context["mode"], action=context["action"])


@pytest.fixture
def both_read_the_screen(two_sessions):
    figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)
    first, second = two_sessions
    screens = [_screen_rows(c.get(ENTRY, {"year": 2011, "quarter": 3})) for c in (first, second)]
    return first, second, screens


def test_the_second_save_is_refused_and_shows_both_values(both_read_the_screen):
    first, second, (mine_first, mine_second) = both_read_the_screen
    heishan = key("heishan-main")
    mine_first[heishan]["value"] = "12"
    entry_post(first, mine_first)
    mine_second[heishan]["value"] = "15"
    response = entry_post(second, mine_second)
    assertContains(response, "Someone else saved these figures while you were editing", status_code=409)
    conflict = response.context["conflicts"][0]
    assert (conflict.yours, conflict.current.output_value) == (Decimal("15"), Decimal("12"))
    assertContains(response, '<td class="num mine">15</td>', status_code=409)
    assertContains(response, '<td class="num theirs">12</td>', status_code=409)
    saved = QuarterlyFigure.objects.get()
    assert (saved.output_value, saved.version) == (12, 2)


def test_keep_mine_saves_over_the_version_now_current(both_read_the_screen):
    first, second, (mine_first, mine_second) = both_read_the_screen
    heishan = key("heishan-main")
    mine_first[heishan]["value"] = "12"
    entry_post(first, mine_first)
    mine_second[heishan]["value"] = "15"
    conflict_page = entry_post(second, mine_second)
    _resend(second, conflict_page, "keep_mine")
    saved = QuarterlyFigure.objects.get()
    assert (saved.output_value, saved.version) == (15, 3)
    assert [h.output_value for h in saved.history.order_by("history_id")] == [10, 12, 15]


def test_take_theirs_keeps_the_current_value_and_saves_my_other_rows(both_read_the_screen):
    first, second, (mine_first, mine_second) = both_read_the_screen
    heishan, yixian = key("heishan-main"), key("yixian-main")
    mine_first[heishan]["value"] = "12"
    entry_post(first, mine_first)
    mine_second[heishan]["value"] = "15"
    mine_second[yixian]["value"] = "7"
    conflict_page = entry_post(second, mine_second)
    assert not QuarterlyFigure.objects.filter(cluster__code="yixian-main").exists()  # nothing saved yet
    _resend(second, conflict_page, "take_theirs")
    values = dict(QuarterlyFigure.objects.values_list("cluster__code", "output_value"))
    assert values == {"heishan-main": 12, "yixian-main": 7}


def test_a_figure_entered_by_someone_else_meanwhile_is_a_conflict_too(two_sessions):
    first, second = two_sessions
    screens = [_screen_rows(c.get(ENTRY, {"year": 2011, "quarter": 3})) for c in (first, second)]
    heishan = key("heishan-main")
    screens[0][heishan]["value"] = "12"
    entry_post(first, screens[0])
    screens[1][heishan]["value"] = "15"
    assert entry_post(second, screens[1]).status_code == 409
    assert QuarterlyFigure.objects.get().output_value == 12


def test_saving_the_same_value_as_the_other_session_is_no_conflict(both_read_the_screen):
    first, second, (mine_first, mine_second) = both_read_the_screen
    heishan = key("heishan-main")
    mine_first[heishan]["value"] = mine_second[heishan]["value"] = "12"
    entry_post(first, mine_first)
    assert entry_post(second, mine_second).status_code == 302
    assert QuarterlyFigure.objects.get().version == 2
