"""Scenarios are tested on the photovoltaic cluster of the goals page's tests: moving the cells project to 2014
flips the stage-2 goal s2-pv-1000 from on track to off track (trend + pipeline, evaluated for 2012)."""
import pytest

from clusters.models import Cluster
from investment.models import Project
from org.models import User
from scenarios import services
from tests.dashboards.pipeline_support import CELLS, pv_with_projects_set_up


@pytest.fixture
def pv_with_projects():
    pv_with_projects_set_up()


@pytest.fixture
def cells(pv_with_projects) -> Project:
    return Project.objects.get(name=CELLS)


@pytest.fixture
def pv() -> Cluster:
    return Cluster.objects.get(code="pv")


@pytest.fixture
def save_scenario(planner, cells):
    """save_scenario(name="…", user=planner, **inputs): the cells project moved to 2014 unless inputs say otherwise."""

    def save(name: str = "电池项目推迟", *, user: User | None = None, **inputs):
        inputs = inputs or {"project": cells, "start_year": 2014, "start_quarter": 1}
        return services.scenario_create(user=user or planner, name=name, description="推迟两年", **inputs)

    return save
