"""The goals page's what-if panel for planners: change one project's expected start or output, or one cluster's
assumed growth, and see which goals change status. Computed on the server from the same inputs as the official
evaluation (`progress.goals.WhatIf`); nothing is saved."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clusters.models import FIRST_YEAR, LAST_YEAR, Cluster
from core.numbers import AmountField, IntegerField, ModelChoiceField
from investment.choices import ProjectStage
from investment.models import AMOUNT_DIGITS, Project
from progress.goals import GoalEvaluation, WhatIf
from progress.pipeline import PipelineProject

HUNDRED = Decimal(100)


class WhatIfForm(forms.Form):
    """One project's start and output, one cluster's growth (% a year); all optional, nothing saved."""

    project = ModelChoiceField(label=_("project"), queryset=Project.objects.none(), required=False)
    start_year = IntegerField(label=_("expected production start: year"), required=False, min_value=FIRST_YEAR,
                              max_value=LAST_YEAR)
    start_quarter = forms.TypedChoiceField(label=_("quarter"), required=False, coerce=int, empty_value=None,
                                           choices=[("", "—"), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    output = AmountField(label=_("expected annual output at full capacity (亿元)"), required=False, min_value=0,
                         **AMOUNT_DIGITS)
    cluster = ModelChoiceField(label=_("cluster"), queryset=Cluster.objects.none(), required=False)
    growth = AmountField(label=_("assumed growth (% a year)"), required=False, min_value=-100, max_value=1000,
                         max_digits=8, decimal_places=2)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The projects a what-if can count: in the pipeline stages, as the official projection counts them.
        self.fields["project"].queryset = (
            Project.objects.visible_to(user).filter(stage__gte=settings.PIPELINE_FROM_STAGE,
                                                    stage__lt=ProjectStage.PRODUCING, cluster__isnull=False)
            .order_by("name"))
        self.fields["cluster"].queryset = Cluster.objects.visible_to(user).order_by("code")

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if project is not None:
            data["assumed_project"] = assumed_project(
                project, start_year=data.get("start_year"), start_quarter=data.get("start_quarter"),
                output=data.get("output"))
            if data["assumed_project"] is None:
                raise forms.ValidationError(_("Give the project a start (year and quarter) and an output: it has "
                                              "none of its own."))
        if (data.get("cluster") is None) != (data.get("growth") is None):
            raise forms.ValidationError(_("Choose a cluster and give its growth, or neither."))
        if data.get("assumed_project") is None and data.get("cluster") is None:
            raise forms.ValidationError(_("Change a project or a cluster's growth."))
        return data

    def what_if(self) -> WhatIf:
        data = self.cleaned_data
        cluster = data.get("cluster")
        return what_if(project=data.get("assumed_project"), cluster_id=cluster.pk if cluster else None,
                       growth=data.get("growth"))


def assumed_project(project: Project, *, start_year: int | None, start_quarter: int | None,
                    output: Decimal | None) -> PipelineProject | None:
    """`project` as the projection counts it with the values given in place of its own (None: its own); None when
    it would still lack a start (year and quarter) or an output."""
    year = start_year or project.expected_start_year
    quarter = start_quarter or project.expected_start_quarter
    output = output if output is not None else project.expected_output
    if year is None or quarter is None or output is None:
        return None
    return PipelineProject(id=project.pk, name=project.name, cluster_id=project.cluster_id, stage=project.stage,
                           start_year=year, start_quarter=quarter, output=output, ramp_up=project.ramp_up)


def what_if(*, project: PipelineProject | None, cluster_id: int | None, growth: Decimal | None) -> WhatIf:
    """The assumptions for `progress.goals.evaluate_goals`: one project's values, one cluster's growth (% a year)."""
    return WhatIf(projects=(project,) if project is not None else (),
                  growth={cluster_id: growth / HUNDRED} if cluster_id is not None and growth is not None else {})


@dataclass(frozen=True)
class Flip:
    """A goal whose status (trend + pipeline) differs under the what-if."""

    official: GoalEvaluation
    assumed: GoalEvaluation


def flips(official: list[GoalEvaluation], assumed: list[GoalEvaluation]) -> list[Flip]:
    return [Flip(o, a) for o, a in zip(official, assumed, strict=True)
            if (o.status_with_pipeline or o.status) != (a.status_with_pipeline or a.status)]
