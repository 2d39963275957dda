"""Investment projects and their stage moves; investment targets and quarterly inflows."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import FIRST_YEAR, LAST_YEAR, Cluster
from core.access import AccessRule, ScopedQuerySet
from core.geography import Located, location_constraints
from core.models import DemoFlagged, TimeStampedModel, Versioned
from org.models import Department, Region
from parks.models import Park

from .choices import Channel, Currency, Origin, ProjectStage

# Amounts are in 亿 of the stated currency (亿元 or 亿美元).
AMOUNT_DIGITS = {"max_digits": 12, "decimal_places": 4}
MAX_RAMP_UP_QUARTERS = 40
CURRENCY_MATCHES_ORIGIN = Q(origin=Origin.DOMESTIC, currency=Currency.CNY) | Q(
    origin=Origin.FOREIGN, currency=Currency.USD
)


class Project(TimeStampedModel, DemoFlagged, Located, Versioned):
    """An investment project, the stage it has reached among the five, and where it lies."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, null=True, blank=True, related_name="projects"
    )
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.PROTECT, null=True, blank=True, related_name="projects"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="projects"
    )
    responsible_department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="projects",
    )
    investor = models.CharField(_("investor"), max_length=160, blank=True, help_text=_("Empty means TBD."))
    origin = models.CharField(_("origin of capital"), max_length=10, choices=Origin.choices, blank=True)
    planned_amount = models.DecimalField(
        _("planned investment (100 million)"), **AMOUNT_DIGITS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    capacity = models.DecimalField(
        _("capacity"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=20, blank=True)
    is_key = models.BooleanField(_("key project"), default=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.UNKNOWN)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=ProjectStage.choices, default=ProjectStage.NEGOTIATION)
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True)
    source_text = models.TextField(_("wording in the plan"), blank=True)
    # What the project is expected to add to its cluster's output (progress.pipeline): the plan states
    # capacities in physical units, never in 亿元, so these stay empty until a planner or the department enters them.
    expected_start_year = models.PositiveSmallIntegerField(
        _("expected production start (year)"), null=True, blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    expected_start_quarter = models.PositiveSmallIntegerField(
        _("expected production start (quarter)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    expected_output = models.DecimalField(
        _("expected annual output at full capacity (100 million yuan)"), **AMOUNT_DIGITS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    ramp_up_quarters = models.PositiveSmallIntegerField(
        _("ramp-up (quarters to full output)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RAMP_UP_QUARTERS)],
        help_text=_("Empty: the default set by the administrator."),
    )
    pipeline_is_demo = models.BooleanField(_("demo start and output"), default=False)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = AccessRule(
        view=("responsible_department", "cluster__responsible_department", "cluster__regions__departments",
              "region__departments"),
        edit=("responsible_department", "cluster__responsible_department", "cluster__regions__departments",
              "region__departments"),
    )

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-is_key", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__gte=1, stage__lte=5),
                name="project_stage_1_to_5",
                violation_error_message=_("The stage must be one of the five."),
            ),
            models.CheckConstraint(
                condition=Q(planned_amount__isnull=True) | Q(planned_amount__gte=0),
                name="project_amount_non_negative",
                violation_error_message=_("The planned amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="project_capacity_non_negative",
                violation_error_message=_("The capacity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(expected_start_year__isnull=True, expected_start_quarter__isnull=True)
                | Q(expected_start_year__isnull=False, expected_start_quarter__gte=1, expected_start_quarter__lte=4),
                name="project_expected_start_year_and_quarter",
                violation_error_message=_("Give the expected production start as a year and a quarter (1–4), "
                                          "or neither."),
            ),
            models.CheckConstraint(
                condition=Q(expected_output__isnull=True) | Q(expected_output__gte=0),
                name="project_expected_output_non_negative",
                violation_error_message=_("The expected output cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(ramp_up_quarters__isnull=True) | Q(ramp_up_quarters__gte=1,
                                                               ramp_up_quarters__lte=MAX_RAMP_UP_QUARTERS),
                name="project_ramp_up_quarters_range",
                violation_error_message=_("The ramp-up is 1 to 40 quarters."),
            ),
            *location_constraints("project"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.clean_location()
        if self.capacity is not None and not self.capacity_unit:
            raise ValidationError({"capacity_unit": _("Give the unit of the capacity (e.g. 万吨/年, MW).")})
        if (self.expected_start_year is None) != (self.expected_start_quarter is None):
            missing = "expected_start_quarter" if self.expected_start_quarter is None else "expected_start_year"
            raise ValidationError({missing: _("Give the expected production start as a year and a quarter, "
                                              "or neither.")})

    @property
    def ramp_up(self) -> int:
        """Quarters from the expected start to full output: the project's own, else the default setting."""
        return self.ramp_up_quarters or settings.PIPELINE_RAMP_UP_QUARTERS


class ProjectStageMove(TimeStampedModel, DemoFlagged):
    """A project's move from one stage to another on a date; moving backwards needs a reason."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_moves"
    )
    from_stage = models.PositiveSmallIntegerField(_("from stage"), choices=ProjectStage.choices, null=True, blank=True)
    to_stage = models.PositiveSmallIntegerField(_("to stage"), choices=ProjectStage.choices)
    moved_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moved by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = Project.access.via("project")

    class Meta:
        verbose_name = _("project stage move")
        verbose_name_plural = _("project stage moves")
        ordering = ["project", "moved_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_stage__gte=1, to_stage__lte=5),
                name="stage_move_to_stage_valid",
                violation_error_message=_("The stage must be one of the five."),
            ),
            models.CheckConstraint(
                condition=Q(from_stage__isnull=True) | ~Q(from_stage=models.F("to_stage")),
                name="stage_move_changes_stage",
                violation_error_message=_("A move must change the stage."),
            ),
            models.CheckConstraint(
                condition=Q(from_stage__isnull=True) | Q(from_stage__lt=models.F("to_stage")) | ~Q(note=""),
                name="stage_move_backwards_has_reason",
                violation_error_message=_("Moving a project back to an earlier stage needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.get_to_stage_display()}"


class InvestmentTarget(TimeStampedModel, Versioned):
    """The year's target for actually utilised foreign investment or for domestic capital."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    origin = models.CharField(_("origin of capital"), max_length=10, choices=Origin.choices)
    amount = models.DecimalField(_("target (100 million)"), **AMOUNT_DIGITS, validators=[MinValueValidator(Decimal(0))])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    source_text = models.TextField(_("wording in the plan"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = AccessRule(view=(), edit=(), public=Q(pk__isnull=False))

    class Meta:
        verbose_name = _("investment target")
        verbose_name_plural = _("investment targets")
        ordering = ["year", "origin"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "origin"], name="investment_target_unique_year_origin",
                violation_error_message=_("There is already a target for that year and origin."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="investment_target_positive",
                violation_error_message=_("The target must be positive."),
            ),
            models.CheckConstraint(
                condition=CURRENCY_MATCHES_ORIGIN,
                name="investment_target_currency_matches_origin",
                violation_error_message=_("Domestic capital is counted in yuan, foreign investment in US dollars."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_origin_display()}"


class InvestmentInflow(TimeStampedModel, DemoFlagged, Versioned):
    """Investment actually received in one quarter (foreign in USD, domestic in CNY), per region."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="inflows")
    origin = models.CharField(_("origin of capital"), max_length=10, choices=Origin.choices)
    amount = models.DecimalField(_("amount (100 million)"), **AMOUNT_DIGITS, validators=[MinValueValidator(Decimal(0))])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = AccessRule(view=("region__departments",), edit=("region__departments",))

    class Meta:
        verbose_name = _("investment inflow")
        verbose_name_plural = _("investment inflows")
        ordering = ["-year", "-quarter", "region", "origin"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "region", "origin"], name="inflow_unique_period_region_origin",
                violation_error_message=_("This region already has an inflow of that origin for that quarter."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="inflow_quarter_1_to_4",
                violation_error_message=_("The quarter must be 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="inflow_amount_non_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=CURRENCY_MATCHES_ORIGIN,
                name="inflow_currency_matches_origin",
                violation_error_message=_("Domestic capital is counted in yuan, foreign investment in US dollars."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}Q{self.quarter} {self.get_origin_display()}"
