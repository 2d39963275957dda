"""Deterministic demo data (演示数据): every row it writes is flagged, and `demo_clear` undoes exactly that.

Figures: 2011Q1–2015Q4 for every cluster; a few clusters report by (demo) enterprise.
Also park progress, demo projects with stage moves, investment inflows, indicator actuals,
county matching funds and disbursements. The same seed always gives the same numbers.
"""
import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clusters.choices import FigureSource, FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from core.writes import save_change
from funds.models import Disbursement, Fund, MatchingFund
from indicators.models import CityIndicator, IndicatorActual
from investment.choices import CURRENCY_OF_ORIGIN, Channel, Origin, ProjectStage
from investment.models import InvestmentInflow, Project, ProjectStageMove
from org.models import Region
from parks.choices import ReadinessStatus
from parks.models import Park, ParkReadinessItem
from progress.services import marks_bump

from . import data

YEARS = range(2011, 2016)
QUARTER_WEIGHTS = (Decimal("0.22"), Decimal("0.25"), Decimal("0.26"), Decimal("0.27"))
BY_ENTERPRISE = ("pv", "auto", "titanium", "heishan-main")
ENTERPRISES_PER_CLUSTER = 4
# A plausible 2011 annual output range (亿元) for the named clusters; placeholders get 30–110.
BASE_RANGE = {"pv": (150, 230), "petrochem": (300, 480), "auto": (80, 130), "finechem": (80, 130),
              "titanium": (70, 120), "agri": (80, 120)}
