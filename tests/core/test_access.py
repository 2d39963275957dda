"""The permission matrix of `core.access`: every role × every scoped model × view / edit, and every
action × every role (asked of the role, and of objects).

Each row of MATRIX is one object of one scoped model, the department that owns it (whose editor
should edit it), another department, and what each role may do with it:

    E  view and edit      V  view only      -  neither

Expectations follow from `core.access` and each model's `AccessRule`: planners see and edit
everything; viewers and API clients never edit; an API client without department reads the whole
city; editors edit what their department's paths reach; anonymous and inactive users get nothing.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from clusters.choices import GoalKind, PlatformKind
from clusters.models import Cluster, PublicServicePlatform, StageGoal
from commentary.models import GoalRemark, QuarterCommentary
from core.access import ACTIONS, AccessRule, can_edit, can_view, editable_by, may, restrict, visible_to
from funds.models import Disbursement, Fund, MatchingFund
from indicators.models import CityIndicator, IndicatorActual
from investment.choices import Currency, Origin
from investment.models import InvestmentInflow, InvestmentTarget, Project, ProjectStageMove
from org.models import Department, Region, User
from parks.models import Park, ParkReadinessItem, StandardFactoryProgramme
from progress.models import AssessmentWeight, Criterion
from scenarios.models import Scenario
from tests.factories import EnterpriseFactory, QuarterlyFigureFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "planner",         # planner of 市经信委
    "editor_own",      # editor of the owning department
    "editor_other",    # editor of another department
    "viewer_own",      # viewer of the owning department
    "viewer_other",    # viewer of another department
    "api_city",        # API client without department: city-wide read
    "api_own",         # API client of the owning department
    "gov_heishan",     # editor of 黑山县党委和政府 (a county government)
    "finance_viewer",  # viewer of 市财政部门 (a support department)
    "anonymous",
    "inactive",        # an inactive planner: being switched off beats every role
)


# --- the objects, one builder per row --------------------------------------------------------

def _cluster(code: str = "heishan-main") -> Cluster:
    return Cluster.objects.get(code=code)


def _park() -> Park:
    return Park.objects.get(code="heishan-park")


def _heishan() -> Region:
    return Region.objects.get(code="heishan")


def _project() -> Project:
    project, _created = Project.objects.get_or_create(name="黑山县测试项目", cluster=_cluster(), region=_heishan())
    return project


def _fund_managed_by_finance() -> Fund:
    fund = Fund.objects.get(code="land-revolving")
    fund.managing_department = Department.objects.get(code="finance")
    fund.save()
    return fund


def _city_indicator() -> CityIndicator:
    return CityIndicator.objects.get(code="industry-share")


def _commentary() -> QuarterCommentary:
    return QuarterCommentary.objects.get_or_create(cluster=_cluster(), year=2011, quarter=1)[0]


BUILDERS = {
    "region": _heishan,
    "department": lambda: Department.objects.get(code="nlb"),
    "cluster:county": _cluster,
    "cluster:urban": lambda: _cluster("linghe-main"),
    "cluster:city-level@jxw": lambda: _cluster("titanium"),
    "cluster:city-level@gov-taihe": lambda: _cluster("titanium"),
    "enterprise": lambda: EnterpriseFactory(cluster=_cluster()),
    "quarterly_figure": lambda: QuarterlyFigureFactory(cluster=_cluster()),
    "stage_goal:cluster": lambda: StageGoal.objects.get(code="s1-heishan-100"),
    "stage_goal:city-wide-count": lambda: StageGoal.objects.get(code="s3-count-100"),
    "platform": lambda: PublicServicePlatform.objects.create(
        cluster=_cluster(), kind=PlatformKind.TESTING, name="黑山县检验检测平台"),
    "park": _park,
    "readiness_item": lambda: ParkReadinessItem.objects.get(park=_park(), kind="road"),
    "project": _project,
    "project_stage_move": lambda: ProjectStageMove.objects.create(
        project=_project(), to_stage=1, moved_on=date(2011, 3, 1)),
    "investment_target": lambda: InvestmentTarget.objects.get(year=2011, origin=Origin.FOREIGN),
    "investment_inflow": lambda: InvestmentInflow.objects.create(
        year=2011, quarter=1, region=_heishan(), origin=Origin.DOMESTIC, currency=Currency.CNY,
        amount=Decimal("3.5")),
    "fund:managed": _fund_managed_by_finance,
    "fund:manager-tbd": lambda: Fund.objects.get(code="industry-special"),
    "matching_fund": lambda: MatchingFund.objects.create(
        region=_heishan(), year=2011, amount_wan=Decimal(800), established_on=date(2011, 3, 1)),
    "disbursement": lambda: Disbursement.objects.create(
        fund=_fund_managed_by_finance(), region=_heishan(), park=_park(), amount_wan=Decimal(5000),
        paid_on=date(2011, 5, 10), purpose="征地补偿"),
    "factory_programme": lambda: StandardFactoryProgramme.objects.get(year=2011),
    "city_indicator": _city_indicator,
    "indicator_actual": lambda: IndicatorActual.objects.create(
        indicator=_city_indicator(), quarter=1, value_percent=Decimal("48.5")),
    "assessment_weight": lambda: AssessmentWeight.objects.get(criterion=Criterion.OUTPUT),
    "quarter_commentary": lambda: _commentary(),
    "goal_remark": lambda: GoalRemark.objects.create(
        commentary=_commentary(), goal=StageGoal.objects.get(code="s1-heishan-100"), text="原因及措施"),
    # A scenario changing the owner's cluster: no department reaches it all the same.
    "scenario": lambda: Scenario.objects.create(name="黑山县集群高增长", cluster=_cluster(), growth=Decimal(30)),
}

# Columns: pl planner · eo / ex editor of the owning / another department · vo / vx viewer of the owning /
# another department · ac API client, city-wide · ao API client of the owning department · gh editor of
# 黑山县党委和政府 · fv viewer of 市财政部门 · an anonymous · in inactive planner.
MATRIX = [
    # object                          owner          other    pl eo ex vo vx ac ao gh fv an in
    ("region",                        "gov-heishan", "nlb", "E  V  V  V  V  V  V  V  V  -  -"),
    ("department",                    "nlb",         "fwy", "E  V  V  V  V  V  V  V  V  -  -"),
    ("cluster:county",                "nlb",         "fwy", "E  E  -  V  -  V  V  E  V  -  -"),
    ("cluster:urban",                 "fwy",         "nlb", "E  E  -  V  -  V  V  -  V  -  -"),
    ("cluster:city-level@jxw",        "jxw",         "nlb", "E  E  -  V  -  V  V  -  V  -  -"),
    ("cluster:city-level@gov-taihe",  "gov-taihe",   "nlb", "E  E  -  V  -  V  V  -  V  -  -"),
    ("enterprise",                    "nlb",         "fwy", "E  E  -  V  -  V  V  E  V  -  -"),
    ("quarterly_figure",              "nlb",         "fwy", "E  E  -  V  -  V  V  E  V  -  -"),
    ("stage_goal:cluster",            "nlb",         "fwy", "E  E  -  V  -  V  V  E  V  -  -"),
    ("stage_goal:city-wide-count",    "nlb",         "fwy", "E  V  V  V  V  V  V  V  V  -  -"),
    ("platform",                      "nlb",         "fwy", "E  E  -  V  -  V  V  E  V  -  -"),
    ("park",                          "nlb",         "fwy", "E  E  -  V  -  V  V  E  -  -  -"),
    ("readiness_item",                "nlb",         "fwy", "E  E  -  V  -  V  V  E  -  -  -"),
    ("project",                       "nlb",         "fwy", "E  E  -  V  -  V  V  E  -  -  -"),
    ("project_stage_move",            "nlb",         "fwy", "E  E  -  V  -  V  V  E  -  -  -"),
    ("investment_target",             "nlb",         "fwy", "E  V  V  V  V  V  V  V  V  -  -"),
    ("investment_inflow",             "gov-heishan", "nlb", "E  E  -  V  -  V  V  E  -  -  -"),
    ("fund:managed",                  "finance",     "nlb", "E  E  V  V  V  V  V  V  V  -  -"),
    ("fund:manager-tbd",              "finance",     "nlb", "E  V  V  V  V  V  V  V  V  -  -"),
    ("matching_fund",                 "gov-heishan", "nlb", "E  E  V  V  V  V  V  E  V  -  -"),
    ("factory_programme",             "nlb",         "fwy", "E  V  V  V  V  V  V  V  V  -  -"),
    ("disbursement",                  "finance",     "fwy", "E  E  -  V  -  V  V  V  V  -  -"),
    ("city_indicator",                "nlb",         "fwy", "E  V  V  V  V  V  V  V  V  -  -"),
    ("indicator_actual",              "nlb",         "fwy", "E  V  V  V  V  V  V  V  V  -  -"),
    ("assessment_weight",             "nlb",         "fwy", "E  V  V  V  V  V  V  V  V  -  -"),
    ("quarter_commentary",            "nlb",         "fwy", "E  E  -  V  -  V  V  E  V  -  -"),
    ("goal_remark",                   "nlb",         "fwy", "E  E  -  V  -  V  V  E  V  -  -"),
    ("scenario",                      "nlb",         "fwy", "E  -  -  -  -  V  -  -  -  -  -"),
]
# City-wide rows (regions, departments, count goals, investment targets, indicators, a fund whose
# managing department is still TBD) give no department an edit path: only planners edit them.


def _expected(cells: str) -> dict[str, str]:
    values = cells.split()
    assert len(values) == len(ROLES), cells
    return dict(zip(ROLES, values, strict=True))


CASES = [
    pytest.param(obj, owner, other, role, grant, id=f"{obj}-{role}")
    for obj, owner, other, cells in MATRIX
    for role, grant in _expected(cells).items()
]


def _user(make_user, role: str, owner: str, other: str):
    planner, editor, viewer, api = User.Role.PLANNER, User.Role.EDITOR, User.Role.VIEWER, User.Role.API_CLIENT
    makers = {
        "planner": lambda: make_user(planner, "jxw"),
        "editor_own": lambda: make_user(editor, owner),
        "editor_other": lambda: make_user(editor, other),
        "viewer_own": lambda: make_user(viewer, owner),
        "viewer_other": lambda: make_user(viewer, other),
        "api_city": lambda: make_user(api),
        "api_own": lambda: make_user(api, owner),
        "gov_heishan": lambda: make_user(editor, "gov-heishan"),
        "finance_viewer": lambda: make_user(viewer, "finance"),
        "anonymous": AnonymousUser,
        "inactive": lambda: make_user(planner, "jxw", is_active=False),
    }
    return makers[role]()


@pytest.mark.parametrize(("obj", "owner", "other", "role", "grant"), CASES)
def test_view_permission_follows_the_matrix(make_user, obj, owner, other, role, grant):
    instance = BUILDERS[obj]()
    user = _user(make_user, role, owner, other)
    listed = visible_to(type(instance).objects.all(), user).filter(pk=instance.pk).exists()
    assert (can_view(user, instance), listed) == (grant in "EV", grant in "EV")


@pytest.mark.parametrize(("obj", "owner", "other", "role", "grant"), CASES)
def test_edit_permission_follows_the_matrix(make_user, obj, owner, other, role, grant):
    instance = BUILDERS[obj]()
    user = _user(make_user, role, owner, other)
    listed = editable_by(type(instance).objects.all(), user).filter(pk=instance.pk).exists()
    assert (can_edit(user, instance), listed) == (grant == "E", grant == "E")


def test_matrix_covers_every_scoped_model():
    scoped = {model for model in apps.get_models() if isinstance(getattr(model, "access", None), AccessRule)}
    covered = {type(builder()) for builder in BUILDERS.values()}
    assert covered == scoped


def test_matrix_states_an_owner_and_another_department_that_exist():
    codes = {code for _obj, owner, other, _cells in MATRIX for code in (owner, other)}
    assert set(Department.objects.filter(code__in=codes).values_list("code", flat=True)) == codes
    assert all(owner != other for _obj, owner, other, _cells in MATRIX)


# --- whole querysets ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("department", "clusters"),
    [
        pytest.param("nlb", {"heishan-main", "beizhen-main", "linghai-main", "yixian-main"}, id="nlb-county"),
        pytest.param("fwy", {"linghe-main", "guta-main", "taihe-main", "songshan-main"}, id="fwy-urban"),
        pytest.param("jxw", {"pv", "petrochem", "auto", "finechem", "titanium", "agri", "kaifaqu-main",
                             "longqiwan-main"}, id="jxw-city-level"),
        pytest.param("gov-heishan", {"heishan-main"}, id="gov-heishan"),
        pytest.param("gov-taihe", {"taihe-main", "titanium"}, id="gov-taihe"),
    ],
)
def test_editor_edits_exactly_the_clusters_of_its_department(make_user, department, clusters):
    editor = make_user(User.Role.EDITOR, department)
    assert set(Cluster.objects.editable_by(editor).values_list("code", flat=True)) == clusters


def test_support_department_editor_views_every_cluster_and_edits_none(make_user):
    editor = make_user(User.Role.EDITOR, "finance")
    assert Cluster.objects.visible_to(editor).count() == Cluster.objects.count() == 16
    assert not Cluster.objects.editable_by(editor).exists()


def test_city_wide_count_goals_are_visible_to_a_user_without_department(make_user):
    viewer = make_user(User.Role.VIEWER)
    visible = StageGoal.objects.visible_to(viewer)
    assert set(visible.values_list("code", flat=True)) == set(
        StageGoal.objects.filter(kind=GoalKind.CLUSTER_COUNT).values_list("code", flat=True)
    )
    assert visible.count() == 4


def test_editor_without_department_sees_no_cluster(make_user):
    assert not Cluster.objects.visible_to(make_user(User.Role.EDITOR)).exists()


def test_superuser_sees_and_edits_everything_whatever_its_role(make_user):
    superuser = make_user(User.Role.VIEWER, is_superuser=True)
    assert Cluster.objects.editable_by(superuser).count() == 16


def test_row_reached_through_several_paths_is_listed_once(make_user):
    # 市农领办 reaches 黑山县's cluster as responsible department and, here, as supporting department too.
    cluster = _cluster()
    cluster.supporting_departments.add(Department.objects.get(code="nlb"))
    viewer = make_user(User.Role.VIEWER, "nlb")
    assert list(Cluster.objects.visible_to(viewer).values_list("code", flat=True)).count("heishan-main") == 1


def test_scoped_queryset_methods_match_the_functions(agri_editor):
    assert list(Cluster.objects.visible_to(agri_editor)) == list(visible_to(Cluster.objects.all(), agri_editor))
    assert list(Cluster.objects.editable_by(agri_editor)) == list(editable_by(Cluster.objects.all(), agri_editor))


# --- actions × roles ----------------------------------------------------------------------------------
# Asked of the role (no object): may this user do it at all? Y yes, - no. Columns as ROLES (with the owner
# nlb and the other department fwy), plus "su": a superuser whose role is viewer.
ROLE_MATRIX = [
    # action              pl eo ex vo vx ac ao gh fv an in su
    ("view",             "Y  Y  Y  Y  Y  Y  Y  Y  Y  -  -  Y"),
    ("view-all",         "Y  -  -  -  -  Y  -  -  -  -  -  Y"),
    ("edit",             "Y  Y  Y  -  -  -  -  Y  -  -  -  Y"),
    ("submit",           "Y  Y  Y  -  -  -  -  Y  -  -  -  Y"),
    ("resolve-ytd",      "Y  Y  Y  -  -  -  -  Y  -  -  -  Y"),
    ("add",              "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("delete",           "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("review",           "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("reopen",           "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("manage-funds",     "Y  Y  Y  -  -  -  -  Y  -  -  -  Y"),
    ("see-department",   "Y  Y  Y  Y  Y  Y  Y  Y  Y  -  -  Y"),
    ("export-history",   "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("manage-users",     "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("manage-rights",    "-  -  -  -  -  -  -  -  -  -  -  Y"),
    ("manage-plan",      "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("manage-channels",  "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("manage-scenarios", "Y  -  -  -  -  -  -  -  -  -  -  Y"),
    ("administer",       "-  -  -  -  -  -  -  -  -  -  -  -"),  # the staff flag decides, not the role
]
ROLE_COLUMNS = (*ROLES, "superuser")

# Asked of one object: the role and the row's reach. Columns as ROLES.
OBJECT_MATRIX = [
    # action            object              owner      other   pl eo ex vo vx ac ao gh fv an in
    ("review",          "quarterly_figure", "nlb",     "fwy", "Y  -  -  -  -  -  -  -  -  -  -"),
    ("reopen",          "quarterly_figure", "nlb",     "fwy", "Y  -  -  -  -  -  -  -  -  -  -"),
    ("delete",          "quarterly_figure", "nlb",     "fwy", "Y  -  -  -  -  -  -  -  -  -  -"),
    ("submit",          "quarterly_figure", "nlb",     "fwy", "Y  Y  -  -  -  -  -  Y  -  -  -"),
    ("resolve-ytd",     "quarterly_figure", "nlb",     "fwy", "Y  Y  -  -  -  -  -  Y  -  -  -"),
    ("export-history",  "cluster:county",   "nlb",     "fwy", "Y  -  -  -  -  -  -  -  -  -  -"),
    ("view-all",        "cluster:county",   "nlb",     "fwy", "Y  -  -  -  -  Y  -  -  -  -  -"),
    ("see-department",  "department",       "nlb",     "fwy", "Y  Y  -  Y  -  Y  Y  -  -  -  -"),
    ("manage-funds",    "fund:managed",     "finance", "nlb", "Y  Y  -  -  -  -  -  -  -  -  -"),
    ("manage-funds",    "fund:manager-tbd", "finance", "nlb", "Y  -  -  -  -  -  -  -  -  -  -"),
    ("manage-users",    "account:editor",   "nlb",     "fwy", "Y  -  -  -  -  -  -  -  -  -  -"),
    ("manage-users",    "account:planner",  "nlb",     "fwy", "-  -  -  -  -  -  -  -  -  -  -"),
    ("manage-scenarios", "scenario",        "nlb",     "fwy", "Y  -  -  -  -  -  -  -  -  -  -"),
]
# Accounts are not scoped rows (no AccessRule): a planner manages department accounts only.
ACCOUNTS = {
    "account:editor": lambda: User.objects.create_user(username="managed-editor", role=User.Role.EDITOR),
    "account:planner": lambda: User.objects.create_user(username="managed-planner", role=User.Role.PLANNER),
}


def _cells(cells: str, columns: tuple[str, ...]) -> dict[str, bool]:
    values = cells.split()
    assert len(values) == len(columns), cells
    return {column: value == "Y" for column, value in zip(columns, values, strict=True)}


ROLE_CASES = [
    pytest.param(action, role, granted, id=f"{action}-{role}")
    for action, cells in ROLE_MATRIX for role, granted in _cells(cells, ROLE_COLUMNS).items()
]
OBJECT_CASES = [
    pytest.param(action, obj, owner, other, role, granted, id=f"{action}-{obj}-{role}")
    for action, obj, owner, other, cells in OBJECT_MATRIX for role, granted in _cells(cells, ROLES).items()
]


def _role_user(make_user, role: str):
    if role == "superuser":
        return make_user(User.Role.VIEWER, is_superuser=True)
    return _user(make_user, role, "nlb", "fwy")


@pytest.mark.parametrize(("action", "role", "granted"), ROLE_CASES)
def test_action_asked_of_the_role_follows_the_matrix(make_user, action, role, granted):
    assert may(_role_user(make_user, role), action) is granted


@pytest.mark.parametrize(("action", "obj", "owner", "other", "role", "granted"), OBJECT_CASES)
def test_action_asked_of_an_object_follows_the_matrix(make_user, action, obj, owner, other, role, granted):
    instance = (BUILDERS | ACCOUNTS)[obj]()
    user = _user(make_user, role, owner, other)
    listed = restrict(type(instance).objects.all(), user, action).filter(pk=instance.pk).exists()
    assert (may(user, action, instance), listed) == (granted, granted)


def test_a_superuser_manages_planners_accounts_and_rights(make_user):
    superuser = make_user(User.Role.VIEWER, is_superuser=True)
    planner = make_user(User.Role.PLANNER, "jxw")
    assert may(superuser, "manage-users", planner)
    assert may(superuser, "manage-rights")
    assert not may(planner, "manage-rights")


def test_every_action_is_in_the_matrix():
    assert {action for action, _cells in ROLE_MATRIX} == set(ACTIONS)


@pytest.mark.parametrize("role", ["planner", "editor_own", "viewer_own", "api_city", "inactive"])
def test_administer_follows_the_staff_flag_of_an_active_user(make_user, role):
    planner, editor, viewer, api = User.Role.PLANNER, User.Role.EDITOR, User.Role.VIEWER, User.Role.API_CLIENT
    roles = {"planner": planner, "editor_own": editor, "viewer_own": viewer, "api_city": api, "inactive": planner}
    staff = make_user(roles[role], "nlb", is_staff=True, is_active=role != "inactive")
    assert may(staff, "administer") is (role != "inactive")


def test_manage_funds_asked_of_the_model_needs_a_fund_in_reach(make_user):
    _fund_managed_by_finance()
    assert may(make_user(User.Role.EDITOR, "finance"), "manage-funds", Fund)
    assert not may(make_user(User.Role.EDITOR, "nlb"), "manage-funds", Fund)


def test_asking_of_a_model_answers_for_the_role(make_user):
    editor = make_user(User.Role.EDITOR, "fwy")
    assert may(editor, "edit", Cluster)
    assert not may(editor, "review", Cluster)
    assert not may(make_user(User.Role.VIEWER, "nlb"), "edit", Cluster)


def test_an_unknown_action_is_an_error_not_a_refusal(planner):
    with pytest.raises(ValueError, match="approve"):
        may(planner, "approve", Cluster)
