"""Assessment ranking (考核评比) against scores computed by hand from the method in progress/ranking.py.

Score = Σ weight × completion / Σ weight over the criteria that apply. Output completion =
min(1, YTD output / (annual target × quarter / 4)); the county clusters' 2011 target is 100亿.
Park area and factory space count as recorded at the quarter's end (the change history); the
plan's parks were recorded when the test session loaded the plan, so each test that needs a
2011 value records one with a 2011 history date, as an entry made at the time would have been.
"""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusters.models import Cluster
from parks.choices import ReadinessStatus
from parks.models import Park, ParkReadinessItem
from progress.models import AssessmentWeight, Criterion
from progress.ranking import assessment_ranking
from progress.services import rollup_full
from tests.progress.figures import approved_quarters, approved_year

pytestmark = pytest.mark.django_db

TZ = ZoneInfo(settings.TIME_ZONE)


def _unit(ranking, kind: str, code: str):
    return next(u for u in ranking[kind] if u.unit.code == code)


def _snapshot(ranking) -> list[tuple]:
    return [(kind, u.unit.code, u.score, u.rank, dict(u.components)) for kind, units in ranking.items() for u in units]


def _record_park(code: str, *, at: datetime, **values) -> None:
    """Change a park as a planner would, with the change history dated `at` (None: now)."""
    park = Park.objects.get(code=code)
    for name, value in values.items():
        setattr(park, name, value)
    if at is not None:
        park._history_date = at
    park.save()


def _readiness_done(park_code: str, count: int, on: date) -> None:
    items = ParkReadinessItem.objects.filter(park__code=park_code, status=ReadinessStatus.NOT_STARTED)
    pks = list(items.order_by("kind").values_list("pk", flat=True)[:count])
    ParkReadinessItem.objects.filter(pk__in=pks).update(status=ReadinessStatus.DONE, completed_on=on)


def _set_weights(**weights: str) -> None:
    for criterion, weight in weights.items():
        row = AssessmentWeight.objects.get(criterion=criterion)
        row.weight = Decimal(weight)
        row.save()


def test_region_whose_clusters_reached_their_targets_ranks_above_one_that_did_not():
    # given: 黑山's cluster reaches its 100亿 target in 2011, 北镇's reaches 60 %
    approved_year("heishan-main", 2011, "120")
    approved_year("beizhen-main", 2011, "60")
    rollup_full()

    ranking = assessment_ranking(year=2011, quarter=4)

    heishan, beizhen = _unit(ranking, "region", "heishan"), _unit(ranking, "region", "beizhen")
    assert (heishan.components[Criterion.OUTPUT], beizhen.components[Criterion.OUTPUT]) == (1, Decimal("0.6"))
    # Both parks: no 七通一平 item done (0); area and factories not yet recorded in 2011 (left out).
    assert heishan.components[Criterion.PARK_AREA] is None
    assert (heishan.score, beizhen.score) == (Decimal("0.5"), Decimal("0.3"))
    assert heishan.rank < beizhen.rank


def test_planner_weights_change_the_score_as_the_formula_says():
    # given 黑山 in 2011 Q2: output YTD 40 of 100 × 2/4 = 0.8; 4 of 8 items done = 0.5;
    # 3 of 5 km² = 0.6; 50,000 of 100,000 m² = 0.5
    approved_quarters("heishan-main", 2011, ["20", "20"])
    rollup_full()
    _readiness_done("heishan-park", 4, date(2011, 6, 30))
    _record_park("heishan-park", at=datetime(2011, 5, 1, tzinfo=TZ), area_km2=Decimal(3),
                 factory_built_m2=Decimal(50_000))

    heishan = _unit(assessment_ranking(year=2011, quarter=2), "region", "heishan")
    assert heishan.components == {Criterion.OUTPUT: Decimal("0.8"), Criterion.PARK_READINESS: Decimal("0.5"),
                                  Criterion.PARK_AREA: Decimal("0.6"), Criterion.PARK_FACTORIES: Decimal("0.5")}
    assert heishan.score == Decimal("0.6")  # (0.8 + 0.5 + 0.6 + 0.5) / 4 with the equal default weights

    # when: a planner weighs output three times and drops park area
    _set_weights(**{Criterion.OUTPUT: "3", Criterion.PARK_AREA: "0"})

    # then: (3 × 0.8 + 1 × 0.5 + 1 × 0.5) / (3 + 1 + 1) = 3.4 / 5
    assert _unit(assessment_ranking(year=2011, quarter=2), "region", "heishan").score == Decimal("0.68")


def test_past_quarter_ranking_does_not_move_when_a_park_area_is_edited_today():
    approved_year("heishan-main", 2011, "80")
    rollup_full()
    for code in ("heishan-park", "beizhen-park"):
        _record_park(code, at=datetime(2011, 6, 1, tzinfo=TZ), area_km2=Decimal(6), factory_built_m2=Decimal(80_000))
    before = _snapshot(assessment_ranking(year=2011, quarter=4))
    assert _unit(assessment_ranking(year=2011, quarter=4), "region", "heishan").components[Criterion.PARK_AREA] == 1

    # when: the park's area is corrected today
    _record_park("heishan-park", at=None, area_km2=Decimal(2))

    # then: 2011 Q4 is unchanged, while the current quarter sees 2 of 5 km²
    assert _snapshot(assessment_ranking(year=2011, quarter=4)) == before
    today = timezone.localdate()
    current = assessment_ranking(year=today.year, quarter=(today.month - 1) // 3 + 1)
    assert _unit(current, "region", "heishan").components[Criterion.PARK_AREA] == Decimal("0.4")


def test_readiness_counts_only_items_completed_by_the_quarter_end():
    # given: four items done on 30 June (the Q2 end), two more on 1 July
    _readiness_done("heishan-park", 4, date(2011, 6, 30))
    _readiness_done("heishan-park", 2, date(2011, 7, 1))

    def readiness(quarter: int) -> Decimal:
        return _unit(assessment_ranking(year=2011, quarter=quarter), "region", "heishan").components[
            Criterion.PARK_READINESS]

    assert readiness(1) == 0
    assert readiness(2) == Decimal("0.5")  # 4 of 8
    assert readiness(3) == Decimal("0.75")  # 6 of 8


def test_output_of_a_cluster_without_a_figure_for_the_quarter_counts_its_year_to_date_so_far():
    # given: 黑山 has approved Q1–Q3 (90亿); its Q4 figure is not approved yet
    approved_quarters("heishan-main", 2011, ["30", "30", "30"])
    rollup_full()

    heishan = _unit(assessment_ranking(year=2011, quarter=4), "region", "heishan")

    # YTD by Q4 is 90 of the 100亿 target
    assert heishan.components[Criterion.OUTPUT] == Decimal("0.9")


def _larger_data() -> None:
    for year in (2011, 2012):
        for cluster in Cluster.objects.exclude(figures__year=year):
            approved_year(cluster.code, year, "150")
    for park in Park.objects.all():
        _record_park(park.code, at=datetime(2011, 3, 1, tzinfo=TZ), area_km2=Decimal(4),
                     factory_built_m2=Decimal(120_000))
        _readiness_done(park.code, 5, date(2011, 6, 15))
    rollup_full()


def test_ranking_query_count_is_bounded_and_does_not_grow_with_data(django_assert_max_num_queries):
    approved_year("heishan-main", 2011, "50")
    rollup_full()
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as small:
        assessment_ranking(year=2011, quarter=4)

    _larger_data()
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as large:
        ranking = assessment_ranking(year=2011, quarter=4)

    assert len(large) == len(small)
    assert all(u.score is not None for u in ranking["region"])
