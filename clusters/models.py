"""Clusters, their enterprises, quarterly figures, stage goals and public-service platforms."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import AccessRule, ScopedQuerySet
from core.formats import quarter_label
from core.models import Bilingual, DemoFlagged, TimeStampedModel, Versioned, in_language
from org.models import Department, Region

from .choices import EntryModeChoice, FigureSource, FigureStatus, GoalKind, Level, PlatformKind, PlatformStatus, Stage

FIRST_YEAR, LAST_YEAR = 2000, 2100
# Quarterly figures start with the plan's base year: the plan (十二五) runs 2011–2015 (plan.data.PLAN_YEAR)
# and 2011's growth is measured on 2010 (基期), so 2010 is entered too. An earlier year is a typing error,
# refused by every path (entry page, import, API, admin) through the model's validator and constraint.
FIRST_FIGURE_YEAR = 2010
# 亿元 with four decimals keeps 万元 precision; 10^8 亿元 is far beyond any city's output.
OUTPUT_DIGITS = {"max_digits": 12, "decimal_places": 4}


class Cluster(Bilingual, TimeStampedModel, Versioned):
    """An industrial cluster (产业集群). `is_placeholder` marks what the plan does not name."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    industry = models.CharField(_("industry"), max_length=80, blank=True, help_text=_("Empty means TBD."))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), blank=True, related_name="clusters")
    responsible_department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="clusters"
    )
    supporting_departments = models.ManyToManyField(
        Department, verbose_name=_("supporting departments"), blank=True, related_name="supported_clusters"
    )
    leading_products = models.TextField(_("leading products"), blank=True)
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, help_text=_("The plan does not name this cluster; edit when known.")
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    # The competent department and the government of each region the cluster lies in edit it;
    # supporting departments (land, finance, ...) view it.
    access = AccessRule(
        view=("responsible_department", "supporting_departments", "regions__departments"),
        edit=("responsible_department", "regions__departments"),
    )

    class Meta:
        verbose_name = _("industrial cluster")
        verbose_name_plural = _("industrial clusters")
        ordering = ["code"]


