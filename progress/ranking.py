"""Assessment ranking (考核评比) of regions and departments, reproducible for any past quarter.

Score of a region or department for (year, quarter) = Σ weight × completion / Σ weight, over the
criteria that apply to it (a criterion with nothing to assess is left out, not counted as zero):
- output: mean over its clusters of min(1, year-to-date output / (annual target × quarter / 4)),
  where the annual target is the threshold of the cluster's nearest stage goal due in that year or
  later, or, for a cluster without a goal of its own, the 100亿 scale threshold of the count goals;
- park_readiness: share of its parks' 七通一平 items completed on or before the quarter's end;
- park_area: mean over its parks of min(1, area / area target), as recorded at the quarter's end;
- park_factories: mean of min(1, standard factory space / lower target), as recorded then.
Values "as recorded at the quarter's end" come from the change history, so a past quarter's
ranking does not move when today's values change. Regions are scored on the clusters and parks on
their territory; departments on the clusters and parks they are responsible for.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from clusters.choices import GoalKind
from clusters.models import Cluster, StageGoal
from org.models import Department, Region
from parks.choices import ReadinessStatus
from parks.models import Park

from .models import AssessmentWeight, Criterion, Progress, Scope

ONE = Decimal(1)
SCALE_GOAL = "s3-count-100"
RATIO = Decimal("0.0001")


@dataclass
class RankedUnit:
    kind: str  # "region" or "department"
    unit: Region | Department
    components: dict[str, Decimal] = field(default_factory=dict)
    score: Decimal | None = None
    rank: int | None = None
    parts: dict[str, Decimal] = field(default_factory=dict)  # what each criterion adds to the score (unrounded)

    @property
    def ordered_components(self) -> list[Decimal | None]:
        """Completion per criterion, in the order of `Criterion` (the columns of the ranking page)."""
        return [self.components.get(c) for c in Criterion.values]

    @property
    def ordered_parts(self) -> list[Decimal | None]:
        """What each criterion adds to the score (weight × completion ÷ Σ weights that apply), in the order of
        `Criterion`: the parts add up to the score; None for a criterion that does not apply."""
        return [self.parts.get(c) for c in Criterion.values]


def quarter_end(year: int, quarter: int) -> date:
    return date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - timedelta(days=1)


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values) / len(values)).quantize(RATIO) if values else None


def _cluster_targets(year: int) -> dict[int, Decimal]:
    """Each cluster's annual target for `year`: its nearest goal due then or later, else the scale threshold."""
    scale = StageGoal.objects.filter(code=SCALE_GOAL).values_list("threshold", flat=True).first() or Decimal(100)
    targets: dict[int, Decimal] = {}
    goals = (StageGoal.objects.filter(kind=GoalKind.CLUSTER_VALUE, deadline_year__gte=year)
             .order_by("cluster_id", "deadline_year", "-threshold").values_list("cluster_id", "threshold"))
    for cluster_id, threshold in goals:
        targets.setdefault(cluster_id, threshold)
    return defaultdict(lambda: scale, targets)


def _output_completion(year: int, quarter: int) -> dict[int, Decimal]:
    targets = _cluster_targets(year)
    # The latest quarter up to the ranked one: a cluster whose figure for that quarter is still in
    # review counts what it has approved so far this year.
    ytd = dict(Progress.objects.filter(scope=Scope.CLUSTER, year=year, quarter__gte=1, quarter__lte=quarter)
               .order_by("scope_id", "quarter").values_list("scope_id", "ytd_value"))
    return {cluster_id: min(ONE, ytd.get(cluster_id, Decimal(0)) / (targets[cluster_id] * quarter / 4))
            for cluster_id in Cluster.objects.values_list("pk", flat=True)}


def park_records_since() -> date | None:
    """The day park area and factory space began to be recorded (their change history starts there): a
    quarter that ended before it has no recorded value, so those criteria are left out of its ranking."""
    first = Park.history.aggregate(first=Min("history_date"))["first"]
    return timezone.localdate(first) if first else None


