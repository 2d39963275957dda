"""The quarterly briefing (/briefing/): the .docx opened with python-docx says, in its opening paragraph and its
cluster table, exactly what the API says for that quarter; a department's briefing holds none of another
department's clusters; a quarter without approved figures says what is missing instead of printing zeros; the
commentary is quoted from approved commentary only, and a cluster without it is said to have none; the charts are
left out, with a sentence, without a Chinese font; the HTML page says the same; the query count does not grow with
the data."""
import io
import re
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from briefing.charts import numbered_lines
from briefing.commentary import MISSING, NO_REMARK
from clusters.choices import FigureStatus
from clusters.models import Cluster, StageGoal
from commentary.models import GoalRemark, QuarterCommentary
from org.models import User
from plan.data import CLUSTERS as PLAN_CLUSTERS
from plan.demo import demo_load
from progress.services import rollup_full
from tests.dashboards.home_support import large_city

pytestmark = pytest.mark.django_db

BRIEFING = reverse("briefing-page")
YEAR, QUARTER = 2015, 3  # the demo data's latest approved quarter; 2015Q4 is still in review
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
STATUS_ZH = {"met": "已达标", "on_track": "进度正常", "at_risk": "有风险", "off_track": "进度滞后", "missed": "未达成",
             "no_data": "暂无数据", "manual": "由规划人员判定"}


@pytest.fixture
def demo():
    demo_load()
    rollup_full()


def _docx(client, **params) -> docx.document.Document:
    response = client.get(BRIEFING, {"format": "docx", **params})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return docx.Document(io.BytesIO(response.content))


def _api(client, path: str, **params) -> list[dict]:
    body = client.get(path, {**params, "page_size": 1000}, HTTP_ACCEPT="application/json").json()
    return body["results"] if isinstance(body, dict) else body


def _after(document, heading: str) -> str:
    """The text of the first paragraph after the heading `heading`."""
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.style.name.startswith("Heading") and p.text == heading)
    return paragraphs[index + 1].text


def _all_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _yi(value: str) -> str:
    return f"{Decimal(value):,.2f}"


def _pct(ratio: str | None, signed: bool = False) -> str:
    if ratio is None:
        return "—"
    value = Decimal(ratio) * 100
    text = f"{abs(value).quantize(Decimal('0.1'))}"
    return (("−" if value < 0 else "+") + text) if signed else text


def test_the_opening_paragraph_says_what_the_api_says(client, planner, demo):
    client.force_login(planner)
    document = _docx(client, year=YEAR, quarter=QUARTER)
    assert document.paragraphs[0].text == f"锦州市产业集群发展季度简报（{YEAR}年第{QUARTER}季度）"
    opening = _after(document, "总体情况")
    [city] = _api(client, "/api/v1/progress/", scope="city", year=YEAR, quarter=QUARTER)
    goals = _api(client, "/api/v1/goals/", year=YEAR)
    [scale] = [g for g in goals if g["code"] == "s3-count-100"]
    statuses = [g["status"] for g in goals]
    assert f"完成产值{_yi(city['value'])}亿元" in opening
    assert f"增长{_pct(city['yoy_growth'])}%" in opening
    assert f"累计完成产值{_yi(city['ytd_value'])}亿元" in opening
    assert f"增长{_pct(city['ytd_yoy_growth'])}%" in opening
    assert f"达到100亿元以上的产业集群{int(Decimal(scale['current']))}个" in opening
    assert f"{scale['deadline_year']}年达到{scale['target_count']}个" in opening
    assert f"评估的{len(goals)}项阶段目标中" in opening
    words = (("met", "已实现"), ("on_track", "按进度推进"), ("at_risk", "存在风险"), ("off_track", "偏离进度"))
    for status, word in words:
        assert f"{word}{statuses.count(status)}项" in opening
    # and no other number: each one in the paragraph is one of these
    expected = {str(YEAR), str(QUARTER), _yi(city["value"]), _pct(city["yoy_growth"]), _yi(city["ytd_value"]),
                _pct(city["ytd_yoy_growth"]), str(int(Decimal(scale["current"]))), "100", str(scale["target_count"]),
                str(scale["deadline_year"]), str(len(goals)),
                *(str(statuses.count(s)) for s in {*statuses, "met", "on_track", "at_risk", "off_track"})}
    assert set(NUMBER.findall(opening)) <= expected
    assert "演示数据" in _all_text(document)  # demo numbers are labelled


