"""The completeness counts (clusters.completeness, in SQL) against the per-unit computation they replace
(`reporting_units` over `_clusters_with_modes`, one Python row per unit), on clusters reporting by
enterprise and as a whole, one switching mode between quarters, every status, before and after a deadline."""
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest

from clusters.choices import FigureStatus
from clusters.completeness import Standing, completeness, standings
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from clusters.selectors import _clusters_with_modes, reporting_units
from core.periods import Quarter

pytestmark = pytest.mark.django_db
Q1, Q2, Q3 = Quarter(2011, 1), Quarter(2011, 2), Quarter(2011, 3)
TODAY = date(2011, 7, 20)  # Q1's and Q2's deadlines have passed, Q3's has not


def _figure(code, quarter, status, enterprise=None):
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code=code), enterprise=enterprise, year=quarter.year,
                                   quarter=quarter.quarter, output_value=Decimal(1), status=status)


def _enterprises(code, n):
    cluster = Cluster.objects.get(code=code)
    return [Enterprise.objects.create(cluster=cluster, name=f"{code} 企业{i}") for i in range(n)]


@pytest.fixture
def varied():
    """pv by enterprise (every status in Q1); auto as a whole (returned, then submitted); yixian-main as a
    whole in Q1 then by enterprise from Q2 (so in Q3 too, with nothing entered); linghe-main with
    enterprises and no figure (by enterprise, all missing); the plan's other clusters as a whole, missing."""
    pv = _enterprises("pv", 5)
    for enterprise, status in zip(pv, FigureStatus.values, strict=False):
        _figure("pv", Q1, status, enterprise)
    _figure("pv", Q2, FigureStatus.DRAFT, pv[0])
    _figure("auto", Q1, FigureStatus.RETURNED)
    _figure("auto", Q2, FigureStatus.SUBMITTED)
    _figure("heishan-main", Q1, FigureStatus.APPROVED)
    _figure("yixian-main", Q1, FigureStatus.APPROVED)
    yixian = _enterprises("yixian-main", 3)
    _figure("yixian-main", Q2, FigureStatus.SUBMITTED, yixian[0])
    _figure("yixian-main", Q2, FigureStatus.APPROVED, yixian[1])
    _enterprises("linghe-main", 4)


def _per_unit(clusters, quarter):
    """The old computation: a row per reporting unit, then counted per department and per cluster."""
    figures = {(f.cluster_id, f.enterprise_id): f.status
               for f in QuarterlyFigure.objects.filter(year=quarter.year, quarter=quarter.quarter)}
    departments, by_cluster, units = defaultdict(Counter), defaultdict(Counter), set()
    late = quarter.is_overdue(TODAY)
    for unit in reporting_units(_clusters_with_modes(clusters, [quarter]), quarter):
        standing = figures.get((unit.cluster.pk, unit.enterprise_id), Standing.MISSING)
        for counter in (departments[unit.cluster.responsible_department.code], by_cluster[unit.cluster.pk]):
            counter["units"] += 1
            counter[standing] += 1
            counter["overdue"] += late and standing in Standing.NOT_SUBMITTED
        units.add((unit.cluster.pk, unit.enterprise_id, standing))
    return departments, by_cluster, units


def _counted(counts):
    return Counter({"units": counts.units, "overdue": counts.overdue, Standing.MISSING: counts.missing,
                    Standing.DRAFT: counts.draft, Standing.RETURNED: counts.returned,
                    Standing.SUBMITTED: counts.submitted, Standing.APPROVED: counts.approved})


@pytest.mark.parametrize("quarter", [Q1, Q2, Q3])
def test_the_counts_are_the_per_unit_computation_s(varied, quarter):
    clusters = Cluster.objects.all()
    departments, by_cluster, units = _per_unit(clusters, quarter)
    standing = standings(clusters=clusters, quarters=[Q1, Q2, Q3], today=TODAY, by_cluster=True)[quarter]
    assert {s.department.code: _counted(s) for s in standing.departments} == departments
    assert {pk: _counted(c) for pk, c in standing.by_cluster.items()} == by_cluster
    assert {(u.cluster_id, u.enterprise_id, u.standing) for u in standing.units()} == units
    assert standing.units().count() == standing.total.units == sum(c["units"] for c in departments.values())


