"""Totals are public within the city (docs/security.md, "Totals"): a department's viewer reads the total of a
region it has a cluster in, which counts a cluster of another department it cannot open; the pages that
show totals or scores say so."""
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from org.models import Region, User
from progress.services import rollup_full

pytestmark = pytest.mark.django_db
NOTE = "also those you cannot open: the plan publishes them within the city"


@pytest.fixture
def viewer(make_user, client, settings) -> User:
    """A viewer of 市服务业委 (fwy): it sees 太和区's own cluster, not the titanium cluster 市经信委 runs there."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    user = make_user(User.Role.VIEWER, "fwy")
    client.force_login(user)
    return user


@pytest.fixture
def taihe():
    for code, value in (("titanium", "50"), ("taihe-main", "7")):
        QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code=code), year=2011, quarter=1,
                                       output_value=Decimal(value), status=FigureStatus.APPROVED)
    rollup_full()
    return Region.objects.get(code="taihe")


def test_a_viewer_reads_its_regions_total_including_a_cluster_it_cannot_see(client, viewer, taihe):
    titanium = Cluster.objects.get(code="titanium")
    assert not Cluster.objects.visible_to(viewer).filter(pk=titanium.pk).exists()
    rows = client.get("/api/v1/progress/", {"year": 2011, "quarter": 1}).json()["results"]
    region = next(r for r in rows if r["scope"] == "region" and r["scope_id"] == taihe.pk)
    assert region["value"] == "57.0000"
    assert {r["scope_id"] for r in rows if r["scope"] == "cluster"} == {Cluster.objects.get(code="taihe-main").pk}
    assert client.get(f"/api/v1/clusters/{titanium.pk}/").status_code == 404


def test_a_region_without_a_cluster_the_viewer_sees_is_not_listed(client, viewer, taihe):
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="heishan-main"), year=2011, quarter=1,
                                   output_value=Decimal("3"), status=FigureStatus.APPROVED)
    rollup_full()
    rows = client.get("/api/v1/progress/", {"scope": "region", "year": 2011, "quarter": 1}).json()["results"]
    assert {r["scope_id"] for r in rows} == {taihe.pk}  # not 黑山县, where it sees no cluster


@pytest.mark.parametrize("page", ["ranking-page", "city-dashboard", "department-dashboard"])
def test_pages_with_totals_or_scores_say_they_count_every_cluster(client, viewer, taihe, page):
    args = [viewer.department_id] if page == "department-dashboard" else []
    response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    assert NOTE in response.content.decode()
