"""Coordinates of parks and projects: both or neither, inside Jinzhou's box, checked by the model, the database, the
services (with a clear message in Chinese and in English) and the pages; who may place what; demo coordinates."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from core.exceptions import PermissionDenied, ValidationError, VersionConflict
from investment.models import Project
from investment.services import project_locate
from org.models import User
from parks.models import Park
from parks.services import park_locate
from plan.demo import demo_clear, demo_load
from tests.reporting.support import english

pytestmark = pytest.mark.django_db
INSIDE = {"longitude": Decimal("121.128"), "latitude": Decimal("41.117")}


def _park() -> Park:
    return Park.objects.get(code="heishan-park")


def _project() -> Project:
    return Project.objects.get(name="锦州钛业年产20万吨钛白粉一期工程")


def _locate(kind: str, user, **values):
    if kind == "park":
        park = _park()
        return park_locate(user=user, park_id=park.pk, expected_version=park.version, **values)
    project = _project()
    return project_locate(user=user, project_id=project.pk, expected_version=project.version, **values)


@pytest.mark.parametrize("kind", ["park", "project"])
def test_a_planner_places_a_row_inside_jinzhou_and_its_history_says_so(planner, kind):
    placed = _locate(kind, planner, **INSIDE)
    placed.refresh_from_db()
    assert (placed.longitude, placed.latitude, placed.location_is_demo) == (INSIDE["longitude"], INSIDE["latitude"],
                                                                             False)
    assert placed.history.first().history_change_reason == "located"


@pytest.mark.parametrize("kind", ["park", "project"])
@pytest.mark.parametrize(("longitude", "latitude", "field"), [
    ("116.40", "39.90", "longitude"),  # Beijing
    ("121.13", "39.00", "latitude"),   # south of the box, in the sea
    ("123.50", "41.10", "longitude"),
])
def test_a_point_outside_jinzhou_is_refused_in_chinese_and_nothing_is_saved(planner, kind, longitude, latitude, field):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        _locate(kind, planner, longitude=Decimal(longitude), latitude=Decimal(latitude))
    message = refused.value.message_dict[field][0]
    assert "锦州" in message
    assert "120.71" in message
    assert "42.13" in message
    row = _park() if kind == "park" else _project()
    assert row.longitude is None
    assert row.latitude is None


def test_the_refusal_reads_in_english_too(planner):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            _locate("park", planner, longitude=Decimal("116.4"), latitude=Decimal("39.9"))
        assert refused.value.message_dict["longitude"][0].startswith("The point lies outside Jinzhou")


@pytest.mark.parametrize("kind", ["park", "project"])
def test_one_coordinate_alone_is_refused(planner, kind):
    with pytest.raises(ValidationError) as refused:
        _locate(kind, planner, longitude=INSIDE["longitude"], latitude=None)
    assert "latitude" in refused.value.message_dict


@pytest.mark.parametrize("model", [Park, Project])
def test_the_database_refuses_what_the_model_refuses(model):
    row = model.objects.order_by("pk").first()
    for values in ({"longitude": Decimal("121.1")}, {"longitude": Decimal("100"), "latitude": Decimal("41")}):
        with transaction.atomic(), pytest.raises(IntegrityError):
            model.objects.filter(pk=row.pk).update(**values)


def test_clearing_both_takes_the_row_off_the_map(planner):
    _locate("park", planner, **INSIDE)
    cleared = _locate("park", planner, longitude=None, latitude=None)
    assert not cleared.located
    assert cleared.history.first().history_change_reason == "location removed"


def test_a_department_may_place_its_own_park_but_not_another_departments(make_user):
    agri = make_user(User.Role.EDITOR, "nlb")
    assert _locate("park", agri, **INSIDE).located  # 黑山县's park: the 市农领办's
    kaifaqu = Park.objects.get(code="kaifaqu-park")
    with pytest.raises(PermissionDenied):
        park_locate(user=agri, park_id=kaifaqu.pk, expected_version=kaifaqu.version, **INSIDE)


def test_a_stale_location_is_refused(planner):
    park = _park()
    seen = park.version
    park_locate(user=planner, park_id=park.pk, expected_version=seen, **INSIDE)
    with pytest.raises(VersionConflict):
        park_locate(user=planner, park_id=park.pk, expected_version=seen, longitude=None, latitude=None)


def test_the_park_page_shows_the_error_beside_the_field(client, planner):
    english(client)
    client.force_login(planner)
    park = _park()
    response = client.post(reverse("park-location-page", args=[park.pk]), {
        "location-longitude": "116.4", "location-latitude": "39.9", "location-seen": park.version})
    assert response.status_code == 400
    assertContains(response, "The point lies outside Jinzhou", status_code=400)
    assert _park().longitude is None


def test_the_project_page_saves_a_location_and_the_map_places_it(client, planner):
    client.force_login(planner)
    project = _project()
    response = client.post(reverse("project-location-page", args=[project.pk]), {
        "location-longitude": "121.1", "location-latitude": "41.1", "location-seen": project.version})
    assert response.status_code == 302
    located = client.get(reverse("map-page")).context["located"]
    placed = [p["name"] for s in located.payload["overlays"]["projects"]["series"] for p in s["data"]]
    assert placed == [project.name]


def test_coordinates_typed_with_a_chinese_ime_are_read_like_any_amount(client, planner):
    client.force_login(planner)
    park = _park()
    response = client.post(reverse("park-location-page", args=[park.pk]), {
        "location-longitude": "１２１．１２８", "location-latitude": "41.117",
        "location-seen": park.version})
    assert response.status_code == 302
    assert (_park().longitude, _park().latitude) == (INSIDE["longitude"], INSIDE["latitude"])


def test_a_viewer_cannot_place_anything(client, make_user):
    client.force_login(make_user(User.Role.VIEWER, "nlb"))
    park = _park()
    response = client.post(reverse("park-location-page", args=[park.pk]), {
        "location-longitude": "122.1", "location-latitude": "41.6", "location-seen": park.version})
    assert response.status_code == 403
    assert _park().longitude is None


def test_demo_coordinates_are_flagged_inside_the_box_and_cleared_with_the_demo(planner):
    demo_load(seed=7)
    demo_parks = Park.objects.filter(location_is_demo=True)
    assert demo_parks.count() == 4  # the county parks; the zones' parks stay off the map
    assert not Park.objects.filter(location_is_demo=False, longitude__isnull=False).exists()
    assert Project.objects.filter(location_is_demo=True).exists()
    for row in [*demo_parks, *Project.objects.filter(location_is_demo=True)]:
        row.clean_location()  # inside the box
    park = demo_parks.first()
    placed = park_locate(user=planner, park_id=park.pk, expected_version=park.version, **INSIDE)
    assert not placed.location_is_demo  # a person's coordinates are real

    demo_clear()

    assert not Park.objects.filter(location_is_demo=True).exists()
    assert Park.objects.get(pk=park.pk).located  # the planner's stay
