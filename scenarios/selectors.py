"""Reading scenarios and their results. A result is the goals page's what-if computed from a scenario's saved
inputs: the official evaluation and the scenario's, side by side, read once for all the scenarios of a page
(`scenario_results`: a fixed number of queries whatever the number of scenarios, goals or projects). Nothing
here writes, and nothing official reads here."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clusters.models import StageGoal
from dashboards.whatif import Flip, assumed_project, flips, what_if
from progress.goals import GoalEvaluation, WhatIf, evaluate_goals, goal_inputs

from .models import Scenario

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from org.models import User

_RELATED = ("project", "cluster", "created_by", "updated_by")


def scenarios_for(user: User, *, archived: bool = False) -> QuerySet[Scenario]:
    """The scenarios `user` may see, live ones (or the archived ones), with what their pages name: one query."""
    return (Scenario.objects.visible_to(user).filter(archived_at__isnull=not archived).select_related(*_RELATED)
            .order_by("name", "pk"))


def scenario_for(user: User, pk: int) -> Scenario | None:
    """One scenario `user` may see (archived too: its page and history stay readable), or None."""
    return Scenario.objects.visible_to(user).select_related(*_RELATED).filter(pk=pk).first()


def scenario_what_if(scenario: Scenario) -> WhatIf | None:
    """The scenario's assumptions; None when its project has since lost the start or output it relied on."""
    project = None
    if scenario.project is not None:
        project = assumed_project(scenario.project, start_year=scenario.start_year,
                                  start_quarter=scenario.start_quarter, output=scenario.output)
        if project is None:
            return None
    return what_if(project=project, cluster_id=scenario.cluster_id, growth=scenario.growth)


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's goals (情景) beside the official ones: `flips` are the goals whose status differs."""

    scenario: Scenario
    official: list[GoalEvaluation]
    assumed: list[GoalEvaluation] | None  # None: the assumptions cannot be computed any more
    flips: list[Flip] | None


def scenario_results(*, user: User, year: int, scenarios: Iterable[Scenario]) -> list[ScenarioResult]:
    """Each scenario's result for `year`, on the goals `user` may see. Four queries for all of them."""
    goals = list(StageGoal.objects.visible_to(user).select_related("cluster").order_by("stage", "kind", "code"))
    inputs = goal_inputs()
    official = evaluate_goals(year=year, goals=goals, inputs=inputs)
    results = []
    for scenario in scenarios:
        assumptions = scenario_what_if(scenario)
        if assumptions is None:
            results.append(ScenarioResult(scenario, official, None, None))
            continue
        assumed = evaluate_goals(year=year, goals=goals, inputs=inputs, what_if=assumptions)
        results.append(ScenarioResult(scenario, official, assumed, flips(official, assumed)))
    return results
