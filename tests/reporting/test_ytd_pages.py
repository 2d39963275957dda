"""The 需核对 badge and its settlement on the pages: entry row, figure page, review list (issue 12.7)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import QuarterlyFigure
from tests.reporting.support import ENTRY, english, entry_post, figure, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def mismatched():
    """凌海 2011: Q1 now 17.9 (corrected), Q2 reported as 累计 37 when Q1 was 18.2, approved."""
    figure("linghai-main", 2011, 1, "17.9")
    return figure("linghai-main", 2011, 2, "18.8", entry_mode="ytd", reported_ytd=Decimal(37))


@pytest.fixture
def as_editor(client, agri_editor):
    english(client)
    client.force_login(agri_editor)
    return client


def test_entering_a_ytd_on_the_screen_keeps_it(as_editor):
    figure("linghai-main", 2011, 1, "18.2")
    response = entry_post(as_editor, {key("linghai-main"): {"value": "37"}}, quarter=2, mode="ytd")
    assert response.status_code == 302
    q2 = QuarterlyFigure.objects.get(cluster__code="linghai-main", year=2011, quarter=2)
    assert (q2.entry_mode, q2.reported_ytd, q2.output_value) == ("ytd", Decimal(37), Decimal("18.8"))


def test_the_entry_row_shows_the_badge_with_both_numbers_and_the_reported_ytd(as_editor, mismatched):
    page = as_editor.get(ENTRY, {"year": 2011, "quarter": 2, "mode": "ytd"}).content.decode()
    assert f'data-ytd-mismatch="{mismatched.pk}"' in page
    assert "To check" in page
    assert "reported year to date 37" in page
    assert "sum of the quarters 36.7" in page


def test_a_figure_that_adds_up_has_no_badge(as_editor):
    figure("linghai-main", 2011, 1, "18.2")
    figure("linghai-main", 2011, 2, "18.8", entry_mode="ytd", reported_ytd=Decimal(37))
    page = as_editor.get(ENTRY, {"year": 2011, "quarter": 2, "mode": "ytd"}).content.decode()
    assert "data-ytd-mismatch" not in page


def test_the_review_list_shows_the_badge(as_planner, mismatched):
    page = as_planner.get(reverse("figure-review-list"), {"year": 2011, "quarter": 2, "status": "approved"})
    assert f'data-ytd-mismatch="{mismatched.pk}"' in page.content.decode()


def test_the_figure_page_shows_both_numbers_and_settles_by_keeping_the_ytd(as_editor, mismatched):
    url = reverse("figure-page", args=[mismatched.pk])
    page = as_editor.get(url).content.decode()
    assert f'data-ytd-mismatch="{mismatched.pk}"' in page
    assert reverse("figure-resolve-ytd-page", args=[mismatched.pk]) in page
    response = as_editor.post(reverse("figure-resolve-ytd-page", args=[mismatched.pk]),
                              {"version": mismatched.version, "keep": "ytd"})
    assert response.status_code == 302
    mismatched.refresh_from_db()
    assert (mismatched.output_value, mismatched.reported_ytd, mismatched.status) == (
        Decimal("19.1"), Decimal(37), FigureStatus.APPROVED)
    assert "data-ytd-mismatch" not in as_editor.get(url).content.decode()


def test_a_stale_settlement_changes_nothing(as_editor, mismatched):
    as_editor.post(reverse("figure-resolve-ytd-page", args=[mismatched.pk]),
                   {"version": mismatched.version + 1, "keep": "quarter"})
    mismatched.refresh_from_db()
    assert mismatched.reported_ytd == Decimal(37)


def test_a_viewer_sees_the_badge_but_no_form(client, make_user, mismatched):
    english(client)
    client.force_login(make_user("viewer", "nlb"))
    page = client.get(reverse("figure-page", args=[mismatched.pk])).content.decode()
    assert f'data-ytd-mismatch="{mismatched.pk}"' in page
    assert reverse("figure-resolve-ytd-page", args=[mismatched.pk]) not in page
    response = client.post(reverse("figure-resolve-ytd-page", args=[mismatched.pk]),
                           {"version": mismatched.version, "keep": "quarter"})
    assert response.status_code == 403
