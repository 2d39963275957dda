"""The investment pipeline's contribution to a cluster's output: pure functions, no queries.

Rule (stated on the goals page): a project counts for the cluster it feeds when it has an expected production
start (year and quarter) and an expected annual output at full capacity (亿元), and its stage is at least
`PIPELINE_FROM_STAGE` (default 3, 开工建设 under construction) but not yet 达产达效 (4): from then on its
enterprise reports the output itself, so adding the project too would count it twice. A stage move backwards
below `PIPELINE_FROM_STAGE` removes it. From its start quarter the project produces a quarter of its annual
output times min(k + 1, ramp-up) ÷ ramp-up in its k-th quarter (k = 0 the start quarter): a linear ramp to full
output over `ramp_up` quarters (the project's own, else `PIPELINE_RAMP_UP_QUARTERS`). A year's contribution is
the sum of its four quarters, to four decimal places (Decimal throughout, never float).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from investment.choices import ProjectStage

PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class PipelineProject:
    """What the projection needs of a project (read once per page by `progress.goals`)."""

    id: int
    name: str
    cluster_id: int
    stage: int
    start_year: int
    start_quarter: int
    output: Decimal
    ramp_up: int


@dataclass(frozen=True)
class Contribution:
    """A project's output added to its cluster in one year, in 亿元."""

    project: PipelineProject
    value: Decimal

    @property
    def id(self) -> int:
        return self.project.id

    @property
    def name(self) -> str:
        return self.project.name


def qualifies(stage: int, from_stage: int) -> bool:
    """At or past `from_stage` and not yet producing (then the enterprise's own figures carry it)."""
    return from_stage <= stage < ProjectStage.PRODUCING


def annual_contribution(*, output: Decimal, start_year: int, start_quarter: int, ramp_up: int, year: int) -> Decimal:
    """Output in `year` of a project starting in `start_year` Q`start_quarter`, ramped up linearly over `ramp_up`
    quarters to `output` a year. One division, rounded half up to four places."""
    ramp_up = max(ramp_up, 1)
    start = start_year * 4 + start_quarter - 1
    steps = sum(min(k + 1, ramp_up) for k in (year * 4 + q - start for q in range(4)) if k >= 0)
    if not steps:
        return Decimal(0)
    return (output * steps / (4 * ramp_up)).quantize(PLACES, rounding=ROUND_HALF_UP)


def contributions(projects: Iterable[PipelineProject], *, year: int, from_stage: int) -> dict[int, list[Contribution]]:
    """{cluster id: [the qualifying projects' non-zero contributions in `year`]}, each list in project order."""
    found: dict[int, list[Contribution]] = defaultdict(list)
    for project in projects:
        if not qualifies(project.stage, from_stage):
            continue
        value = annual_contribution(output=project.output, start_year=project.start_year,
                                    start_quarter=project.start_quarter, ramp_up=project.ramp_up, year=year)
        if value > 0:
            found[project.cluster_id].append(Contribution(project, value))
    return dict(found)


def total(found: Iterable[Contribution]) -> Decimal:
    return sum((c.value for c in found), Decimal(0))


def added_in(projects: Iterable[PipelineProject], *, year: int) -> Decimal:
    """What `projects` (already chosen as qualifying) add in `year`, in 亿元."""
    return sum((annual_contribution(output=p.output, start_year=p.start_year, start_quarter=p.start_quarter,
                                    ramp_up=p.ramp_up, year=year) for p in projects), Decimal(0))