CENT = Decimal("0.01")
# Demo coordinates (演示数据) are drawn around each district's label point in the vendored boundaries
# (static/vendor/jinzhou-map/jinzhou.json, "cp"), up to `spread` degrees away. The zones (开发区, 龙栖湾新区) and
# 松山新区 are not districts of that map: their parks and projects get no demo coordinates and are listed beside it.
DEMO_CENTRES = {  # region code → (longitude, latitude, spread)
    "guta": (121.128279, 41.117245, 0.004), "linghe": (121.150877, 41.114989, 0.004),
    "taihe": (121.103892, 41.109147, 0.01), "heishan": (122.126292, 41.653593, 0.05),
    "beizhen": (121.777395, 41.58844, 0.05), "yixian": (121.23908, 41.533086, 0.05),
    "linghai": (121.35549, 41.160567, 0.05),
}
COORDINATE = Decimal("0.000001")


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo figures, not secrets
        # Its own sequence, so that adding the projects' expected output left every other demo value as it was.
        self.pipeline_rng = random.Random(seed + 1)  # noqa: S311 - demo figures, not secrets
        self.created: Counter[str] = Counter()

    def _bulk(self, model, rows: list) -> list:
        # With a history record each, so a later change (a return, a correction) is shown against the
        # loaded values instead of against nothing.
        if hasattr(model, "history"):
            bulk_create_with_history(rows, model, default_change_reason="demo data loaded")
        else:
            model.objects.bulk_create(rows)
        self.created[model._meta.label] += len(rows)
        return rows

    def annual_series(self, code: str) -> list[Decimal]:
        low, high = BASE_RANGE.get(code, (30, 110))
        value = self.rng.uniform(low, high)
        series = []
        for _year in YEARS:
            series.append(_money(value))
            value *= 1 + self.rng.uniform(0.08, 0.35)
        return series

    def quarters(self, annual: Decimal) -> list[Decimal]:
        return [_money(float(annual * w) * self.rng.uniform(0.95, 1.05)) for w in QUARTER_WEIGHTS]

    def figures(self) -> None:
        """Approved figures for every cluster-quarter that holds no entered or imported figure yet."""
        taken = set(QuarterlyFigure.objects.exclude(source=FigureSource.DEMO)
                    .values_list("cluster_id", "year", "quarter"))
        approved_at = timezone.now()
        rows = []
        for cluster in Cluster.objects.order_by("code"):
            units = [None]
            if cluster.code in BY_ENTERPRISE:
                units = self._bulk(Enterprise, [
                    Enterprise(cluster=cluster, name=f"演示企业 {cluster.code}-{i + 1}", is_demo=True,
                               is_leading=i == 0)
                    for i in range(ENTERPRISES_PER_CLUSTER)
                ])
            for annual, year in zip(self.annual_series(cluster.code), YEARS, strict=True):
                for unit in units:
                    share = Decimal(1) / len(units)
                    for quarter, value in enumerate(self.quarters(annual * share), start=1):
                        if (cluster.pk, year, quarter) in taken:
                            continue
                        rows.append(self._figure(cluster, unit, year, quarter, value, approved_at))
        self._bulk(QuarterlyFigure, rows)

    def _figure(self, cluster, unit, year, quarter, value, approved_at) -> QuarterlyFigure:
        # The last quarter is still in review: some submitted, some drafts.
        last = (year, quarter) == (YEARS[-1], 4)
        status = self.rng.choice([FigureStatus.SUBMITTED, FigureStatus.DRAFT]) if last else FigureStatus.APPROVED
        return QuarterlyFigure(
            cluster=cluster, enterprise=unit, year=year, quarter=quarter, output_value=value,
            revenue=_money(float(value) * self.rng.uniform(0.85, 0.98)),
            tax=_money(float(value) * self.rng.uniform(0.03, 0.07)),
            employees=int(float(value) * self.rng.uniform(40, 90)),
            fixed_asset_investment=_money(float(value) * self.rng.uniform(0.1, 0.3)),
            status=status, source=FigureSource.DEMO,
            approved_at=approved_at if status == FigureStatus.APPROVED else None,
        )

    def parks(self) -> None:
        # Only parks with no progress entered at all get demo progress.
        for park in Park.objects.filter(is_demo=False, area_km2__isnull=True, factory_built_m2=0):
            park.area_km2 = _money(self.rng.uniform(3.0, 11.0))
            park.factory_built_m2 = Decimal(self.rng.randrange(40_000, 220_000, 1_000))
            park.is_demo, park.version = True, park.version + 1  # a page open on the old values is now stale
            park.save(update_fields=["area_km2", "factory_built_m2", "is_demo", "version", "updated_at"])
            self.created["parks.Park (progress)"] += 1
        for item in ParkReadinessItem.objects.filter(is_demo=False, status=ReadinessStatus.NOT_STARTED):
            roll = self.rng.random()
            if roll < 0.6:
                item.status = ReadinessStatus.DONE
                item.completed_on = item.deadline - timedelta(days=self.rng.randrange(-40, 60))
            elif roll < 0.85:
                item.status = ReadinessStatus.IN_PROGRESS
            item.is_demo, item.version = True, item.version + 1
            item.save(update_fields=["status", "completed_on", "is_demo", "version", "updated_at"])
            self.created["parks.ParkReadinessItem (progress)"] += 1

    def projects(self) -> None:
        clusters = list(Cluster.objects.order_by("code"))
        regions = list(Region.objects.order_by("code"))
        channels = [c for c in Channel.values if c != Channel.UNKNOWN]
        for i in range(24):
            origin = self.rng.choice(Origin.values)
            stage = self.rng.randint(1, 5)
            start = date(2011, 1, 1) + timedelta(days=self.rng.randrange(0, 900))
            project = Project(
                name=f"演示项目 {i + 1:02d}", cluster=self.rng.choice(clusters), region=self.rng.choice(regions),
                investor=f"演示投资方 {i + 1:02d}", origin=origin, currency=CURRENCY_OF_ORIGIN[origin],
                planned_amount=_money(self.rng.uniform(0.5, 40)), channel=self.rng.choice(channels),
                is_key=self.rng.random() < 0.3, stage=stage, is_demo=True,
                stage_since=start + timedelta(days=120 * (stage - 1)),
                **self.expected_output(),
            )
            project.save()
            self.created["investment.Project"] += 1
            self._bulk(ProjectStageMove, [
                ProjectStageMove(project=project, from_stage=s - 1 if s > 1 else None, to_stage=s,
                                 moved_on=start + timedelta(days=120 * (s - 1)), note="演示数据", is_demo=True)
                for s in range(ProjectStage.NEGOTIATION, stage + 1)
            ])

    def expected_output(self) -> dict:
        """A demo project's expected production start, output at full capacity (亿元) and ramp-up, labelled
        演示数据 (`pipeline_is_demo`); the plan's own projects keep them empty (the plan gives none)."""
        rng = self.pipeline_rng
        return {"expected_start_year": rng.randint(2012, 2015), "expected_start_quarter": rng.randint(1, 4),
                "expected_output": _money(rng.uniform(5, 80)), "ramp_up_quarters": rng.choice([None, 2, 4, 6]),
                "pipeline_is_demo": True}

    def locations(self) -> None:
        """Demo coordinates for the parks and demo projects in a district of the map that have none."""
        for model, rows in ((Park, Park.objects.filter(longitude__isnull=True)),
                            (Project, Project.objects.filter(is_demo=True, longitude__isnull=True))):
            for row in rows.select_related("region").order_by("pk"):
                centre = DEMO_CENTRES.get(row.region.code) if row.region else None
                if centre is None:
                    continue
                longitude, latitude, spread = centre
                row.longitude = Decimal(str(longitude + self.rng.uniform(-spread, spread))).quantize(COORDINATE)
                row.latitude = Decimal(str(latitude + self.rng.uniform(-spread, spread))).quantize(COORDINATE)
                row.location_is_demo, row.version = True, row.version + 1
                row.save(update_fields=["longitude", "latitude", "location_is_demo", "version", "updated_at"])
                self.created[f"{model._meta.label} (demo coordinates)"] += 1

    def inflows(self) -> None:
        rows = []
        for region in Region.objects.order_by("code"):
            for year in YEARS:
                for quarter in range(1, 5):
                    if (year, quarter) == (YEARS[-1], 4):
                        continue
                    for origin, high in ((Origin.FOREIGN, 0.6), (Origin.DOMESTIC, 25.0)):
                        rows.append(InvestmentInflow(
                            year=year, quarter=quarter, region=region, origin=origin,
                            currency=CURRENCY_OF_ORIGIN[origin], amount=_money(self.rng.uniform(high / 5, high)),
                            is_demo=True,
                        ))
        self._bulk(InvestmentInflow, rows)

    def indicators(self) -> None:
        rows = []
        for indicator in CityIndicator.objects.order_by("code"):
            target = float(indicator.target_percent)
            rows += [IndicatorActual(indicator=indicator, quarter=q, is_demo=True,
                                     value_percent=_money(target + self.rng.uniform(-6, 4)))
                     for q in range(1, 5)]
        self._bulk(IndicatorActual, rows)

    def funds(self) -> None:
        regions = list(Region.objects.filter(kind=Region.Kind.COUNTY).order_by("code"))
        # Three of the four counties set up a matching fund, so the rule has a case to show.
        funded = regions[:-1]
        self._bulk(MatchingFund, [
            MatchingFund(region=r, year=data.PLAN_YEAR, amount_wan=Decimal(self.rng.randrange(500, 3000, 100)),
                         established_on=date(data.PLAN_YEAR, 3, 1), is_demo=True)
            for r in funded
        ])
        land = Fund.objects.get(code="land-revolving")
        special = Fund.objects.get(code="cluster-special")
        rows = [Disbursement(fund=land, region=r, park=r.parks.first(), amount_wan=Decimal(5000),
                             paid_on=date(data.PLAN_YEAR, 5, 10), purpose="征地补偿（演示数据）", is_demo=True)
                for r in regions]
        rows += [Disbursement(fund=special, region=r, amount_wan=Decimal(300), paid_on=date(data.PLAN_YEAR, 9, 1),
                              purpose="贴息（演示数据）", is_demo=True) for r in funded]
        self._bulk(Disbursement, rows)


