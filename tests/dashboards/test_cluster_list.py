"""The cluster list page at "/clusters/": who sees which clusters, how figures are shown, and its query count.

Chinese is the default language. `locale/` holds no compiled catalogue yet, so the Chinese
wording ("2011年第1季度", "亿元", "演示数据") is checked only by the test that is skipped until
`locale/zh_Hans/LC_MESSAGES/django.mo` exists; every other assertion is on what does not depend
on the catalogue (numbers, HTML classes, the English source strings under the English language).
"""
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clusters.choices import FigureSource, FigureStatus
from clusters.models import Cluster, StageGoal
from org.models import Department, User
from org.services import demo_users_ensure
from plan import data
from plan.demo import demo_load
from progress.services import rollup_full
from tests.factories import EnterpriseFactory, QuarterlyFigureFactory

pytestmark = pytest.mark.django_db

HOME = "/clusters/"
# session, user, the user's department (header), the clusters' count (the pager's), the page's clusters, their
# regions, their goals, latest rolled-up quarters, pending roll-ups
PAGE_QUERIES = 9
ZH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
COUNTY_CLUSTERS = {f"{code}-main" for code in data.COUNTY_CODES}
URBAN_CLUSTERS = {f"{code}-main" for code in data.URBAN_CODES}


@pytest.fixture
def demo_users(settings) -> dict[str, User]:
    """The demo accounts of `manage.py create_demo_users` (refused unless DEBUG is on)."""
    settings.DEBUG = True
    return {user.username: user for user in demo_users_ensure()}


def _page(client, user):
    client.force_login(user)
    return client.get(HOME)


def _codes(response) -> set[str]:
    return {row.cluster.code for row in response.context["rows"]}


def _approved(code: str, **values):
    return QuarterlyFigureFactory(cluster=Cluster.objects.get(code=code), status=FigureStatus.APPROVED, **values)


def _in_english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- who sees what ------------------------------------------------------------------------------

def test_anonymous_is_redirected_to_login(client):
    assertRedirects(client.get(HOME), f"{reverse('login')}?next={HOME}")


def test_planner_sees_all_16_clusters(client, planner):
    response = _page(client, planner)
    assert _codes(response) == set(Cluster.objects.values_list("code", flat=True))
    assert len(response.context["rows"]) == 16
    for cluster in Cluster.objects.all():
        assertContains(response, cluster.name_zh)


def test_planner_sees_every_cluster_stage_target(client, planner):
    response = _page(client, planner)
    goals = StageGoal.objects.filter(cluster__isnull=False)
    assert goals.count() == 18
    for goal in goals:
        assertContains(response, goal.description_zh, count=1)


def test_demo_agri_editor_sees_exactly_the_four_county_clusters(client, demo_users):
    response = _page(client, demo_users["agri_editor"])
    assert _codes(response) == COUNTY_CLUSTERS
    assertNotContains(response, Cluster.objects.get(code="pv").name_zh)


def test_demo_service_viewer_sees_exactly_the_four_urban_clusters(client, demo_users):
    response = _page(client, demo_users["service_viewer"])
    assert _codes(response) == URBAN_CLUSTERS
    assertNotContains(response, Cluster.objects.get(code="titanium").name_zh)


def test_user_without_department_sees_the_no_department_explanation(client, make_user):
    _in_english(client)
    response = _page(client, make_user(User.Role.VIEWER))
    assert response.context["rows"] == []
    assertContains(response, "Your account belongs to no department, so no cluster is shown.")
    assertNotContains(response, '<table class="data">')


def test_department_without_clusters_sees_the_not_assigned_explanation(client, make_user):
    Department.objects.create(code="new-office", name_zh="新办公室", name_en="New office", kind="commission")
    _in_english(client)
    response = _page(client, make_user(User.Role.VIEWER, "new-office"))
    assert response.context["rows"] == []
    assertContains(response, "No cluster is assigned to your department yet.")


def test_chinese_is_the_default_language(client, planner):
    assertContains(_page(client, planner), '<html lang="zh-hans">')


# --- figures (the page shows the roll-up of approved figures, so each test rolls up first) --------

def _rolled_up(*_figures) -> None:
    """Roll up after the figures given (created as the arguments, so a test reads in order)."""
    rollup_full()


def test_latest_approved_output_is_shown_with_two_decimals_and_thousands(client, agri_editor):
    _rolled_up(_approved("heishan-main", year=2011, quarter=1, output_value=Decimal("1234.5")))
    assertContains(_page(client, agri_editor), "1,234.50")


def test_latest_approved_output_in_english_names_quarter_and_unit(client, agri_editor):
    _rolled_up(_approved("heishan-main", year=2011, quarter=1, output_value=Decimal("1234.5")))
    _in_english(client)
    response = _page(client, agri_editor)
    assertContains(response, "1,234.50 100M yuan")
    assertContains(response, "Q1 2011")


