"""The briefing says, for each goal at risk or off track, where the trend leads by the deadline and what the
projects under way add, each named with its output in the deadline year (progress.goals: trend + pipeline), in the
document's Chinese; hand-computed on photovoltaics: 150 (2011) and 180 (2012) approved, 20 % growth a year."""
import io
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from briefing.charts import goal_bar_label
from clusters.models import StageGoal
from investment.models import Project
from progress.goals import evaluate_goals
from progress.services import rollup_full
from tests.dashboards.test_goals_pipeline import CELLS, MODULES, WAFERS
from tests.progress.figures import approved_year
from tests.reporting.support import english

pytestmark = pytest.mark.django_db
BRIEFING = reverse("briefing-page")


@pytest.fixture
def pv():
    for year, value in ((2011, "150"), (2012, "180")):
        approved_year("pv", year, value)
    rollup_full()


def _projects(**outputs):
    for name, output in outputs.items():
        Project.objects.filter(name=name).update(expected_start_year=2012, expected_start_quarter=1,
                                                 ramp_up_quarters=1, expected_output=Decimal(output))


def _text(client) -> str:
    response = client.get(BRIEFING, {"year": 2012, "quarter": 4, "format": "docx"})
    return "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)


def test_a_goal_at_risk_says_the_trend_and_the_project_it_counts(client, planner, pv):
    _projects(**{CELLS: 300})
    client.force_login(planner)
    text = _text(client)
    # s2-pv-1000 (2013): 180 × 1.2 = 216 on the trend; + 300 = 516, still 484 short (the rest, 700, needs 289 %)
    assert ("按趋势，到2013年预计216.00亿元（进度滞后）。"
            f"在建项目2013年新增300.00亿元：{CELLS}（300.00亿元）；计入后预计516.00亿元（进度滞后）。") in text


def test_every_project_counted_is_named_with_what_it_adds(client, planner, pv):
    _projects(**{CELLS: 300, MODULES: 300, WAFERS: 200})
    client.force_login(planner)
    text = _text(client)
    # s3-pv-1000 (2015): 180 × 1.2³ = 311.04 on the trend (needs 77 % a year, achieves 20 %: off track);
    # + 800 = 1,111.04 ≥ 1000 with the three projects: on track (the briefing writes thousands with a comma)
    [line] = [p for p in text.splitlines() if p.startswith("按趋势，到2015年预计311.04亿元（进度滞后）。")]
    assert "在建项目2015年新增800.00亿元：" in line
    for name, value in ((CELLS, "300.00"), (MODULES, "300.00"), (WAFERS, "200.00")):
        assert f"{name}（{value}亿元）" in line
    assert line.endswith("；计入后预计1,111.04亿元（进度正常）。")
    # s3-count-1000 (2 clusters ≥ 1000 by 2015): none on the trend, photovoltaics with its projects
    assert any(p.startswith("按趋势，到2015年将有0个产业集群达到1,000亿元（进度滞后）。计入在建项目")
               and p.endswith("后为1个（进度滞后）。") for p in text.splitlines())


def test_a_goal_without_projects_says_none_adds_to_it(client, planner, pv):
    client.force_login(planner)
    assert "按趋势，到2013年预计216.00亿元（进度滞后）。到2013年暂无在建项目计入。" in _text(client)


def test_the_page_in_english_says_the_same(client, planner, pv):
    _projects(**{CELLS: 300})
    english(client)
    client.force_login(planner)
    response = client.get(BRIEFING, {"year": 2012, "quarter": 4})
    assertContains(response, "On the trend 216.00 100M yuan by 2013 (off track). The projects under way add 300.00 "
                             f"100M yuan in 2013: {CELLS} (300.00 100M yuan); with them 516.00 100M yuan (off track).")


def test_a_goals_bar_says_when_the_projects_change_its_status(pv):
    _projects(**{CELLS: 300, MODULES: 300, WAFERS: 200})
    by_code = {e.goal.code: e for e in evaluate_goals(year=2012, goals=StageGoal.objects.filter(
        code__in=["s3-pv-1000", "s2-pv-1000"]))}
    with translation.override("zh-hans"):
        # s3-pv-1000: 180 of 1000 (18 %), off track on the trend, on track with the projects (1111.04)
        assert goal_bar_label(by_code["s3-pv-1000"]) == " 18% · 进度滞后；计入在建项目：进度正常"
        # s2-pv-1000: 216 + 800 = 1016 by 2013, on track with them too
        assert goal_bar_label(by_code["s2-pv-1000"]) == " 18% · 进度滞后；计入在建项目：进度正常"
    Project.objects.update(expected_output=None)
    [unchanged] = evaluate_goals(year=2012, goals=StageGoal.objects.filter(code="s3-pv-1000"))
    with translation.override("zh-hans"):
        assert goal_bar_label(unchanged) == " 18% · 进度滞后"
