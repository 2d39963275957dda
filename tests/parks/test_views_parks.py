"""Park pages: editors update area, factory space and each 七通一平 item (status, completion date);
overdue items are shown; demo values become real on a person's edit; no lost updates; scoped."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from org.models import User
from parks.models import Park
from plan.demo import demo_load
from tests.reporting.support import english

pytestmark = pytest.mark.django_db
LIST = reverse("park-list-page")


@pytest.fixture
def heishan_park():
    return Park.objects.get(code="heishan-park")


@pytest.fixture
def editor(client, agri_editor):
    english(client)
    client.force_login(agri_editor)
    return agri_editor


def _page(park):
    return reverse("park-page", args=[park.pk])


def _progress(park, **values):
    park.refresh_from_db()
    return {"seen": park.updated_at.isoformat(), "area_km2": "6.5", "factory_built_m2": "120000"} | values


def _item_form(item, **values):
    item.refresh_from_db()
    return {"seen": item.updated_at.isoformat(), "status": "in_progress", "completed_on": "", "note": ""} | values


def test_an_editor_updates_area_and_factory_space(client, editor, heishan_park):
    response = client.post(_page(heishan_park), _progress(heishan_park))
    assert response.status_code == 302
    heishan_park.refresh_from_db()
    assert (heishan_park.area_km2, heishan_park.factory_built_m2) == (Decimal("6.5"), Decimal("120000"))
    assert heishan_park.history.first().history_user == editor


def test_a_real_edit_clears_the_demo_flag(client, editor, heishan_park):
    demo_load()
    heishan_park.refresh_from_db()
    assert heishan_park.is_demo
    client.post(_page(heishan_park), _progress(heishan_park, area_km2="7.25"))
    heishan_park.refresh_from_db()
    assert not heishan_park.is_demo


def test_saving_unchanged_values_changes_nothing(client, editor, heishan_park):
    demo_load()
    heishan_park.refresh_from_db()
    before = heishan_park.history.count()
    client.post(_page(heishan_park), _progress(heishan_park, area_km2=str(heishan_park.area_km2),
                                               factory_built_m2=str(heishan_park.factory_built_m2)))
    heishan_park.refresh_from_db()
    assert heishan_park.is_demo
    assert heishan_park.history.count() == before


def test_a_negative_area_names_the_field_and_saves_nothing(client, editor, heishan_park):
    response = client.post(_page(heishan_park), _progress(heishan_park, area_km2="-1"))
    assert response.status_code == 400
    assert "area_km2" in response.context["form"].errors
    heishan_park.refresh_from_db()
    assert heishan_park.area_km2 is None


def test_a_second_save_over_a_newer_change_is_refused(client, editor, heishan_park):
    stale = _progress(heishan_park, area_km2="8")
    client.post(_page(heishan_park), _progress(heishan_park, area_km2="6"))
    response = client.post(_page(heishan_park), stale)
    assertContains(response, "Someone else saved this park meanwhile (area 6.00 km²", status_code=409)
    heishan_park.refresh_from_db()
    assert heishan_park.area_km2 == 6


def test_an_item_is_completed_with_a_date(client, editor, heishan_park):
    item = heishan_park.readiness_items.get(kind="road")
    response = client.post(reverse("readiness-item-page", args=[item.pk]),
                           _item_form(item, status="done", completed_on="2011-06-20"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.completed_on) == ("done", date(2011, 6, 20))


def test_a_done_item_needs_its_date(client, editor, heishan_park):
    item = heishan_park.readiness_items.get(kind="road")
    response = client.post(reverse("readiness-item-page", args=[item.pk]), _item_form(item, status="done"))
    assertContains(response, "Enter the date the item was completed.", status_code=400)


def test_a_completion_date_in_the_future_is_refused(client, editor, heishan_park):
    item = heishan_park.readiness_items.get(kind="road")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("readiness-item-page", args=[item.pk]),
                           _item_form(item, status="done", completed_on=tomorrow))
    assertContains(response, "The completion date cannot be in the future.", status_code=400)


def test_an_item_saved_in_place_answers_with_its_row(client, editor, heishan_park):
    item = heishan_park.readiness_items.get(kind="water")
    response = client.post(reverse("readiness-item-page", args=[item.pk]), _item_form(item),
                           HTTP_HX_REQUEST="true")
    assertContains(response, f'<tr id="item-{item.pk}"')
    assertContains(response, "saved")
    assertNotContains(response, "<html")


def test_items_past_their_deadline_and_not_done_are_marked_overdue(client, editor, heishan_park):
    response = client.get(_page(heishan_park))
    assertContains(response, "past the final deadline", count=8)
    listing = client.get(LIST)
    row = next(p for p in listing.context["parks"] if p.pk == heishan_park.pk)
    assert (row.items_done, row.items_overdue, row.items_finally_overdue) == (0, 8, 8)


def test_the_page_shows_the_parks_history(client, editor, heishan_park):
    client.post(_page(heishan_park), _progress(heishan_park, area_km2="6.5"))
    assertContains(client.get(_page(heishan_park)), "<del>—</del> → <ins>6.5</ins>")


# --- the permission layer ---------------------------------------------------------------------------

def test_another_departments_park_is_neither_shown_nor_changed(client, make_user, heishan_park):
    client.force_login(make_user(User.Role.EDITOR, "fwy"))
    assert heishan_park not in client.get(LIST).context["parks"]
    assert client.get(_page(heishan_park)).status_code == 404
    assert client.post(_page(heishan_park), _progress(heishan_park)).status_code == 404
    item = heishan_park.readiness_items.first()
    assert client.post(reverse("readiness-item-page", args=[item.pk]), _item_form(item)).status_code == 404
    heishan_park.refresh_from_db()
    assert heishan_park.area_km2 is None


def test_a_viewer_sees_the_park_but_cannot_change_it(client, make_user, heishan_park):
    client.force_login(make_user(User.Role.VIEWER, "nlb"))
    response = client.get(_page(heishan_park))
    assert response.status_code == 200
    assertNotContains(response, 'name="area_km2"')
    assert client.post(_page(heishan_park), _progress(heishan_park)).status_code == 403
    item = heishan_park.readiness_items.first()
    assert client.post(reverse("readiness-item-page", args=[item.pk]), _item_form(item)).status_code == 403


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_list_exports_only_visible_parks(client, editor, fmt):
    response = client.get(LIST, {"export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        body = response.content.decode("utf-8-sig")
        assert body.count("\n") == 1 + 4  # header and the four county parks
        assert "开发区" not in body


@pytest.mark.parametrize("params", [{}, {"export": "xlsx"}, {"export": "csv"}])
def test_the_list_and_its_exports_run_the_same_bounded_queries_at_any_size(
    client, planner, django_assert_max_num_queries, params
):
    client.force_login(planner)
    with django_assert_max_num_queries(4) as empty:
        client.get(LIST, params)
    demo_load()
    with django_assert_max_num_queries(4) as full:
        client.get(LIST, params)
    assert len(full.captured_queries) == len(empty.captured_queries)