def test_set_language_switches_the_page_to_english(client, agri_editor):
    _rolled_up(_approved("heishan-main", year=2011, quarter=1))
    client.force_login(agri_editor)
    response = client.post("/i18n/setlang/", {"language": "en", "next": HOME}, follow=True)
    assertContains(response, '<html lang="en">')
    assertContains(response, "Q1 2011")


def test_the_compiled_chinese_catalogue_is_committed():
    assert ZH_CATALOGUE.exists(), "run `make messages`: a bare clone must show Chinese without gettext"


def test_latest_approved_output_in_chinese_names_quarter_and_unit(client, agri_editor):
    _rolled_up(_approved("heishan-main", year=2011, quarter=1, output_value=Decimal("1234.5"),
                         source=FigureSource.DEMO))
    response = _page(client, agri_editor)
    assertContains(response, "1,234.50")
    assertContains(response, "亿元")
    assertContains(response, "2011年第1季度")
    assertContains(response, "演示数据")


def test_only_the_latest_quarter_is_shown(client, agri_editor):
    _rolled_up(_approved("heishan-main", year=2011, quarter=1, output_value=Decimal("11")),
               _approved("heishan-main", year=2011, quarter=2, output_value=Decimal("22")))
    _in_english(client)
    response = _page(client, agri_editor)
    assertContains(response, "22.00 100M yuan")
    assertContains(response, "Q2 2011")
    assertNotContains(response, "11.00 100M yuan")


def test_figures_not_yet_approved_are_not_shown(client, agri_editor):
    heishan = Cluster.objects.get(code="heishan-main")
    _rolled_up(_approved("heishan-main", year=2011, quarter=1, output_value=Decimal("11")),
               QuarterlyFigureFactory(cluster=heishan, year=2011, quarter=2, output_value=Decimal("99"),
                                      status=FigureStatus.SUBMITTED))
    _in_english(client)
    response = _page(client, agri_editor)
    assertContains(response, "11.00 100M yuan")
    assertNotContains(response, "99.00")


def test_enterprise_figures_of_the_latest_quarter_are_summed(client, planner):
    pv = Cluster.objects.get(code="pv")
    _rolled_up(*(_approved("pv", enterprise=EnterpriseFactory(cluster=pv), output_value=Decimal(value))
                 for value in ("10.25", "20.50")))
    assertContains(_page(client, planner), "30.75")


def test_cluster_without_approved_figure_says_so(client, agri_editor):
    _in_english(client)
    assertContains(_page(client, agri_editor), "no approved figure yet", count=4)


def test_demo_figures_carry_the_demo_badge(client, planner):
    demo_load()
    rollup_full()
    assertContains(_page(client, planner), '<span class="badge demo">', count=16)


def test_entered_figures_carry_no_demo_badge(client, agri_editor):
    _rolled_up(_approved("heishan-main", source=FigureSource.ENTERED))
    response = _page(client, agri_editor)
    assertContains(response, "50.00")
    assertNotContains(response, 'class="badge demo"')


# --- query count ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["planner", "agri_editor"])
def test_page_runs_the_same_bounded_queries_with_no_figures_and_full_demo_data(
    client, request, django_assert_max_num_queries, who
):
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(PAGE_QUERIES) as empty:
        client.get(HOME)
    demo_load()
    rollup_full()
    with django_assert_max_num_queries(PAGE_QUERIES) as full:
        response = client.get(HOME)
    assertNotContains(response, "no approved figure yet")
    assert len(full.captured_queries) == len(empty.captured_queries)


def test_the_list_shows_fifty_clusters_a_page_and_downloads_them_all(client, planner):
    from clusters.choices import Level
    from dashboards.selectors import CLUSTERS_PER_PAGE

    department = Department.objects.get(code="jxw")
    for i in range(CLUSTERS_PER_PAGE):
        Cluster.objects.create(code=f"zz-{i:02d}", name_zh=f"分页集群{i:02d}", name_en=f"Paged {i}", level=Level.CITY,
                               responsible_department=department)
    total = Cluster.objects.count()
    client.force_login(planner)
    first, last = client.get(HOME), client.get(HOME, {"page": 2})
    assert len(first.context["rows"]) == CLUSTERS_PER_PAGE
    assert len(last.context["rows"]) == total - CLUSTERS_PER_PAGE
    assertContains(first, f"共{total}个产业集群")
    assertContains(first, 'rel="next"')
    names = {row.cluster.pk for row in first.context["rows"]} | {row.cluster.pk for row in last.context["rows"]}
    assert len(names) == total
    download = client.get(HOME, {"export": "csv"}).content.decode("utf-8-sig")
    assert "分页集群00" in download
    assert f"分页集群{CLUSTERS_PER_PAGE - 1:02d}" in download
