"""The review list a page of figures at a time, filtered by cluster and name in SQL; a group's batch approval
on a page posts, and approves, exactly the rows that page shows."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure

pytestmark = pytest.mark.django_db

REVIEW = reverse("figure-review-list")
Q3 = {"year": 2011, "quarter": 3}


@pytest.fixture
def submitted() -> Cluster:
    """130 submitted figures of pv's enterprises in 2011 Q3: one group, more than a page."""
    cluster = Cluster.objects.get(code="pv")
    made = Enterprise.objects.bulk_create(Enterprise(cluster=cluster, name=f"光伏企业{n:03d}") for n in range(130))
    QuarterlyFigure.objects.bulk_create(
        QuarterlyFigure(cluster=cluster, enterprise=e, output_value=Decimal(2), status=FigureStatus.SUBMITTED, **Q3)
        for e in made)
    return cluster


def _shown(response) -> list[str]:
    return [row.figure.enterprise.name for group in response.context["groups"] for row in group.rows]


def test_the_review_list_shows_a_hundred_figures_a_page_in_order(client, planner, submitted):
    client.force_login(planner)
    first = client.get(REVIEW, Q3)
    assert _shown(first) == [f"光伏企业{n:03d}" for n in range(100)]
    second = client.get(REVIEW, Q3 | {"page": 2})
    assert _shown(second) == [f"光伏企业{n:03d}" for n in range(100, 130)]
    assert 'rel="next"' in first.content.decode()


def test_a_groups_batch_approval_on_a_page_approves_the_rows_shown_only(client, planner, submitted):
    client.force_login(planner)
    page = client.get(REVIEW, Q3 | {"page": 2}).content.decode()
    posted = re.findall(r'name="group" value="(\d+:\d+)"', page)
    assert len(posted) == 30
    client.post(reverse("figure-approve-batch-page"), {"action": "group", "group": posted, "next": REVIEW})
    approved = QuarterlyFigure.objects.filter(status=FigureStatus.APPROVED)
    assert approved.count() == 30
    assert set(approved.values_list("enterprise__name", flat=True)) == {f"光伏企业{n:03d}" for n in range(100, 130)}


def test_the_review_list_filters_by_cluster_and_name(client, planner, submitted):
    client.force_login(planner)
    assert _shown(client.get(REVIEW, Q3 | {"q": "企业12"})) == [f"光伏企业{n}" for n in range(120, 130)]
    other = Cluster.objects.exclude(pk=submitted.pk).first()
    assert _shown(client.get(REVIEW, Q3 | {"cluster": other.pk})) == []
    assert len(_shown(client.get(REVIEW, Q3 | {"cluster": submitted.pk}))) == 100


def test_the_export_holds_every_figure_the_filters_select(client, planner, submitted):
    client.force_login(planner)
    content = client.get(REVIEW, Q3 | {"export": "csv"}).content.decode("utf-8-sig")
    assert len(content.strip().splitlines()) == 1 + 130