def _park_completions(end: date) -> dict[str, dict[int, Decimal]]:
    moment = datetime.combine(end, time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))
    parks = {p.pk: p for p in Park.history.as_of(moment)}
    items = (Park.objects.annotate(
        total=Count("readiness_items"),
        done=Count("readiness_items", filter=Q(readiness_items__status=ReadinessStatus.DONE,
                                               readiness_items__completed_on__lte=end)),
    ).values_list("pk", "total", "done"))
    readiness = {pk: Decimal(done) / total for pk, total, done in items if total}
    area = {pk: min(ONE, (p.area_km2 or 0) / p.area_target_km2) for pk, p in parks.items()}
    factories = {pk: min(ONE, p.factory_built_m2 / p.factory_target_min_m2) for pk, p in parks.items()}
    return {Criterion.PARK_READINESS: readiness, Criterion.PARK_AREA: area, Criterion.PARK_FACTORIES: factories}


def _score(unit: RankedUnit, weights: dict[str, Decimal]) -> None:
    applicable = {c: v for c, v in unit.components.items() if v is not None and weights.get(c)}
    total_weight = sum(weights[c] for c in applicable)
    unit.score = (sum(weights[c] * v for c, v in applicable.items()) / total_weight).quantize(RATIO) \
        if total_weight else None
    unit.parts = {c: weights[c] * v / total_weight for c, v in applicable.items()} if total_weight else {}


def _rank(units: list[RankedUnit]) -> list[RankedUnit]:
    units.sort(key=lambda u: (u.score is None, -(u.score or 0), u.unit.code))
    for position, unit in enumerate(units, start=1):
        unit.rank = position if unit.score is not None else None
    return units


def _grouped(pairs: Iterable[tuple[int, int | None]]) -> dict[int | None, list[int]]:
    """(item, owner) pairs as owner → items, in the pairs' order."""
    grouped: dict[int | None, list[int]] = defaultdict(list)
    for item, owner in pairs:
        grouped[owner].append(item)
    return grouped


def assessment_ranking(*, year: int, quarter: int,
                       weights: dict[str, Decimal] | None = None) -> dict[str, list[RankedUnit]]:
    """Regions and departments ranked for (year, quarter), each with its components. `weights` (criterion →
    weight) spares a caller that shows them a second read; by default they are read here."""
    if weights is None:
        weights = dict(AssessmentWeight.objects.values_list("criterion", "weight"))
    output = _output_completion(year, quarter)
    parks = _park_completions(quarter_end(year, quarter))
    park_rows = list(Park.objects.values_list("pk", "region_id", "responsible_department_id"))
    cluster_regions = list(Cluster.regions.through.objects.values_list("cluster_id", "region_id"))
    cluster_departments = list(Cluster.objects.values_list("pk", "responsible_department_id"))

    def components(cluster_ids: list[int], park_ids: list[int]) -> dict[str, Decimal | None]:
        result = {Criterion.OUTPUT: _mean([output[c] for c in cluster_ids])}
        for criterion, values in parks.items():
            result[criterion] = _mean([values[p] for p in park_ids if p in values])
        return result

    ranked = {}
    for kind, model, cluster_pairs, park_index in (
        ("region", Region, cluster_regions, 1),
        ("department", Department, cluster_departments, 2),
    ):
        clusters_of = _grouped(cluster_pairs)
        parks_of = _grouped((row[0], row[park_index]) for row in park_rows)
        units = []
        for unit in model.objects.all():
            clusters, unit_parks = clusters_of.get(unit.pk, []), parks_of.get(unit.pk, [])
            if not clusters and not unit_parks:
                continue
            ranked_unit = RankedUnit(kind=kind, unit=unit, components=components(clusters, unit_parks))
            _score(ranked_unit, weights)
            units.append(ranked_unit)
        ranked[kind] = _rank(units)
    return ranked