def test_the_cluster_table_lists_every_cluster_in_the_plans_order_with_the_apis_numbers(client, planner, demo):
    client.force_login(planner)
    [table] = [t for t in _docx(client, year=YEAR, quarter=QUARTER).tables if t.rows[0].cells[0].text == "产业集群"]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    names = dict(Cluster.objects.values_list("code", "name_zh"))
    assert [row[0] for row in rows] == [names[spec.code] for spec in PLAN_CLUSTERS]
    api = {r["scope_id"]: r for r in _api(client, "/api/v1/progress/", scope="cluster", year=YEAR, quarter=QUARTER)}
    goals = _api(client, "/api/v1/goals/", year=YEAR, kind="cluster_value")
    for row in rows:
        cluster = Cluster.objects.get(name_zh=row[0])
        figures = api[cluster.pk]
        assert row[1:5] == [_yi(figures["value"]), _pct(figures["yoy_growth"], True), _yi(figures["ytd_value"]),
                            _pct(figures["ytd_yoy_growth"], True)], row[0]
        own = sorted((g for g in goals if g["cluster"] == cluster.pk), key=lambda g: (g["stage"], g["deadline_year"]))
        assert row[5] == ("；".join(f"{g['deadline_year']}年：{Decimal(g['threshold']):,.0f}" for g in own)
                          or "无本集群目标")
        if own:
            judged = next((g for g in own if g["deadline_year"] >= YEAR), own[-1])
            assert row[6] == f"{STATUS_ZH[judged['status']]}（{judged['deadline_year']}）"
        assert row[7] == "演示数据"


def test_a_departments_briefing_holds_none_of_another_departments_clusters(client, make_user, demo):
    viewer = make_user(User.Role.VIEWER, "fwy")
    client.force_login(viewer)
    text = _all_text(_docx(client, year=YEAR, quarter=QUARTER))
    own = set(Cluster.objects.filter(responsible_department__code="fwy").values_list("name_zh", flat=True))
    others = set(Cluster.objects.exclude(responsible_department__code="fwy").values_list("name_zh", flat=True))
    assert own
    assert all(name in text for name in own)
    assert not [name for name in others if name in text]
    [department] = _api(client, "/api/v1/progress/", scope="department", year=YEAR, quarter=QUARTER)
    assert f"市服务业委所属产业集群完成产值{_yi(department['value'])}亿元" in text


def test_a_district_governments_briefing_is_its_territory(client, make_user, demo):
    client.force_login(make_user(User.Role.VIEWER, "gov-taihe"))
    document = _docx(client, year=YEAR, quarter=QUARTER)
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "产业集群"]
    assert [row.cells[0].text for row in table.rows[1:]] == ["钛及特种金属产业集群", "太和区主导产业集群（待定）"]
    taihe = Cluster.objects.get(code="taihe-main").regions.get()
    [region] = _api(client, "/api/v1/progress/", scope="region", scope_id=taihe.pk, year=YEAR, quarter=QUARTER)
    assert f"完成产值{_yi(region['value'])}亿元" in _after(document, "总体情况")


def test_a_quarter_without_approved_figures_says_what_is_missing_instead_of_zeros(client, planner, demo):
    client.force_login(planner)
    document = _docx(client, year=2015, quarter=4)
    opening = _after(document, "总体情况")
    assert "2015年第4季度尚无已审核的产值数据" in opening
    assert re.search(r"\d+个尚未报送（未填报、草稿或退回），\d+个已报送待审核", opening)
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "产业集群"]
    shown = {row.cells[1].text for row in table.rows[1:]}
    assert shown <= {"待审核", "草稿，未报送", "未填报", "已退回，未重新报送"}
    assert {cell.text for row in table.rows[1:] for cell in row.cells[2:5]} == {"—"}
    assert not re.search(r"\b0\.00", opening)


def test_a_cluster_without_approved_commentary_is_said_to_have_none(client, planner, demo):
    client.force_login(planner)
    document = _docx(client, year=YEAR, quarter=QUARTER)
    with translation.override("zh-hans"):
        missing, no_remark = str(MISSING), str(NO_REMARK)
    assert _after(document, "各产业集群主要进展、存在问题和下步措施") != missing  # the first line names a cluster
    text = _all_text(document)
    assert text.count(missing) == Cluster.objects.count()
    worrying = [g for g in _api(client, "/api/v1/goals/", year=YEAR) if g["status"] in ("at_risk", "off_track")]
    assert worrying
    assert text.count(f"原因及措施：{no_remark}") == len(worrying)


def _commentary(cluster, status, **texts):
    return QuarterCommentary.objects.create(cluster=cluster, year=YEAR, quarter=QUARTER, status=status, **texts)


