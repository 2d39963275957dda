"""The departments' quarterly commentary the briefing quotes: each cluster's 主要进展 / 存在问题 / 下步措施 and each
at-risk or off-track goal's 原因及措施 (issue 16, part 2).

The platform does not collect that commentary yet: `quarter_commentary` is the one place that will read it (scoped
like the figures, submitted and approved with the quarter). Until then it returns an empty `Commentary`, and the
briefing prints `NOT_COLLECTED` where the text would go; it never makes text up.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, StageGoal

NOT_COLLECTED = _("Commentary (progress, problems, next steps; causes and remedies) is not yet collected by the "
                  "platform: this part is left for the responsible department to add.")


@dataclass(frozen=True)
class ClusterCommentary:
    progress: str  # 主要进展
    problems: str  # 存在问题
    next_steps: str  # 下步措施


@dataclass(frozen=True)
class Commentary:
    """What the departments wrote for a quarter: cluster id → its three texts; goal id → 原因及措施."""

    clusters: dict[int, ClusterCommentary] = field(default_factory=dict)
    goals: dict[int, str] = field(default_factory=dict)
    collected: bool = False


def quarter_commentary(*, clusters: Sequence[Cluster], goals: Sequence[StageGoal], year: int,
                       quarter: int) -> Commentary:
    """The approved commentary of (year, quarter) for these clusters and goals. Not collected yet: empty."""
    return Commentary()
