"""Roll-up tables (written only by `progress.rollup`) and the marks that say what is pending.

`Progress` holds one row per scope (cluster, region, department, city), year and quarter
(quarter 0 = the whole year), computed from approved quarterly figures. `RollupMark` is the
"dirty mark": every approval, return or reopening bumps its cluster-year's `version` in the
same transaction as the change; a roll-up sets `done_version` to the version it started from.
A mark with version > done_version means the numbers shown for that cluster-year are pending.
`SeriesMark` does the same for a year's city-wide inflows and indicators.
"""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster
from core.access import AccessRule, ScopedQuerySet
from core.models import Versioned
from indicators.models import CityIndicator
from investment.choices import Origin

VALUE_DIGITS = {"max_digits": 16, "decimal_places": 4}
# Wide enough for any ratio of two valid output values (up to 10^8 亿元 with 4 decimals).
GROWTH_DIGITS = {"max_digits": 20, "decimal_places": 6}


class Scope(models.TextChoices):
    CLUSTER = "cluster", _("cluster")
    REGION = "region", _("region")
    DEPARTMENT = "department", _("responsible department")
    CITY = "city", _("whole city")


class RollupStamped(models.Model):
    """What every roll-up row carries: how many demo rows fed it, and from which data, when."""

    demo_units = models.PositiveIntegerField(_("contributing demo rows"))
    data_version = models.BigIntegerField(_("data version"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        abstract = True


class Progress(RollupStamped):
    """Output value (亿元) of one scope for one quarter (or, with quarter 0, one whole year)."""

    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    scope_id = models.BigIntegerField(_("scope id"), help_text=_("0 for the whole city."))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), help_text=_("0 means the whole year."))
    value = models.DecimalField(_("output value (100 million yuan)"), **VALUE_DIGITS)
    ytd_value = models.DecimalField(_("year-to-date output value (100 million yuan)"), **VALUE_DIGITS)
    prev_value = models.DecimalField(_("same period last year"), **VALUE_DIGITS, null=True)
    prev_ytd_value = models.DecimalField(_("year to date last year"), **VALUE_DIGITS, null=True)
    yoy_growth = models.DecimalField(_("year-on-year growth"), **GROWTH_DIGITS, null=True)
    ytd_yoy_growth = models.DecimalField(_("year-to-date growth on last year"), **GROWTH_DIGITS, null=True)
    units = models.PositiveIntegerField(_("contributing rows"))

    class Meta:
        verbose_name = _("progress roll-up")
        verbose_name_plural = _("progress roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id", "year", "quarter"], name="progress_unique_period"),
            models.CheckConstraint(condition=Q(quarter__gte=0, quarter__lte=4), name="progress_quarter_0_to_4"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "scope"], name="progress_period_scope")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.scope_id} {self.year}Q{self.quarter}"


class InflowProgress(RollupStamped):
    """City-wide investment actually received per quarter and origin, against the year's target."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    origin = models.CharField(_("origin of capital"), max_length=10, choices=Origin.choices)
    currency = models.CharField(_("currency"), max_length=3)
    value = models.DecimalField(_("amount (100 million)"), **VALUE_DIGITS)
    ytd_value = models.DecimalField(_("year to date (100 million)"), **VALUE_DIGITS)
    target = models.DecimalField(_("year's target (100 million)"), **VALUE_DIGITS, null=True)

    class Meta:
        verbose_name = _("investment inflow roll-up")
        verbose_name_plural = _("investment inflow roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "origin"], name="inflow_progress_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.origin} {self.year}Q{self.quarter}"


class IndicatorProgress(RollupStamped):
    """A city indicator's actual for a quarter beside its target, and whether it is met."""

    indicator = models.ForeignKey(CityIndicator, on_delete=models.CASCADE, related_name="progress")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    value_percent = models.DecimalField(_("actual (%)"), max_digits=5, decimal_places=2)
    target_percent = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)
    met = models.BooleanField(_("met"))

    class Meta:
        verbose_name = _("indicator roll-up")
        verbose_name_plural = _("indicator roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "quarter"], name="indicator_progress_unique_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}Q{self.quarter}"


class PendingMark(models.Model):
    """A change count (`version`, bumped in the changing transaction) and how far a roll-up has caught up
    (`done_version`): pending while the first is ahead."""

    version = models.PositiveIntegerField(_("change count"), default=1)
    done_version = models.PositiveIntegerField(_("rolled up to"), default=0)
    changed_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.version > self.done_version


class RollupMark(PendingMark):
    """A cluster-year whose approved figures changed: pending until a roll-up catches up."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="rollup_marks")
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("roll-up mark")
        verbose_name_plural = _("roll-up marks")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="rollup_mark_unique_cluster_year"),
        ]
        indexes = [
            models.Index(fields=["year"], condition=Q(version__gt=F("done_version")), name="rollup_mark_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.year}: {self.done_version}/{self.version}"


class SeriesMark(PendingMark):
    """A year whose city-wide series changed (an investment inflow or target, an indicator's actual or
    target): `InflowProgress` and `IndicatorProgress` of that year are pending until a roll-up catches up."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)

    class Meta:
        verbose_name = _("city series roll-up mark")
        verbose_name_plural = _("city series roll-up marks")

    def __str__(self) -> str:
        return f"{self.year}: {self.done_version}/{self.version}"


class RollupYear(models.Model):
    """One row per year: the lock that serialises roll-ups of that year, and its last full run."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    full_computed_at = models.DateTimeField(_("last full recompute"), null=True)

    class Meta:
        verbose_name = _("roll-up year")
        verbose_name_plural = _("roll-up years")

    def __str__(self) -> str:
        return str(self.year)


class Criterion(models.TextChoices):
    OUTPUT = "output", _("cluster output against its stage target")
    PARK_READINESS = "park_readiness", _("七通一平 items completed")
    PARK_AREA = "park_area", _("park area against 5 km²")
    PARK_FACTORIES = "park_factories", _("standard factory space against target")


class AssessmentWeight(Versioned):
    """A planner's weight for one criterion of the assessment ranking (考核评比).

    The plan states no weights: `load_plan` creates equal weights of 1 as editable defaults.
    """

    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices, unique=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    # City-wide: every signed-in user reads the weights, only planners change them.
    access = AccessRule(view=(), edit=(), public=Q(pk__isnull=False))

    class Meta:
        verbose_name = _("assessment weight")
        verbose_name_plural = _("assessment weights")
        ordering = ["criterion"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="assessment_weight_non_negative",
                                   violation_error_message=_("A weight cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.weight}"
