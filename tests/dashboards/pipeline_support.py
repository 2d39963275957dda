"""The photovoltaic cluster with two approved years and three projects under way from 2012 (ramp-up one quarter):
the goals page's trend + pipeline and its what-if, and the scenarios saved from it, are tested on it."""
from decimal import Decimal

from investment.models import Project
from progress.services import rollup_full
from tests.progress.figures import approved_year

CELLS, MODULES, WAFERS = "300兆瓦太阳能电池项目", "500兆瓦太阳能组件项目", "200兆瓦多晶硅锭及硅片生产线项目"


def pv_with_projects_set_up() -> None:
    for year, value in ((2011, "150"), (2012, "180")):
        approved_year("pv", year, value)
    rollup_full()
    for name, output in ((CELLS, 300), (MODULES, 300), (WAFERS, 200)):
        Project.objects.filter(name=name).update(expected_start_year=2012, expected_start_quarter=1,
                                                 ramp_up_quarters=1, expected_output=Decimal(output))
