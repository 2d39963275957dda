"""A world for the security tests: the plan, the demo data, one user per role around department A, and a
row of every scoped model that belongs to another department, marked so that a leak is visible in a page,
an export or an API answer."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from rest_framework.authtoken.models import Token

from clusters.choices import PlatformKind
from clusters.models import Cluster, Enterprise, PublicServicePlatform, QuarterlyFigure, StageGoal
from commentary.models import GoalRemark, QuarterCommentary
from core import access
from core.history import HISTORY_MODELS
from funds.models import Disbursement
from investment.models import Project
from org.models import Department, Region, User
from parks.models import Park
from plan.demo import demo_load
from scenarios.models import Scenario

from .urlconf import Filler

DEPARTMENT_A = "gov-heishan"  # a county government: it sees clusters, parks, projects, inflows of its county
MARKER = "SWEEPX"  # in the name of every foreign row; must never reach a user of department A

# Roles that see only what their department (or nothing but city-wide rows) allows.
SCOPED_ROLES = ("editor_a", "staff_editor_a", "viewer_a", "api_client_a", "no_department")
ROLES = ("anonymous", "planner", "api_client_city", *SCOPED_ROLES)


@dataclass
class World:
    department: Department
    users: dict[str, User]
    foreign_rows: dict[type[models.Model], models.Model] = field(default_factory=dict)

    @property
    def reference(self) -> User:
        return self.users["viewer_a"]

    def own(self, model: type[models.Model]) -> models.Model | None:
        if model is Department:
            return self.department
        if model is Region:
            return self.department.region
        if model is User:
            return self.reference
        queryset = model._default_manager.order_by("pk")
        if hasattr(model, "access"):
            queryset = model._default_manager.visible_to(self.reference).order_by("pk")
        return queryset.first()

    def foreign(self, model: type[models.Model]) -> models.Model | None:
        if model in self.foreign_rows:
            return self.foreign_rows[model]
        if model is Department:
            return Department.objects.exclude(pk=self.department.pk).order_by("pk").first()
        if model is Region:
            return Region.objects.exclude(pk=self.department.region_id).order_by("pk").first()
        if model is User:
            return self.users["planner"]
        queryset = model._default_manager.order_by("pk")
        if hasattr(model, "access"):
            visible = model._default_manager.visible_to(self.reference).values("pk")
            return queryset.exclude(pk__in=visible).first()
        return queryset.first()  # rows without a department (groups, tokens, audit): planners' business

    def may_view(self, user: User, obj: models.Model) -> bool:
        if not user.is_authenticated:
            return False
        if hasattr(type(obj), "access"):
            return access.can_view(user, obj)
        return access.plans(user)

    def filler(self) -> Filler:
        return Filler(own=self.own, foreign=self.foreign, history_labels=HISTORY_MODELS)

    def client(self, role: str, **kwargs) -> Client:
        client = Client(**kwargs)
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def _mark_foreign_rows(world: World) -> None:
    reference = world.reference
    invisible = lambda model: model.objects.exclude(pk__in=model.objects.visible_to(reference).values("pk"))  # noqa: E731
    cluster = invisible(Cluster).filter(enterprises__isnull=False).order_by("pk").first()
    enterprise = cluster.enterprises.order_by("pk").first()
    figure = QuarterlyFigure.objects.filter(enterprise=enterprise).order_by("pk").first()
    project = (invisible(Project).filter(cluster=cluster).order_by("pk").first()
               or invisible(Project).order_by("pk").first())
    park = invisible(Park).order_by("pk").first()
    disbursement = invisible(Disbursement).order_by("pk").first()
    goal = invisible(StageGoal).filter(cluster=cluster).order_by("pk").first()
    Cluster.objects.filter(pk=cluster.pk).update(name_zh=f"{MARKER}集群", name_en=f"{MARKER} cluster")
    Enterprise.objects.filter(pk=enterprise.pk).update(name=f"{MARKER}企业")
    Project.objects.filter(pk=project.pk).update(name=f"{MARKER}项目")
    Park.objects.filter(pk=park.pk).update(name=f"{MARKER}园区")
    Disbursement.objects.filter(pk=disbursement.pk).update(purpose=f"{MARKER}拨付")
    if goal is not None:
        StageGoal.objects.filter(pk=goal.pk).update(description_zh=f"{MARKER}目标", description_en=f"{MARKER} goal")
        world.foreign_rows[StageGoal] = goal
    platform = PublicServicePlatform.objects.create(cluster=cluster, kind=PlatformKind.values[0],
                                                    name=f"{MARKER}平台")
    world.foreign_rows[PublicServicePlatform] = platform
    commentary = QuarterCommentary.objects.create(cluster=cluster, year=2011, quarter=1, progress=f"{MARKER}进展",
                                                  problems=f"{MARKER}问题", next_steps=f"{MARKER}措施")
    if goal is not None:
        GoalRemark.objects.create(commentary=commentary, goal=goal, text=f"{MARKER}原因及措施")
    world.foreign_rows[QuarterCommentary] = commentary
    own_cluster = Cluster.objects.visible_to(reference).order_by("pk").first()
    QuarterCommentary.objects.create(cluster=own_cluster, year=2011, quarter=1, progress="本部门的进展")
    # A planner's scenario on department A's own cluster: still no department user's to see.
    scenario = Scenario.objects.create(name=f"{MARKER}情景", description=f"{MARKER}说明", cluster=own_cluster,
                                       growth=25)
    world.foreign_rows.update({Cluster: cluster, Enterprise: enterprise, QuarterlyFigure: figure, Project: project,
                               Park: park, Disbursement: disbursement, Scenario: scenario})
    for model, row in list(world.foreign_rows.items()):
        world.foreign_rows[model] = model.objects.get(pk=row.pk)


@pytest.fixture
def world(db) -> World:
    demo_load()
    department = Department.objects.get(code=DEPARTMENT_A)
    other = Department.objects.exclude(pk=department.pk).exclude(code="jxw").order_by("pk").first()

    def user(username: str, role: str, dept: Department | None, **extra) -> User:
        return User.objects.create_user(username=username, password="pw-jinzhou-123", role=role, department=dept,
                                        **extra)

    users = {
        "planner": user("sweep-planner", User.Role.PLANNER, Department.objects.get(code="jxw"), is_staff=True),
        "api_client_city": user("sweep-api-city", User.Role.API_CLIENT, None),
        "editor_a": user("sweep-editor-a", User.Role.EDITOR, department),
        "staff_editor_a": user("sweep-staff-editor-a", User.Role.EDITOR, department, is_staff=True),
        "viewer_a": user("sweep-viewer-a", User.Role.VIEWER, department),
        "api_client_a": user("sweep-api-a", User.Role.API_CLIENT, department),
        "no_department": user("sweep-no-department", User.Role.VIEWER, None),
    }
    # Rows only planners may see in the admin: another department's user with a token, a group.
    stranger = user(f"{MARKER}-stranger", User.Role.EDITOR, other)
    Token.objects.create(user=stranger)
    Group.objects.create(name=f"{MARKER}-group")
    world = World(department=department, users=users)
    world.foreign_rows[User] = stranger
    _mark_foreign_rows(world)
    return world


@pytest.fixture
def editor_client(client, agri_editor, settings):
    """A 市农领办 editor, signed in, reading English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(agri_editor)
    return client


def body_text(response) -> str:
    """What a person would read in the response: HTML/JSON/CSV as text, an .xlsx workbook's cells."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(value) for sheet in workbook.worksheets
                         for row in sheet.iter_rows(values_only=True) for value in row if value is not None)
    return content.decode("utf-8", errors="replace")
