"""Every endpoint × every role, reads and writes, through HTTP (token auth; session where noted).

Roles, around the department that owns the object (`owner`) and one that does not (`other`):
planner · editor of the owner · editor of the other · viewer of the owner · API client of the owner ·
API client without department (city-wide) · anonymous.

Reads: V = listed and retrievable (200), - = absent from the list and 404 on retrieve (exactly as a
missing id: no response tells a hidden object from a non-existent one), 401 = not signed in.
"""
from datetime import date
from decimal import Decimal

import pytest

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure, StageGoal
from commentary.models import QuarterCommentary
from funds.models import Disbursement, Fund
from investment.choices import Currency, Origin
from investment.models import InvestmentInflow, Project
from org.models import Department, Region, User
from parks.models import Park
from progress.models import Progress, Scope
from progress.services import rollup_full
from scenarios.models import Scenario
from tests.factories import QuarterlyFigureFactory

pytestmark = pytest.mark.django_db

ROLES = ("planner", "editor_own", "editor_other", "viewer_own", "api_own", "api_city", "anonymous")


def _heishan_cluster() -> Cluster:
    return Cluster.objects.get(code="heishan-main")


def _figure() -> QuarterlyFigure:
    return QuarterlyFigureFactory(cluster=_heishan_cluster(), year=2011, quarter=1)


def _progress_row() -> Progress:
    QuarterlyFigureFactory(cluster=_heishan_cluster(), year=2011, quarter=1, status=FigureStatus.APPROVED)
    rollup_full()
    return Progress.objects.get(scope=Scope.CLUSTER, scope_id=_heishan_cluster().pk, year=2011, quarter=1)


def _project() -> Project:
    return Project.objects.create(name="黑山县测试项目", cluster=_heishan_cluster(), region=_heishan())


def _scenario() -> Scenario:
    return Scenario.objects.create(name="黑山县集群高增长", cluster=_heishan_cluster(), growth=Decimal(30))


def _heishan() -> Region:
    return Region.objects.get(code="heishan")


def _inflow() -> InvestmentInflow:
    return InvestmentInflow.objects.create(year=2011, quarter=1, region=_heishan(), origin=Origin.DOMESTIC,
                                           currency=Currency.CNY, amount=Decimal("3.5"))


def _finance_fund() -> Fund:
    fund = Fund.objects.get(code="land-revolving")
    fund.managing_department = Department.objects.get(code="finance")
    fund.save()
    return fund


def _disbursement() -> Disbursement:
    return Disbursement.objects.create(fund=_finance_fund(), region=_heishan(), amount_wan=Decimal(500),
                                       paid_on=date(2011, 5, 10), purpose="征地补偿")


# endpoint, builder, owner, other, expected read per role (planner eo ex vo ao ac an)
READS = [
    ("departments", lambda: Department.objects.get(code="nlb"), "nlb", "fwy", "V V V V V V 401"),
    ("regions", _heishan, "gov-heishan", "nlb", "V V V V V V 401"),
    ("clusters", _heishan_cluster, "nlb", "fwy", "V V - V V V 401"),
    ("clusters", lambda: Cluster.objects.get(code="titanium"), "gov-taihe", "nlb", "V V - V V V 401"),
    ("figures", _figure, "nlb", "fwy", "V V - V V V 401"),
    ("commentary", lambda: QuarterCommentary.objects.create(cluster=_heishan_cluster(), year=2011, quarter=1),
     "nlb", "fwy", "V V - V V V 401"),
    ("goals", lambda: StageGoal.objects.get(code="s1-heishan-100"), "nlb", "fwy", "V V - V V V 401"),
    ("goals", lambda: StageGoal.objects.get(code="s3-count-100"), "nlb", "fwy", "V V V V V V 401"),
    ("progress", _progress_row, "nlb", "fwy", "V V - V V V 401"),
    ("parks", lambda: Park.objects.get(code="heishan-park"), "nlb", "fwy", "V V - V V V 401"),
    ("projects", _project, "nlb", "fwy", "V V - V V V 401"),
    ("inflows", _inflow, "gov-heishan", "nlb", "V V - V V V 401"),
    ("funds", _finance_fund, "finance", "nlb", "V V V V V V 401"),
    ("disbursements", _disbursement, "finance", "fwy", "V V - V V V 401"),
    # No department reaches a scenario, not even the one owning the cluster it changes: planners and city readers.
    ("scenarios", _scenario, "nlb", "fwy", "V - - - - V 401"),
]


