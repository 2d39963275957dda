"""Batch review: the review page groups figures by quarter × responsible department, each beside the previous
quarter, the same quarter last year and the change, and approves a whole group or the ticked rows through one
service call (`figures_approve`): all of them, or none. The same in the API (POST /api/v1/figures/approve-batch/)."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from clusters import services
from clusters.choices import FigureStatus
from clusters.models import QuarterlyFigure
from core.exceptions import StaleFigures
from core.periods import Quarter
from org.models import User
from progress.models import RollupMark
from tests.factories import EnterpriseFactory
from tests.reporting.support import cluster, figure

pytestmark = pytest.mark.django_db
REVIEW = reverse("figure-review-list")
BATCH = reverse("figure-approve-batch-page")
API = "/api/v1/figures/approve-batch/"


@pytest.fixture
def submitted(db):
    """2011 Q3 submitted: two 市农领办 clusters, one 市经信委 cluster; earlier quarters to compare with."""
    figure("heishan-main", 2011, 2, "10")
    figure("heishan-main", 2010, 3, "8")
    return {code: figure(code, 2011, 3, value, status=FigureStatus.SUBMITTED)
            for code, value in (("heishan-main", "12"), ("yixian-main", "5"), ("pv", "40"))}


def _status(figures) -> set[str]:
    return set(QuarterlyFigure.objects.filter(pk__in=[f.pk for f in figures]).values_list("status", flat=True))


def _pairs(*figures) -> list[str]:
    return [f"{f.pk}:{f.version}" for f in figures]


# --- the page -----------------------------------------------------------------------------------------

def test_the_review_page_groups_by_department_and_quarter_with_the_comparisons(as_planner, submitted):
    groups = as_planner.get(REVIEW, {"year": 2011, "quarter": 3}).context["groups"]
    assert [(g.department.code, g.quarter) for g in groups] == [("jxw", Quarter(2011, 3)), ("nlb", Quarter(2011, 3))]
    heishan = next(r for r in groups[1].rows if r.figure.cluster.code == "heishan-main")
    assert (heishan.previous.value, heishan.last_year.value, heishan.change) == (10, 8, Decimal("0.5"))


def test_the_page_offers_the_group_and_the_ticked_rows_for_approval(as_planner, submitted):
    response = as_planner.get(REVIEW, {"year": 2011, "quarter": 3})
    heishan = submitted["heishan-main"]
    assertContains(response, "Approve the group (2 figures)")
    assertContains(response, "Approve the ticked rows")
    assertContains(response, f'<input type="checkbox" name="figure" value="{heishan.pk}:{heishan.version}" '
                             f'form="batch-nlb-2011-3" aria-label="Tick {heishan.reporting_unit}">', html=True)
    assertContains(response, "+50.0 %")


def test_approving_a_group_approves_all_its_figures(as_planner, submitted):
    nlb = [submitted["heishan-main"], submitted["yixian-main"]]
    response = as_planner.post(BATCH, {"action": "group", "group": _pairs(*nlb), "next": REVIEW})
    assert response.status_code == 302
    assert _status(nlb) == {FigureStatus.APPROVED}
    assert _status([submitted["pv"]]) == {FigureStatus.SUBMITTED}
    assertContains(as_planner.get(REVIEW), "2 figures approved")


def test_approving_the_ticked_rows_approves_only_those(as_planner, submitted):
    heishan = submitted["heishan-main"]
    as_planner.post(BATCH, {"action": "ticked", "figure": _pairs(heishan),
                            "group": _pairs(heishan, submitted["yixian-main"]), "next": REVIEW})
    assert _status([heishan]) == {FigureStatus.APPROVED}
    assert _status([submitted["yixian-main"]]) == {FigureStatus.SUBMITTED}


def test_nothing_ticked_approves_nothing_and_says_so(as_planner, submitted):
    as_planner.post(BATCH, {"action": "ticked", "group": _pairs(submitted["heishan-main"]), "next": REVIEW})
    assert _status(submitted.values()) == {FigureStatus.SUBMITTED}
    assertContains(as_planner.get(REVIEW), "Tick the figures to approve first.")


def test_a_stale_row_approves_nothing_and_the_page_says_which(as_planner, submitted, agri_editor, planner):
    heishan, yixian = submitted["heishan-main"], submitted["yixian-main"]
    pairs = _pairs(heishan, yixian)
    services.figure_return(user=planner, figure_id=yixian.pk, expected_version=yixian.version, reason="核对")
    response = as_planner.post(BATCH, {"action": "group", "group": pairs, "next": REVIEW}, follow=True)
    assert _status([heishan]) == {FigureStatus.SUBMITTED}
    assertContains(response, "Nothing was approved")
    assertContains(response, str(yixian.reporting_unit))


def test_a_planner_cannot_batch_approve_their_own_figure_and_nothing_is_approved(settings, as_planner, planner,
                                                                                 submitted):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    own = services.figure_create(user=planner, cluster=cluster("beizhen-main"), year=2011, quarter=3, output_value=3)
    own = services.figure_submit(user=planner, figure_id=own.pk, expected_version=own.version)
    groups = as_planner.get(REVIEW, {"year": 2011, "quarter": 3}).context["groups"]
    nlb = next(g for g in groups if g.department.code == "nlb")
    assert own.pk not in {row.figure.pk for row in nlb.approvable}  # the page does not offer it
    response = as_planner.post(BATCH, {"action": "group", "next": REVIEW,
                                       "group": _pairs(own, submitted["heishan-main"])}, follow=True)
    assertContains(response, "four-eyes rule")
    assert _status([own, submitted["heishan-main"]]) == {FigureStatus.SUBMITTED}


def test_only_planners_may_batch_approve(client, agri_editor, submitted):
    client.force_login(agri_editor)
    assert client.post(BATCH, {"action": "group", "group": _pairs(submitted["heishan-main"])}).status_code == 403
    assert _status(submitted.values()) == {FigureStatus.SUBMITTED}


def test_returning_stays_per_figure_with_a_reason(as_planner, submitted):
    heishan = submitted["heishan-main"]
    page = as_planner.get(REVIEW, {"year": 2011, "quarter": 3})
    assertContains(page, f'action="{reverse("figure-return-page", args=[heishan.pk])}"')
    as_planner.post(reverse("figure-return-page", args=[heishan.pk]), {"version": heishan.version, "reason": ""})
    assert _status([heishan]) == {FigureStatus.SUBMITTED}


# --- the service ----------------------------------------------------------------------------------------

def test_the_roll_up_is_marked_once_per_cluster_and_year(planner):
    heishan = cluster("heishan-main")
    first, second = EnterpriseFactory(cluster=heishan, name="甲"), EnterpriseFactory(cluster=heishan, name="乙")
    figures = [QuarterlyFigure.objects.create(cluster=heishan, enterprise=e, year=2011, quarter=3, output_value=1,
                                              status=FigureStatus.SUBMITTED) for e in (first, second)]
    figures.append(figure("heishan-main", 2010, 4, "1", status=FigureStatus.SUBMITTED))
    services.figures_approve(user=planner, versions={f.pk: f.version for f in figures})
    marks = {(m.year, m.version) for m in RollupMark.objects.filter(cluster=heishan)}
    assert marks == {(2011, 1), (2010, 1)}


def test_the_service_lists_every_stale_figure_and_approves_none(planner, submitted):
    versions = {f.pk: f.version for f in submitted.values()}
    QuarterlyFigure.objects.filter(pk__in=[submitted["pv"].pk, submitted["yixian-main"].pk]).update(version=9)
    with pytest.raises(StaleFigures) as raised:
        services.figures_approve(user=planner, versions=versions)
    assert {f.pk for f in raised.value.stale} == {submitted["pv"].pk, submitted["yixian-main"].pk}
    assert _status(submitted.values()) == {FigureStatus.SUBMITTED}


def test_the_service_refuses_a_figure_that_is_not_submitted(planner, submitted):
    draft = figure("beizhen-main", 2011, 3, "1", status=FigureStatus.DRAFT)
    with pytest.raises(ValidationError):
        services.figures_approve(user=planner, versions={draft.pk: 1, submitted["pv"].pk: submitted["pv"].version})
    assert _status([submitted["pv"]]) == {FigureStatus.SUBMITTED}


def test_the_service_is_for_planners(agri_editor, submitted):
    with pytest.raises(PermissionDenied):
        services.figures_approve(user=agri_editor, versions={submitted["pv"].pk: submitted["pv"].version})


# --- the API --------------------------------------------------------------------------------------------

def _api(client, figures: list[dict]):
    return client.post(API, {"figures": figures}, content_type="application/json")


def test_the_api_approves_all_the_figures(as_planner, submitted):
    response = _api(as_planner, [{"id": f.pk, "version": f.version} for f in submitted.values()])
    assert response.status_code == 200
    assert {row["status"] for row in response.json()} == {"approved"}
    assert _status(submitted.values()) == {FigureStatus.APPROVED}


def test_the_api_answers_409_listing_the_stale_figures_and_approves_none(as_planner, submitted):
    pv = submitted["pv"]
    QuarterlyFigure.objects.filter(pk=pv.pk).update(version=7)
    response = _api(as_planner, [{"id": f.pk, "version": f.version} for f in submitted.values()])
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["stale"]) == ("version_conflict", [{"id": pv.pk, "current_version": 7}])
    assert set(body) >= {"detail", "code", "errors"}
    assert str(pv.pk) in body["errors"]["figures"][0]
    assert _status(submitted.values()) == {FigureStatus.SUBMITTED}


def test_the_api_keeps_the_four_eyes_rule_per_figure(settings, client, make_user, planner, submitted):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    QuarterlyFigure.objects.filter(pk=submitted["pv"].pk).update(submitted_by=planner)
    client.force_login(planner)
    response = _api(client, [{"id": f.pk, "version": f.version} for f in submitted.values()])
    assert response.status_code == 403
    assert _status(submitted.values()) == {FigureStatus.SUBMITTED}
    client.force_login(make_user(User.Role.PLANNER, "jxw"))
    assert _api(client, [{"id": f.pk, "version": f.version} for f in submitted.values()]).status_code == 200


@pytest.mark.parametrize("figures", [[], [{"id": 1}], "x", [{"id": "a", "version": 1}]])
def test_the_api_refuses_a_malformed_batch(as_planner, submitted, figures):
    response = _api(as_planner, figures)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_api_counts_a_figure_named_twice_with_the_same_version_once(as_planner, submitted):
    pv = submitted["pv"]
    response = _api(as_planner, [{"id": pv.pk, "version": pv.version}] * 2)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [pv.pk]


def test_the_api_answers_409_for_a_figure_named_with_two_versions(as_planner, submitted):
    pv = submitted["pv"]
    response = _api(as_planner, [{"id": pv.pk, "version": pv.version}, {"id": pv.pk, "version": pv.version + 1}])
    assert (response.status_code, response.json()["stale"]) == (409, [{"id": pv.pk, "current_version": pv.version}])
    assert _status([pv]) == {FigureStatus.SUBMITTED}


def test_the_api_refuses_a_figure_that_is_not_submitted_as_a_conflict(as_planner, submitted):
    draft = figure("beizhen-main", 2011, 3, "1", status=FigureStatus.DRAFT)
    response = _api(as_planner, [{"id": draft.pk, "version": 1}])
    assert (response.status_code, response.json()["code"]) == (409, "status")  # as POST figures/<id>/approve/


def test_the_api_answers_404_for_a_figure_that_does_not_exist_or_is_hidden(as_planner, submitted):
    response = _api(as_planner, [{"id": 999999, "version": 1}])
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_api_takes_json_only(as_planner, submitted):
    pv = submitted["pv"]
    response = as_planner.post(API, {"figures": f"{pv.pk}"})
    assert response.status_code == 415


def test_editors_and_read_only_clients_may_not_batch_approve(client, agri_editor, make_user, submitted):
    for user in (agri_editor, make_user(User.Role.API_CLIENT)):
        client.force_login(user)
        assert _api(client, [{"id": submitted["heishan-main"].pk, "version": 2}]).status_code == 403
    assert _status(submitted.values()) == {FigureStatus.SUBMITTED}


def test_the_endpoint_is_in_the_schema(client, planner):
    client.force_login(planner)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/figures/approve-batch/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "403", "409"}
    assert list(operation["requestBody"]["content"]) == ["application/json"]
