"""A planner's named what-if (情景): the goals page's assumptions, saved under a name so they can be opened,
compared and changed later. A scenario is never an input of the official numbers: `progress.goals` reads the
projects and the roll-up, never this table; a scenario's result is computed on its own pages only.

The inputs are the what-if panel's, as typed columns the database checks: one project's start (year, quarter)
and annual output in place of its own (blank: its own), and one cluster's assumed growth (% a year).
`version` counts every save (optimistic locking, `core.writes`); the history keeps every earlier version with
who and why. Archiving keeps the row (and its history) and frees its name.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import FIRST_YEAR, LAST_YEAR, Cluster
from core.access import AccessRule, ScopedQuerySet
from core.models import TimeStampedModel, Versioned
from dashboards.whatif import assumed_project
from investment.models import AMOUNT_DIGITS, Project

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000
GROWTH_MIN, GROWTH_MAX = -100, 1000  # % a year, as the what-if panel accepts it
GROWTH_DIGITS = {"max_digits": 8, "decimal_places": 2}


class Scenario(TimeStampedModel, Versioned):
    """A named set of what-if assumptions. Name unique among the scenarios not archived; at least one change (a
    project or a cluster's growth); a cluster and its growth come together; a project needs a start and an output,
    its own or given here (`clean`)."""

    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    description = models.CharField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    start_year = models.PositiveSmallIntegerField(
        _("expected production start: year"), null=True, blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)])
    start_quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)])
    output = models.DecimalField(_("expected annual output at full capacity (亿元)"), null=True, blank=True,
                                 validators=[MinValueValidator(0)], **AMOUNT_DIGITS)
    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    growth = models.DecimalField(_("assumed growth (% a year)"), null=True, blank=True,
                                 validators=[MinValueValidator(GROWTH_MIN), MaxValueValidator(GROWTH_MAX)],
                                 **GROWTH_DIGITS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    # No department reaches a scenario: planners, superusers and city-wide readers only (core.access).
    access = AccessRule(view=(), edit=())

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(archived_at__isnull=True), name="scenario_unique_live_name",
                violation_error_message=_("Another scenario already has this name."),
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(cluster__isnull=False), name="scenario_changes_something",
                violation_error_message=_("Change a project or a cluster's growth."),
            ),
            models.CheckConstraint(
                condition=Q(cluster__isnull=True, growth__isnull=True) | Q(cluster__isnull=False, growth__isnull=False),
                name="scenario_cluster_with_growth",
                violation_error_message=_("Choose a cluster and give its growth, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(start_year__isnull=True, start_quarter__isnull=True,
                                                       output__isnull=True),
                name="scenario_project_values_need_a_project",
                violation_error_message=_("A start or an output needs a project."),
            ),
            models.CheckConstraint(
                condition=Q(start_quarter__isnull=True) | Q(start_quarter__gte=1, start_quarter__lte=4),
                name="scenario_quarter_1_to_4", violation_error_message=_("The quarter must be 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True) | Q(start_year__gte=FIRST_YEAR, start_year__lte=LAST_YEAR),
                name="scenario_start_year_in_range", violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=Q(output__isnull=True) | Q(output__gte=0), name="scenario_output_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(growth__isnull=True) | Q(growth__gte=GROWTH_MIN, growth__lte=GROWTH_MAX),
                name="scenario_growth_range", violation_error_message=_("The growth is out of range."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean(self) -> None:
        if self.project_id is not None and assumed_project(
                self.project, start_year=self.start_year, start_quarter=self.start_quarter, output=self.output) is None:
            raise ValidationError(_("Give the project a start (year and quarter) and an output: it has none of its "
                                    "own."))