def test_the_approved_commentary_is_quoted_and_an_unapproved_one_is_not(client, planner, demo):
    client.force_login(planner)
    worrying = [g for g in _api(client, "/api/v1/goals/", year=YEAR)
                if g["status"] in ("at_risk", "off_track") and g.get("cluster")]
    assert worrying
    goal = StageGoal.objects.select_related("cluster").get(pk=worrying[0]["id"])
    approved = _commentary(goal.cluster, FigureStatus.APPROVED, progress="光伏组件产能提升", problems="电价偏高",
                           next_steps="争取直供电试点")
    GoalRemark.objects.create(commentary=approved, goal=goal, text="主导企业扩产推迟；协调融资并督办")
    other = Cluster.objects.exclude(pk=goal.cluster_id).first()
    _commentary(other, FigureStatus.SUBMITTED, progress="尚未审核的文字", problems="x", next_steps="y")
    text = _all_text(_docx(client, year=YEAR, quarter=QUARTER))
    for quoted in ("主要进展：光伏组件产能提升", "存在问题：电价偏高", "下步措施：争取直供电试点",
                   "原因及措施：主导企业扩产推迟；协调融资并督办"):
        assert quoted in text
    assert "尚未审核的文字" not in text


def test_a_departments_briefing_quotes_none_of_another_departments_commentary(client, make_user, demo):
    editor = make_user(User.Role.EDITOR, "nlb")
    hidden = Cluster.objects.exclude(pk__in=Cluster.objects.visible_to(editor)).first()
    _commentary(hidden, FigureStatus.APPROVED, progress="别的部门的进展", problems="x", next_steps="y")
    client.force_login(editor)
    assert "别的部门的进展" not in _all_text(_docx(client, year=YEAR, quarter=QUARTER))


def test_the_charts_are_images_and_are_left_out_with_a_sentence_without_a_chinese_font(client, planner, demo,
                                                                                      monkeypatch, tmp_path):
    client.force_login(planner)
    assert len(_docx(client, year=YEAR, quarter=QUARTER).inline_shapes) == 2
    empty = tmp_path / "fonts.conf"  # a fontconfig that knows no font at all
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    document = _docx(client, year=YEAR, quarter=QUARTER)
    assert len(document.inline_shapes) == 0
    assert "未找到含中文字符的字体" in _after(document, "图表")


def test_the_page_says_the_same_as_the_document(client, planner, demo):
    client.force_login(planner)
    document = _docx(client, year=YEAR, quarter=QUARTER)
    response = client.get(BRIEFING, {"year": YEAR, "quarter": QUARTER})
    assertContains(response, _after(document, "总体情况"))
    assertContains(response, "仅采用已审核数据")
    assertContains(response, "data:image/png;base64,", count=2)
    assertContains(response, "format=docx")


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_briefing_runs_a_bounded_number_of_queries(client, planner, make_user, django_assert_max_num_queries,
                                                        size):
    if size == "large":
        large_city()
    viewer = make_user(User.Role.VIEWER, "gov-taihe")
    for who in (planner, viewer):
        client.force_login(who)
        client.get(BRIEFING)  # warm the session
        for extra in ({"format": "docx"}, {}):
            with django_assert_max_num_queries(QUERIES):
                assert client.get(BRIEFING, {"year": 2015, "quarter": 2, **extra}).status_code == 200


# session, user, latest period (2); the department (twice: the briefing's scope, the page header); clusters; roll-up
# rows; goals and their evaluation (5); completeness (3); inflows; targets; stage moves; parks. Measured on the demo
# data: 17 (planner, .docx) to 19 (a department, the page); the same with 12 more clusters, enterprises and projects;
# and the approved commentary with its goal remarks (2).
QUERIES = 21


def test_the_output_chart_draws_the_largest_clusters_and_says_where_the_others_are(planner):
    """A province's hundreds of bars would be a picture no one reads, drawn at the cost of 100 MB a worker."""
    from briefing.charts import CHART_CLUSTERS, charts_for
    from briefing.content import briefing_for

    large_city(extra_clusters=26)  # 16 of the demo and 26 more, each with figures
    briefing = briefing_for(user=planner, year=2015, quarter=2)
    drawn = [line for line in briefing.clusters if line.row is not None]
    assert len(drawn) > CHART_CLUSTERS
    output = charts_for(briefing)[0]
    assert f"产值最大的{CHART_CLUSTERS}个；其余{len(drawn) - CHART_CLUSTERS}个见表格" in output.title
    assert output.png.startswith(b"\x89PNG")


def test_the_scale_lines_numbers_do_not_run_into_each_other():
    lines = [Decimal(100), Decimal(200), Decimal(1000)]
    assert numbered_lines(lines, Decimal(1200)) == lines  # a city's own scale: every number
    assert numbered_lines(lines, Decimal(15000)) == [Decimal(100), Decimal(1000)]  # 200 sits on 100
    assert numbered_lines(lines, Decimal(100000)) == [Decimal(100)]