def test_the_mode_follows_the_latest_figure_up_to_the_quarter(varied):
    yixian = Cluster.objects.filter(code="yixian-main")
    counts = {q: s.total for q, s in standings(clusters=yixian, quarters=[Q1, Q2, Q3], today=TODAY).items()}
    assert (counts[Q1].units, counts[Q1].approved) == (1, 1)  # as a whole
    assert (counts[Q2].units, counts[Q2].submitted, counts[Q2].approved, counts[Q2].missing) == (3, 1, 1, 1)
    assert (counts[Q3].units, counts[Q3].missing, counts[Q3].overdue) == (3, 3, 0)  # not yet due


def test_overdue_counts_what_is_not_submitted_once_the_deadline_has_passed(varied):
    pv = Cluster.objects.filter(code="pv")
    before = completeness(user=None, quarter=Q1, clusters=pv, today=Q1.deadline).total
    after = completeness(user=None, quarter=Q1, clusters=pv, today=TODAY).total
    assert (before.not_submitted, before.overdue) == (3, 0)  # draft, returned, one missing
    assert (after.not_submitted, after.overdue) == (3, 3)
    assert not completeness(user=None, quarter=Q1, clusters=pv, today=TODAY).fully_approved


def test_fully_approved_when_every_unit_is(varied):
    heishan = Cluster.objects.filter(code="heishan-main")
    assert completeness(user=None, quarter=Q1, clusters=heishan, today=TODAY).fully_approved
    assert not completeness(user=None, quarter=Q2, clusters=heishan, today=TODAY).fully_approved


def test_the_units_list_filters_orders_and_slices_in_sql(varied):
    standing = completeness(user=None, quarter=Q1, clusters=Cluster.objects.filter(code__in=["pv", "auto"]),
                            today=TODAY)
    pv = Cluster.objects.get(code="pv")
    assert [u.standing for u in standing.units(cluster=pv.pk)] == [
        Standing.DRAFT, Standing.SUBMITTED, Standing.APPROVED, Standing.RETURNED, Standing.MISSING]
    assert [u.enterprise for u in standing.units(search="企业3")] == ["pv 企业3"]
    assert {u.key for u in standing.units(standings=[Standing.RETURNED])} == {
        f"e{Enterprise.objects.get(name='pv 企业3').pk}", f"c{Cluster.objects.get(code='auto').pk}"}
    everything = list(standing.units())
    assert standing.units()[2:4] == everything[2:4]
    rows, more = standing.units().first(2)
    assert (rows, more) == (everything[:2], len(everything) - 2)


def test_an_enterprise_moved_to_another_cluster_counts_there_and_its_old_figures_nowhere(varied):
    Enterprise.objects.filter(name="pv 企业0").update(cluster=Cluster.objects.get(code="linghe-main"))
    clusters = Cluster.objects.all()
    departments, by_cluster, _units = _per_unit(clusters, Q1)
    standing = standings(clusters=clusters, quarters=[Q1], today=TODAY, by_cluster=True)[Q1]
    assert {pk: _counted(c) for pk, c in standing.by_cluster.items()} == by_cluster
    assert {s.department.code: _counted(s) for s in standing.departments} == departments
    assert (standing.by_cluster[Cluster.objects.get(code="linghe-main").pk].units, standing.total.draft) == (5, 0)


@pytest.mark.parametrize("by_cluster", [True, False])
@pytest.mark.parametrize("quarter", [Q1, Q2, Q3])
def test_a_count_without_a_name_search_is_taken_from_the_counts_and_is_the_listed_units(
        varied, quarter, by_cluster, django_assert_num_queries):
    standing = standings(clusters=Cluster.objects.all(), quarters=[quarter], today=TODAY,
                         by_cluster=by_cluster)[quarter]
    departments = [s.department.pk for s in standing.departments] + [None]
    filters = [{"department": d} for d in departments] + [{"cluster": c} for c in standing.by_cluster] + [
        {"cluster": Cluster.objects.get(code="pv").pk, "department": d} for d in departments]
    for chosen in filters:
        for picked in ([s] for s in Standing.ALL):
            units = standing.units(standings=picked, **chosen)
            listed = len(list(units))
            if "department" in chosen and "cluster" in chosen:
                assert units.count() == listed
                continue
            with django_assert_num_queries(0):
                assert units.count() == listed, (chosen, picked)