@pytest.fixture
def people(make_user):
    def build(owner: str, other: str) -> dict[str, User | None]:
        return {
            "planner": make_user(User.Role.PLANNER, "jxw"),
            "editor_own": make_user(User.Role.EDITOR, owner),
            "editor_other": make_user(User.Role.EDITOR, other),
            "viewer_own": make_user(User.Role.VIEWER, owner),
            "api_own": make_user(User.Role.API_CLIENT, owner),
            "api_city": make_user(User.Role.API_CLIENT),
            "anonymous": None,
        }

    return build


def _cases(table):
    for endpoint, builder, owner, other, cells in table:
        values = cells.split()
        assert len(values) == len(ROLES)
        for role, expected in zip(ROLES, values, strict=True):
            yield pytest.param(endpoint, builder, owner, other, role, expected, id=f"{endpoint}-{owner}-{role}")


def _ids(response) -> set[int]:
    body = response.json()
    return {row.get("id", row.get("scope_id")) for row in body["results"]}


@pytest.mark.parametrize(("endpoint", "builder", "owner", "other", "role", "expected"), list(_cases(READS)))
def test_read_follows_the_permission_layer(api, people, endpoint, builder, owner, other, role, expected):
    obj = builder()
    user = people(owner, other)[role]
    client = api.as_(user)
    params = {"page_size": 1000}
    if endpoint == "progress":
        params.update(scope="cluster", year=2011, quarter=1)
    listed = client.get(f"/api/v1/{endpoint}/", params)
    if expected == "401":
        assert listed.status_code == 401
        assert listed.json()["code"] == "not_authenticated"
        assert listed["WWW-Authenticate"] == 'Token'
        return
    assert listed.status_code == 200
    key = obj.scope_id if endpoint == "progress" else obj.pk
    assert (key in _ids(listed)) == (expected == "V")
    if endpoint == "progress":
        return  # roll-up rows are listed only
    detail = client.get(f"/api/v1/{endpoint}/{obj.pk}/")
    assert detail.status_code == (200 if expected == "V" else 404)
    if expected == "-":
        missing = client.get(f"/api/v1/{endpoint}/{10**9}/")
        assert (missing.status_code, missing.json()) == (detail.status_code, detail.json())


@pytest.mark.parametrize("role", ROLES)
def test_ranking_is_read_by_every_signed_in_role_only(api, people, role):
    response = api.as_(people("nlb", "fwy")[role]).get("/api/v1/ranking/")
    assert response.status_code == (401 if role == "anonymous" else 200)


# Writes on the read-only endpoints: 405 for roles that may write, 403 for read-only roles, 401 anonymous.
READ_ONLY = ["departments", "regions", "clusters", "commentary", "goals", "parks", "projects", "inflows", "funds",
             "disbursements", "scenarios"]
WRITE_ON_READ_ONLY = {"planner": 405, "editor_own": 405, "editor_other": 405, "viewer_own": 403, "api_own": 403,
                      "api_city": 403, "anonymous": 401}


@pytest.mark.parametrize("endpoint", READ_ONLY)
@pytest.mark.parametrize("role", ROLES)
def test_read_only_endpoints_refuse_every_write(api, people, endpoint, role):
    client = api.as_(people("nlb", "fwy")[role])
    expected = WRITE_ON_READ_ONLY[role]
    assert client.post(f"/api/v1/{endpoint}/", {}, format="json").status_code == expected
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/{endpoint}/1/", {}, format="json")
        assert response.status_code == expected, method
        assert set(response.json()) >= {"detail", "code", "errors"}


