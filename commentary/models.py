"""A department's quarterly commentary on a cluster (进展说明): 主要进展 / 存在问题 / 下步措施, and for each of the
cluster's stage goals judged at risk or off track a 原因及措施 (`GoalRemark`).

One commentary per cluster and quarter, with the same status cycle as the quarter's figures (draft →
submitted → returned with a reason → approved); it follows them through the kernel hook
`core.hooks.figure_status_changed` (see `commentary.receivers`). `version` counts every save (optimistic
locking); a goal remark is saved only with its commentary, which then counts up too.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.choices import FigureStatus
from clusters.models import FIRST_FIGURE_YEAR, LAST_YEAR, Cluster, StageGoal
from core.access import ScopedQuerySet
from core.formats import quarter_label
from core.models import TimeStampedModel, Versioned

# Short texts: a briefing quotes them whole. CharField, so the database enforces the limit too.
TEXT_MAX_LENGTH = 1000
REMARK_MAX_LENGTH = 500


class QuarterCommentary(TimeStampedModel, Versioned):
    """The responsible department's commentary on one cluster's quarter. Status as the figures' (`FigureStatus`)."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT,
                                related_name="commentaries")
    year = models.PositiveSmallIntegerField(_("year"), validators=[
        MinValueValidator(FIRST_FIGURE_YEAR), MaxValueValidator(LAST_YEAR)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    progress = models.CharField(_("main progress"), max_length=TEXT_MAX_LENGTH, blank=True)
    problems = models.CharField(_("problems"), max_length=TEXT_MAX_LENGTH, blank=True)
    next_steps = models.CharField(_("next steps"), max_length=TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FigureStatus.choices, default=FigureStatus.DRAFT)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("returned by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = Cluster.access.via("cluster")

    class Meta:
        verbose_name = _("quarterly commentary")
        verbose_name_plural = _("quarterly commentaries")
        ordering = ["-year", "-quarter", "cluster"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "quarter"], name="commentary_unique_cluster_quarter",
                violation_error_message=_("This cluster already has a commentary for that quarter."),
                violation_error_code="already_reported",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="commentary_quarter_1_to_4",
                violation_error_message=_("The quarter must be 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_FIGURE_YEAR, year__lte=LAST_YEAR), name="commentary_year_in_range",
                violation_error_message=_("The year is out of range."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {quarter_label(self.year, self.quarter)}"

    @property
    def has_texts(self) -> bool:
        return all(text.strip() for text in (self.progress, self.problems, self.next_steps))


class GoalRemark(TimeStampedModel):
    """原因及措施: why one of the cluster's stage goals is at risk or off track, and what is done about it."""

    commentary = models.ForeignKey(QuarterCommentary, verbose_name=_("quarterly commentary"),
                                   on_delete=models.CASCADE, related_name="remarks")
    goal = models.ForeignKey(StageGoal, verbose_name=_("stage goal"), on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("cause and remedy"), max_length=REMARK_MAX_LENGTH)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = Cluster.access.via("commentary__cluster")

    class Meta:
        verbose_name = _("cause and remedy")
        verbose_name_plural = _("causes and remedies")
        ordering = ["commentary", "goal"]
        constraints = [
            models.UniqueConstraint(
                fields=["commentary", "goal"], name="remark_unique_goal_in_commentary",
                violation_error_message=_("This goal already has a cause and remedy in this commentary."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commentary}: {self.goal}"
