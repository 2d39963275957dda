"""The entry screen, the review list and the history page read what they show: the same queries and the same
rows fetched with a few enterprises per cluster and one year of history as with many and several years.

The reporting period in the period bar is fixed here: what it costs is the completeness code's (measured with
it); these tests measure the lists themselves."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from clusters.review import figures_for_review
from core.periods import Quarter
from org.models import User
from tests.reporting.support import ENTRY
from tests.rowcount import cost_of

pytestmark = pytest.mark.django_db

SHOWN = Quarter(2015, 3)
CLUSTERS = ("pv", "auto", "titanium")


@pytest.fixture(autouse=True)
def _fixed_period(monkeypatch):
    monkeypatch.setattr("reporting.views.reporting_period", lambda user: SHOWN)


def _grow(enterprises: int, years: int) -> None:
    """`enterprises` more enterprises in each of CLUSTERS, each with approved figures for `years` years up to
    SHOWN's year and a submitted one in SHOWN (written straight to the tables: test set-up)."""
    for code in CLUSTERS:
        cluster = Cluster.objects.get(code=code)
        start = Enterprise.objects.filter(cluster=cluster).count()
        made = Enterprise.objects.bulk_create(
            Enterprise(cluster=cluster, name=f"{code}-企业{start + n:04d}") for n in range(enterprises))
        QuarterlyFigure.objects.bulk_create(
            QuarterlyFigure(cluster=cluster, enterprise=e, year=year, quarter=q, output_value=Decimal("1.5"),
                            status=FigureStatus.SUBMITTED if (year, q) == (SHOWN.year, SHOWN.quarter)
                            else FigureStatus.APPROVED)
            for e in made for year in range(SHOWN.year - years + 1, SHOWN.year + 1) for q in range(1, 5)
            if (year, q) <= (SHOWN.year, SHOWN.quarter))


def _reads(client, url: str, params: dict) -> tuple[int, int]:
    cost = cost_of(lambda: client.get(url, params))
    assert cost.result.status_code == 200
    return cost.queries, cost.rows


def _twice(client, url: str, params) -> tuple[tuple[int, int], tuple[int, int]]:
    """Reads of the page over the small data set, then over a large one (both more than a page)."""
    _grow(120, 1)
    small = _reads(client, url, params())
    _grow(240, 3)
    return small, _reads(client, url, params())


@pytest.fixture
def pv_editor(make_user) -> User:
    return make_user(User.Role.EDITOR, Cluster.objects.get(code="pv").responsible_department.code)


QUARTER = {"year": SHOWN.year, "quarter": SHOWN.quarter}


@pytest.mark.parametrize("who", ["planner", "pv_editor"])
def test_the_entry_screen_reads_a_page_whatever_the_data(client, request, who):
    client.force_login(request.getfixturevalue(who))
    small, large = _twice(client, ENTRY, lambda: QUARTER)
    assert small == large


@pytest.mark.parametrize("who", ["planner", "pv_editor"])
def test_a_clusters_page_of_the_entry_screen_reads_a_page_whatever_the_data(client, request, who):
    client.force_login(request.getfixturevalue(who))
    small, large = _twice(client, ENTRY, lambda: QUARTER | {"cluster": Cluster.objects.get(code="pv").pk})
    assert small == large
    assert large[1] < 1200  # 100 units with their figures of two years, and a few rows more


@pytest.mark.parametrize("status", [FigureStatus.SUBMITTED, FigureStatus.APPROVED])
def test_the_review_list_reads_a_page_whatever_the_data(client, planner, status):
    client.force_login(planner)
    small, large = _twice(client, reverse("figure-review-list"), lambda: {"status": status, "all": "1"})
    assert small == large
    assert large[1] < 250


def test_the_review_list_of_one_quarter_reads_a_page_whatever_the_data(client, planner):
    client.force_login(planner)
    small, large = _twice(client, reverse("figure-review-list"), lambda: QUARTER)
    assert small == large


def test_the_review_list_of_one_quarter_pages_through_one_sorted_list(client, planner):
    """Counted per cluster and sliced among the clusters a page reaches, the pages are still the one list."""
    _grow(70, 1)  # 3 × 70 submitted figures in SHOWN: pages of 100 begin and end inside clusters
    client.force_login(planner)
    expected = list(figures_for_review(user=planner, quarter=SHOWN).values_list("pk", flat=True))
    seen, page = [], 1
    while True:
        response = client.get(reverse("figure-review-list"), QUARTER | {"page": page})
        seen += [figure.pk for figure in response.context["figures"]]
        if not response.context["page"].has_next():
            break
        page += 1
    assert page == 3
    assert seen == expected


def test_the_history_page_reads_a_page_whatever_the_length_of_the_history(client, planner):
    client.force_login(planner)
    figure = QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="pv"), year=2012, quarter=1,
                                            output_value=Decimal(1))
    url = reverse("history", args=["clusters.quarterlyfigure", figure.pk])

    def changes(n: int) -> None:
        for value in range(n):
            figure.output_value = Decimal(value + 2)
            figure.save()

    changes(60)
    small = _reads(client, url, {})
    changes(200)
    large = _reads(client, url, {})
    assert small == large
    assert large[1] < 80