@pytest.mark.parametrize("endpoint", ["progress", "ranking"])
@pytest.mark.parametrize("role", ROLES)
def test_computed_endpoints_refuse_every_write(api, people, endpoint, role):
    response = api.as_(people("nlb", "fwy")[role]).post(f"/api/v1/{endpoint}/", {}, format="json")
    assert response.status_code == WRITE_ON_READ_ONLY[role]


# --- figures: create, update, submit, approve, return, delete -------------------------------------------

FIGURE_WRITES = {
    #            planner  editor_own editor_other viewer_own api_own api_city anonymous
    "create":   (201,     201,       404,         403,       403,    403,     401),
    "update":   (200,     200,       404,         403,       403,    403,     401),
    "submit":   (200,     200,       404,         403,       403,    403,     401),
    "approve":  (200,     403,       404,         403,       403,    403,     401),
    "return":   (200,     403,       404,         403,       403,    403,     401),
    "delete":   (405,     405,       405,         403,       403,    403,     401),
}


def _figure_cases():
    for action, codes in FIGURE_WRITES.items():
        for role, code in zip(ROLES, codes, strict=True):
            yield pytest.param(action, role, code, id=f"{action}-{role}")


def _write(client, action: str, figure: QuarterlyFigure):
    base = f"/api/v1/figures/{figure.pk}/"
    if action == "create":
        return client.post("/api/v1/figures/", {"cluster": figure.cluster_id, "year": 2012, "quarter": 2,
                                                "output_value": "12.5"}, format="json")
    if action == "update":
        return client.patch(base, {"version": figure.version, "output_value": "60"}, format="json")
    if action == "delete":
        return client.delete(base)
    body = {"version": figure.version}
    if action == "return":
        body["reason"] = "数字有误"
    return client.post(f"{base}{action}/", body, format="json")


@pytest.mark.parametrize(("action", "role", "expected"), list(_figure_cases()))
def test_figure_writes_follow_role_and_scope(api, people, action, role, expected):
    status = FigureStatus.SUBMITTED if action in ("approve", "return") else FigureStatus.DRAFT
    figure = QuarterlyFigureFactory(cluster=_heishan_cluster(), year=2011, quarter=1, status=status)
    before = QuarterlyFigure.objects.count()
    response = _write(api.as_(people("nlb", "fwy")[role]), action, figure)
    assert response.status_code == expected, response.content
    figure.refresh_from_db()
    if expected >= 400:
        assert set(response.json()) >= {"detail", "code", "errors"}
        assert (figure.version, figure.status, QuarterlyFigure.objects.count()) == (1, status, before)
    elif action == "create":
        assert response.json()["status"] == "draft"
    else:
        assert figure.version == 2


def test_a_support_department_editor_sees_a_cluster_but_cannot_write_its_figures(api, make_user):
    # 市财政部门 supports every cluster: it views them, but its editors edit none (403, not 404: it may see it).
    editor = make_user(User.Role.EDITOR, "finance")
    figure = QuarterlyFigureFactory(cluster=_heishan_cluster())
    client = api.as_(editor)
    assert client.get(f"/api/v1/figures/{figure.pk}/").status_code == 200
    response = client.patch(f"/api/v1/figures/{figure.pk}/", {"version": 1, "output_value": "1"}, format="json")
    assert response.status_code == 403
    created = client.post("/api/v1/figures/", {"cluster": figure.cluster_id, "year": 2012, "quarter": 1,
                                               "output_value": "1"}, format="json")
    assert created.status_code == 403


def test_session_auth_needs_csrf_for_writes(client, make_user):
    from django.test import Client

    editor = make_user(User.Role.EDITOR, "nlb")
    figure = QuarterlyFigureFactory(cluster=_heishan_cluster())
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.get(f"/api/v1/figures/{figure.pk}/").status_code == 200
    response = strict.patch(f"/api/v1/figures/{figure.pk}/", {"version": 1, "output_value": "1"},
                            content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_an_inactive_users_token_is_refused(api, make_user):
    user = make_user(User.Role.API_CLIENT)
    client = api.as_(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/regions/").status_code == 401