@transaction.atomic
def demo_clear() -> Counter[str]:
    """Remove every demo row and reset demo progress values; plan rows and entered data stay."""
    removed: Counter[str] = Counter()
    for model in (QuarterlyFigure,):
        removed[model._meta.label] = model.objects.filter(source=FigureSource.DEMO).delete()[0]
    for model in (Disbursement, MatchingFund, IndicatorActual, InvestmentInflow, ProjectStageMove, Project):
        removed[model._meta.label] = model.objects.filter(is_demo=True).delete()[0]
    # A demo enterprise that has since received real figures stays (and is no longer demo).
    kept = Enterprise.objects.filter(is_demo=True, figures__isnull=False).distinct()
    kept.update(is_demo=False)
    removed["clusters.Enterprise"] = Enterprise.objects.filter(is_demo=True).delete()[0]
    # Saved one by one, so each reset is in the park's change history.
    for park in Park.objects.filter(is_demo=True):
        park.area_km2, park.factory_built_m2, park.is_demo = None, Decimal(0), False
        save_change(park, user=None, reason="load_demo --clear")
        removed["parks.Park (progress)"] += 1
    for park in Park.objects.filter(location_is_demo=True):
        park.longitude, park.latitude, park.location_is_demo = None, None, False
        save_change(park, user=None, reason="load_demo --clear")
        removed["parks.Park (demo coordinates)"] += 1
    for item in ParkReadinessItem.objects.filter(is_demo=True):
        item.status, item.completed_on, item.is_demo = ReadinessStatus.NOT_STARTED, None, False
        save_change(item, user=None, reason="load_demo --clear")
        removed["parks.ParkReadinessItem (progress)"] += 1
    _mark_pending()
    return +removed


def _mark_pending() -> None:
    """Demo figures are written in bulk, past the figure services: mark every year pending instead."""
    marks_bump(cluster_ids=list(Cluster.objects.values_list("pk", flat=True)), years=list(YEARS))


@transaction.atomic
def demo_load(*, seed: int = 2011) -> Counter[str]:
    """Replace the demo data with a fresh deterministic set for `seed`."""
    demo_clear()
    generator = _Generator(seed)
    generator.figures()
    generator.parks()
    generator.projects()
    generator.inflows()
    generator.indicators()
    generator.funds()
    generator.locations()  # last: the seed's earlier numbers stay as they were before coordinates existed
    _mark_pending()
    return generator.created