class Enterprise(TimeStampedModel, DemoFlagged, Versioned):
    """An enterprise in a cluster; where a cluster reports by enterprise, each one reports here."""

    # No index of its own: (cluster, name) and (cluster, id) below both begin with it.
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="enterprises", db_index=False
    )
    name = models.CharField(_("name"), max_length=120)
    is_leading = models.BooleanField(_("leading enterprise"), default=False)
    products = models.TextField(_("products"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = Cluster.access.via("cluster")

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["cluster_id", "name"]  # by the id: ordering by the cluster would join it (and its code)
        indexes = [
            # Completeness counts an enterprise's figures only in its own cluster: figures and enterprises merged
            # on (cluster, enterprise), both read from their indexes alone (clusters.completeness._counts).
            models.Index(fields=["cluster", "id"], name="enterprise_cluster_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "name"],
                name="enterprise_unique_name_in_cluster",
                violation_error_message=_("This cluster already has an enterprise of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def quarter_index() -> models.Expression:
    """A figure's quarter as `Quarter.index` (consecutive quarters differ by one), in SQL. The figure indexes
    keyed by it are used by queries that compare and order by this very expression."""
    return F("year") * 4 + F("quarter") - 1


def _non_negative(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"figure_{field}_non_negative",
        violation_error_message=_("Amounts cannot be negative."),
    )


class QuarterlyFigure(TimeStampedModel, Versioned):
    """One reporting unit's figures for one calendar quarter: the unit of reported data.

    The reporting unit is the cluster as a whole (`enterprise` empty) or one of its
    enterprises. Values are the quarter's own (not year-to-date). For one cluster and quarter
    there are either a direct figure or enterprise figures, never both: checked in `clean()`,
    by the service under a lock on the cluster, and by a database trigger (migration 0002).
    `version` increases with every save; writers pass the version they read (optimistic locking).
    """

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="figures")
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
        help_text=_("Empty: the cluster reports as a whole."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[
        MinValueValidator(FIRST_FIGURE_YEAR, message=_("Figures start with the plan's base year, %(limit_value)s.")),
        MaxValueValidator(LAST_YEAR),
    ])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    output_value = models.DecimalField(
        _("output value (100 million yuan)"), **OUTPUT_DIGITS, validators=[MinValueValidator(Decimal(0))]
    )
    revenue = models.DecimalField(
        _("main business revenue (100 million yuan)"), **OUTPUT_DIGITS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    tax = models.DecimalField(
        _("taxes paid (100 million yuan)"), **OUTPUT_DIGITS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    fixed_asset_investment = models.DecimalField(
        _("fixed-asset investment (100 million yuan)"), **OUTPUT_DIGITS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    # How the output value was reported: as the quarter's own value, or as the year to date (累计), from
    # which `output_value` was derived. The reported 累计 is kept as reported: it is the authoritative figure
    # in Chinese statistical reporting, and an earlier quarter corrected later must not change it silently
    # (`selectors.with_ytd_check` flags the disagreement; `services.figure_resolve_ytd` settles it).
    entry_mode = models.CharField(_("entry mode"), max_length=7, choices=EntryModeChoice.choices,
                                  default=EntryModeChoice.QUARTER)
    reported_ytd = models.DecimalField(
        _("reported year to date (100 million yuan)"), **OUTPUT_DIGITS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(_("status"), max_length=10, choices=FigureStatus.choices, default=FigureStatus.DRAFT)
    source = models.CharField(_("source"), max_length=10, choices=FigureSource.choices, default=FigureSource.ENTERED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    # The latest return (or reopening): kept after the figure is corrected and resubmitted, so the
    # editor, the review list and the API can always say why it came back.
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("returned by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = Cluster.access.via("cluster")

    class Meta:
        # Ordered by the ids, not by cluster and enterprise: those would join both tables (and their own orderings)
        # into every query of figures, including the roll-up's and completeness's that only fill a dict. A list
        # that people read orders itself explicitly.
        verbose_name = _("quarterly figure")
        verbose_name_plural = _("quarterly figures")
        ordering = ["-year", "-quarter", "cluster_id", "enterprise_id"]
        indexes = [
            models.Index(fields=["year", "quarter", "status"], name="figure_period_status"),
            # The roll-up groups by cluster and period; the one-reporting-mode trigger looks up by them. With the
            # enterprise, completeness's "latest figure up to the quarter" of a cluster is one index-only step
            # back; without it the planner may walk the period index instead, to its end for a cluster with no
            # figure (0.7 s for the counts of a city).
            models.Index(fields=["cluster", "year", "quarter"], include=["enterprise"], name="figure_cluster_period"),
            # A cluster's latest figure up to a quarter, by the quarter's index (`quarter_index`): completeness's
            # reporting mode. Keyed by the expression, not (year, quarter), so that only this answers
            # `ORDER BY quarter_index DESC LIMIT 1` for a cluster: PostgreSQL would otherwise walk a (year, quarter)
            # index filtering on the cluster, which for a cluster without figures reads the whole index (0.9 s of
            # a city's entry page). See docs/performance.md.
            models.Index(F("cluster"), quarter_index(), include=["enterprise"], name="figure_cluster_qindex"),
            # The figures not yet approved: a few quarters' worth, however long the history. The inbox's review
            # queue (submitted, not entered by the reviewer) is read from it alone.
            models.Index(F("cluster"), quarter_index(),
                         include=["year", "quarter", "enterprise", "status", "entered_by", "submitted_by"],
                         condition=~Q(status="approved"), name="figure_open"),
            # The figures sent back, oldest return first: the inbox (and its badge on every page) lists its user's,
            # a handful however many figures there are (by status alone PostgreSQL walked the (year, quarter,
            # status) index: 9 ms at province).
            models.Index(fields=["returned_at", "id"], condition=Q(status="returned"), name="figure_returned"),
            # Figures reported as year to date (累计): the inbox's 需核对 check reads these, not every figure.
            models.Index(fields=["cluster", "year", "quarter"], condition=Q(entry_mode="ytd"), name="figure_ytd"),
            # Completeness counts a quarter's figures by cluster and status from this index alone (an index-only
            # scan, in (cluster, enterprise) order to merge with the enterprises): see docs/performance.md.
            models.Index(fields=["year", "quarter", "cluster", "enterprise"], include=["status"],
                         name="figure_period_cluster_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "quarter"],
                condition=Q(enterprise__isnull=True),
                name="figure_unique_cluster_quarter",
                violation_error_message=_("This cluster already has a figure for that quarter."),
                violation_error_code="already_reported",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"],
                condition=Q(enterprise__isnull=False),
                name="figure_unique_enterprise_quarter",
                violation_error_message=_("This enterprise already has a figure for that quarter."),
                violation_error_code="already_reported",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="figure_quarter_1_to_4",
                violation_error_message=_("The quarter must be 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_FIGURE_YEAR, year__lte=LAST_YEAR),
                name="figure_year_in_range",
                violation_error_message=_("The year is out of range."),
            ),
            _non_negative("output_value"),
            _non_negative("revenue"),
            _non_negative("tax"),
            _non_negative("fixed_asset_investment"),
            _non_negative("reported_ytd"),
            models.CheckConstraint(
                condition=Q(entry_mode="ytd", reported_ytd__isnull=False)
                | Q(entry_mode="quarter", reported_ytd__isnull=True),
                name="figure_ytd_reported_with_mode",
                violation_error_message=_("A year-to-date value is kept exactly when the figure was reported as "
                                          "year to date."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="figure_version_positive",
                violation_error_message=_("The version must be positive."),
            ),
        ]

    def __str__(self) -> str:
        unit = self.enterprise or self.cluster
        return f"{unit} {quarter_label(self.year, self.quarter)}"

    @property
    def reporting_unit(self) -> Cluster | Enterprise:
        return self.enterprise or self.cluster

    def clean(self) -> None:
        super().clean()
        if self.enterprise_id and self.cluster_id and self.enterprise.cluster_id != self.cluster_id:
            raise ValidationError({"enterprise": ValidationError(
                _("This enterprise does not belong to the chosen cluster."), code="not_in_cluster")})
        if self.cluster_id and self.year and self.quarter:
            self._check_one_reporting_mode()

    def _check_one_reporting_mode(self) -> None:
        others = QuarterlyFigure.objects.filter(cluster_id=self.cluster_id, year=self.year, quarter=self.quarter)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.enterprise_id is None and others.filter(enterprise__isnull=False).exists():
            raise ValidationError({"enterprise": ValidationError(
                _("This cluster reports by enterprise for that quarter; enter the enterprises' figures."),
                code="reporting_mode")})
        if self.enterprise_id is not None and others.filter(enterprise__isnull=True).exists():
            raise ValidationError({"enterprise": ValidationError(
                _("This cluster reports as a whole for that quarter; it cannot also have enterprise figures."),
                code="reporting_mode")})


class StageGoal(TimeStampedModel, Versioned):
    """A target of the plan's three stages, in one of its shapes (see `GoalKind`).

    - cluster_value: `cluster`'s annual output ≥ `threshold` 亿元 by `deadline_year`;
    - cluster_count: at least `target_count` clusters with annual output ≥ `threshold` 亿元;
    - capacity: `cluster`'s capacity ≥ `threshold` in `unit` (万吨, MW);
    - qualitative: a milestone judged by a planner (`threshold` empty).
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    deadline_year = models.PositiveSmallIntegerField(
        _("deadline year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    kind = models.CharField(_("kind"), max_length=14, choices=GoalKind.choices)
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, null=True, blank=True, related_name="goals"
    )
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    target_count = models.PositiveSmallIntegerField(_("number of clusters"), null=True, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=200)
    description_en = models.CharField(_("description (English)"), max_length=200)
    source_text = models.TextField(_("wording in the plan"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    # City-wide goals (no cluster) belong to everybody; a cluster's goals follow the cluster.
    access = Cluster.access.via("cluster", public=Q(cluster__isnull=True))

    class Meta:
        verbose_name = _("stage goal")
        verbose_name_plural = _("stage goals")
        ordering = ["stage", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[1, 2, 3]),
                name="goal_stage_1_to_3",
                violation_error_message=_("The stage must be 1, 2 or 3."),
            ),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gt=0),
                name="goal_threshold_positive",
                violation_error_message=_("The threshold must be positive."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=GoalKind.CLUSTER_VALUE, cluster__isnull=False, threshold__isnull=False)
                    | Q(kind=GoalKind.CAPACITY, threshold__isnull=False)
                    | Q(kind=GoalKind.CLUSTER_COUNT, cluster__isnull=True, threshold__isnull=False,
                        target_count__gte=1)
                    | Q(kind=GoalKind.QUALITATIVE)
                ),
                name="goal_shape_complete",
                violation_error_message=_(
                    "A cluster goal needs a cluster and a threshold; a count goal needs a threshold and a number "
                    "of clusters and no cluster; a capacity goal needs a threshold."
                ),
            ),
        ]

    @property
    def description(self) -> str:
        """The goal's wording in the active language."""
        return in_language(self.description_zh, self.description_en)

    def __str__(self) -> str:
        return self.description


class PublicServicePlatform(TimeStampedModel, DemoFlagged, Versioned):
    """A public-service platform (公共服务平台) of one of the seven kinds, serving a cluster."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="platforms"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PlatformKind.choices)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=PlatformStatus.choices,
                              default=PlatformStatus.PLANNED)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = Cluster.access.via("cluster")

    class Meta:
        verbose_name = _("public-service platform")
        verbose_name_plural = _("public-service platforms")
        ordering = ["cluster_id", "kind", "name"]  # by the id, not a join to the cluster
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "name"],
                name="platform_unique_name_in_cluster",
                violation_error_message=_("This cluster already has a platform of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FigureTally(models.Model):
    """How many figures of a cluster and quarter stand in each status, and their output, kept by database
    triggers on every figure (and enterprise) write: completeness, the entry screen, the review list and the
    inbox read a few rows per cluster and quarter instead of every figure (`clusters.tally`). `by_enterprise`:
    the figures of the cluster's enterprises or the cluster's own; `belongs`: the figure's enterprise belongs
    to the cluster now (or it is the cluster's own): completeness counts only those. A plain cluster id, not a
    foreign key: the triggers write it, Django never does."""

    cluster_id = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    by_enterprise = models.BooleanField()
    status = models.CharField(max_length=10, choices=FigureStatus.choices)
    belongs = models.BooleanField(default=True)
    figures = models.IntegerField(default=0)
    output = models.DecimalField(max_digits=OUTPUT_DIGITS["max_digits"] + 8,
                                 decimal_places=OUTPUT_DIGITS["decimal_places"], default=Decimal(0))

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["cluster_id", "year", "quarter", "by_enterprise", "status", "belongs"], name="figure_tally_key")]
        # The reporting period's bounds (clusters.reporting_period._bounds): the first quarter with a figure not
        # approved, the last with an approved one, each the first row of an index walk in quarter order. Neither
        # names `figures` (its count, checked on the row): a column of an index, or of its condition, changed by
        # an UPDATE makes PostgreSQL write a new index entry for the row instead of a heap-only update, and every
        # figure write updates a tally row's count.
        indexes = [
            models.Index(fields=["year", "quarter"], include=["cluster_id"], name="figure_tally_open",
                         condition=~models.Q(status=FigureStatus.APPROVED)),
            models.Index(fields=["year", "quarter"], include=["cluster_id"], name="figure_tally_approved",
                         condition=models.Q(status=FigureStatus.APPROVED)),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.year}Q{self.quarter} {self.status}: {self.figures}"


class EnterpriseTally(models.Model):
    """How many enterprises a cluster has, kept by database triggers on the enterprises (`clusters.tally`):
    completeness counts a cluster's units from it instead of counting the enterprises each time."""

    cluster_id = models.IntegerField(unique=True)
    enterprises = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.cluster_id}: {self.enterprises}"
