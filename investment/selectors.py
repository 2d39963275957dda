"""Reads of investment projects for pages and exports; each states its queries."""
from django.db.models import Prefetch, QuerySet

from org.models import User

from .models import Project, ProjectStageMove


def project_rows(*, user: User, stage: int | None = None) -> QuerySet[Project]:
    """The projects `user` may see, with cluster, park, region and department. One query."""
    projects = (Project.objects.visible_to(user)
                .select_related("cluster", "park", "region", "responsible_department")
                .order_by("-is_key", "name"))
    return projects.filter(stage=stage) if stage else projects


def project_for_page(*, user: User, pk: int) -> Project | None:
    """One project `user` may see, with its stage moves and who made them. Two queries."""
    moves = ProjectStageMove.objects.select_related("moved_by").order_by("moved_on", "pk")
    return (Project.objects.visible_to(user).select_related("cluster", "park", "region", "responsible_department")
            .prefetch_related(Prefetch("stage_moves", queryset=moves)).filter(pk=pk).first())
