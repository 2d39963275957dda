"""Review: planners approve or return submitted figures (with a reason); approved figures are locked;
reopening is an explicit action with a reason; returned figures notify their editor at once."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from clusters import services
from clusters.choices import FigureStatus
from clusters.models import QuarterlyFigure
from core.history import object_history
from notices.models import Notice
from org.models import User
from plan.demo import demo_load
from progress.models import Progress, Scope
from tests.reporting.support import cluster, english, figure

pytestmark = pytest.mark.django_db
REVIEW = reverse("figure-review-list")


@pytest.fixture
def submitted(agri_editor):
    agri_editor.email = "editor@heishan.example"
    agri_editor.save()
    draft = services.figure_create(user=agri_editor, cluster=cluster("heishan-main"), year=2011, quarter=3,
                                   output_value=12)
    return services.figure_submit(user=agri_editor, figure_id=draft.pk, expected_version=draft.version)


def test_the_review_page_lists_submitted_figures(as_planner, submitted):
    response = as_planner.get(REVIEW)
    assert [f.pk for f in response.context["figures"]] == [submitted.pk]
    assertContains(response, "Approve")


def test_only_planners_reach_the_review_page(client, agri_editor, submitted):
    client.force_login(agri_editor)
    assert client.get(REVIEW).status_code == 403
    assert client.get(REVIEW, {"export": "xlsx"}).status_code == 403


def test_approving_locks_the_figure_and_counts_it_officially(as_planner, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_planner.post(reverse("figure-approve-page", args=[submitted.pk]),
                                   {"version": submitted.version, "next": REVIEW})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.APPROVED
    assert Progress.objects.get(scope=Scope.CLUSTER, scope_id=submitted.cluster_id, year=2011, quarter=3).value == 12


def test_approving_in_place_answers_with_the_row(as_planner, submitted):
    response = as_planner.post(reverse("figure-approve-page", args=[submitted.pk]),
                               {"version": submitted.version}, HTTP_HX_REQUEST="true")
    assertContains(response, f'<tr id="review-{submitted.pk}">')
    assertContains(response, "Figure approved")
    assertNotContains(response, "<html")


def test_returning_needs_a_reason(as_planner, submitted):
    response = as_planner.post(reverse("figure-return-page", args=[submitted.pk]),
                               {"version": submitted.version, "reason": " "}, HTTP_HX_REQUEST="true")
    assertContains(response, "Say why the figure is returned.")
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.SUBMITTED


def test_a_returned_figure_notifies_its_editor_after_commit(as_planner, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_planner.post(reverse("figure-return-page", args=[submitted.pk]),
                        {"version": submitted.version, "reason": "与统计局数据不符"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@heishan.example"]
    assert "与统计局数据不符" in message.body
    assert Notice.objects.get().sent_at is not None


def test_a_returned_figure_is_editable_again_and_its_reason_recorded(as_planner, submitted):
    as_planner.post(reverse("figure-return-page", args=[submitted.pk]),
                    {"version": submitted.version, "reason": "请核对"})
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.RETURNED
    assert submitted.history.first().history_change_reason == "returned: 请核对"


def test_a_stale_decision_is_refused(as_planner, submitted):
    as_planner.post(reverse("figure-approve-page", args=[submitted.pk]), {"version": submitted.version - 1})
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.SUBMITTED


def test_an_editor_cannot_approve_by_posting_to_the_url(client, agri_editor, submitted):
    client.force_login(agri_editor)
    client.post(reverse("figure-approve-page", args=[submitted.pk]), {"version": submitted.version})
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.SUBMITTED


def test_another_departments_figure_is_not_found(client, make_user, submitted):
    client.force_login(make_user(User.Role.EDITOR, "fwy"))
    assert client.post(reverse("figure-approve-page", args=[submitted.pk]), {"version": 2}).status_code == 404
    assert client.get(reverse("figure-page", args=[submitted.pk])).status_code == 404


# --- reopening --------------------------------------------------------------------------------------

@pytest.fixture
def approved(planner, submitted):
    return services.figure_approve(user=planner, figure_id=submitted.pk, expected_version=submitted.version)


def test_reopening_needs_a_reason(as_planner, approved):
    as_planner.post(reverse("figure-reopen-page", args=[approved.pk]), {"version": approved.version, "reason": ""})
    approved.refresh_from_db()
    assert approved.status == FigureStatus.APPROVED


def test_reopening_takes_the_figure_out_of_the_official_numbers(as_planner, approved,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_planner.post(reverse("figure-reopen-page", args=[approved.pk]),
                        {"version": approved.version, "reason": "统计局修订"})
    approved.refresh_from_db()
    assert (approved.status, approved.approved_by) == (FigureStatus.RETURNED, None)
    assert approved.history.first().history_change_reason == "reopened: 统计局修订"
    assert not Progress.objects.filter(scope=Scope.CLUSTER, scope_id=approved.cluster_id, quarter=3).exists()
    assert "统计局修订" in mail.outbox[0].body


def test_only_a_planner_may_reopen(client, agri_editor, approved):
    client.force_login(agri_editor)
    client.post(reverse("figure-reopen-page", args=[approved.pk]), {"version": approved.version, "reason": "x"})
    approved.refresh_from_db()
    assert approved.status == FigureStatus.APPROVED


def test_the_figure_page_offers_reopening_an_approved_figure(as_planner, approved):
    response = as_planner.get(reverse("figure-page", args=[approved.pk]))
    assertContains(response, reverse("figure-reopen-page", args=[approved.pk]))
    assertContains(response, "reason for reopening")


def test_reopen_service_refuses_a_figure_that_is_not_approved(planner, submitted):
    with pytest.raises(ValidationError):
        services.figure_reopen(user=planner, figure_id=submitted.pk, expected_version=submitted.version,
                               reason="x")


# --- query count ----------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{}, {"export": "xlsx"}, {"export": "csv"}, {"year": 2014, "quarter": 2}])
def test_the_review_page_and_its_exports_run_the_same_bounded_queries_with_few_and_many_figures(
    as_planner, django_assert_max_num_queries, params
):
    figure("heishan-main", 2014, 2, "1", status=FigureStatus.SUBMITTED)
    with django_assert_max_num_queries(10) as few:
        as_planner.get(REVIEW, params)
    demo_load()
    QuarterlyFigure.objects.filter(year=2014).update(status=FigureStatus.SUBMITTED)
    with django_assert_max_num_queries(10) as many:
        response = as_planner.get(REVIEW, params)
    if not params.get("export"):
        assert len(response.context["figures"]) > 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_figure_page_shows_every_reported_value(as_planner, agri_editor):
    figure = services.figure_create(user=agri_editor, cluster=cluster("heishan-main"), year=2011, quarter=2,
                                    output_value=12, revenue=Decimal("11.5"), tax=Decimal("0.75"), employees=1234,
                                    fixed_asset_investment=Decimal("3.2"))
    response = as_planner.get(reverse("figure-page", args=[figure.pk]))
    for label, shown in (("Main business revenue", "11.5"), ("Taxes paid", "0.75"), ("Employees", "1,234"),
                         ("Fixed-asset investment", "3.2")):
        assertContains(response, label)
        assertContains(response, f"<dd>{shown}</dd>", html=True)


# --- why it came back: the latest return is kept on the figure ----------------------------------------

def _return(client, figure, reason="与统计局数据不符"):
    return client.post(reverse("figure-return-page", args=[figure.pk]), {"version": figure.version, "reason": reason})


def test_the_editor_sees_who_returned_it_when_and_why_on_the_entry_row(as_planner, client, agri_editor, planner,
                                                                        submitted):
    _return(as_planner, submitted)
    client.force_login(agri_editor)
    english(client)
    response = client.get(reverse("figure-entry"), {"year": 2011, "quarter": 3})
    assertContains(response, "与统计局数据不符")
    assertContains(response, planner.username)
    submitted.refresh_from_db()
    assert (submitted.returned_by, submitted.return_reason) == (planner, "与统计局数据不符")
    assert submitted.returned_at is not None


def test_the_figure_page_and_the_review_list_show_the_latest_return(as_planner, agri_editor, submitted):
    _return(as_planner, submitted, "第一次退回")
    submitted.refresh_from_db()
    services.figure_submit(user=agri_editor, figure_id=submitted.pk, expected_version=submitted.version)
    assertContains(as_planner.get(reverse("figure-page", args=[submitted.pk])), "第一次退回")
    assertContains(as_planner.get(REVIEW, {"year": 2011, "quarter": 3}), "第一次退回")


def test_the_api_gives_the_latest_returns_reason_who_and_when(as_planner, planner, submitted):
    _return(as_planner, submitted)
    body = as_planner.get(f"/api/v1/figures/{submitted.pk}/").json()
    assert body["return_reason"] == "与统计局数据不符"
    assert body["returned_by"] == planner.pk
    assert body["returned_at"]


def test_a_return_reason_over_the_limit_is_refused(planner, submitted):
    with pytest.raises(ValidationError):
        services.figure_return(user=planner, figure_id=submitted.pk, expected_version=submitted.version,
                               reason="x" * 501)


def test_return_only_sends_back_submitted_figures_reopen_takes_approved_ones(planner, approved):
    with pytest.raises(ValidationError):
        services.figure_return(user=planner, figure_id=approved.pk, expected_version=approved.version, reason="改")
    reopened = services.figure_reopen(user=planner, figure_id=approved.pk, expected_version=approved.version,
                                      reason="数据有误")
    assert (reopened.status, reopened.return_reason) == (FigureStatus.RETURNED, "数据有误")


def test_the_api_reopens_an_approved_figure_with_version_and_reason(as_planner, approved):
    stale = as_planner.post(f"/api/v1/figures/{approved.pk}/reopen/",
                            {"version": approved.version - 1, "reason": "数据有误"}, content_type="application/json")
    assert stale.status_code == 409
    response = as_planner.post(f"/api/v1/figures/{approved.pk}/reopen/",
                               {"version": approved.version, "reason": "数据有误"}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["return_reason"]) == ("returned", "数据有误")


def test_the_history_of_a_return_shows_the_status_change_not_every_field(as_planner, submitted):
    _return(as_planner, submitted)
    with translation.override("en"):
        returned = next(e for e in object_history(submitted) if e.reason.startswith("returned"))
    assert {c.field for c in returned.changes} <= {"status", "version", "returned by", "returned at",
                                                   "reason for returning"}
    status = next(c for c in returned.changes if c.field == "status")
    assert (status.old, status.new) == ("submitted", "returned")


def test_a_return_of_demo_data_is_compared_with_the_loaded_values(as_planner):
    demo_load()
    figure = QuarterlyFigure.objects.filter(enterprise__isnull=True, year=2012, quarter=1).first()
    QuarterlyFigure.objects.filter(pk=figure.pk).update(status=FigureStatus.SUBMITTED)
    figure.refresh_from_db()
    _return(as_planner, figure)
    with translation.override("en"):
        returned = next(e for e in object_history(figure) if e.reason.startswith("returned"))
    assert "output value (100 million yuan)" not in {c.field for c in returned.changes}


# --- four eyes -----------------------------------------------------------------------------------------

def test_with_four_eyes_whoever_submitted_a_figure_cannot_approve_it(settings, planner, make_user):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    own = services.figure_create(user=planner, cluster=cluster("heishan-main"), year=2011, quarter=3, output_value=12)
    own = services.figure_submit(user=planner, figure_id=own.pk, expected_version=own.version)
    with pytest.raises(PermissionDenied):
        services.figure_approve(user=planner, figure_id=own.pk, expected_version=own.version)
    second = make_user(User.Role.PLANNER, "jxw")
    assert services.figure_approve(user=second, figure_id=own.pk, expected_version=own.version).status == "approved"


def test_with_four_eyes_the_review_row_says_why_it_was_not_approved(settings, client, planner):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    own = services.figure_create(user=planner, cluster=cluster("heishan-main"), year=2011, quarter=3, output_value=12)
    own = services.figure_submit(user=planner, figure_id=own.pk, expected_version=own.version)
    client.force_login(planner)
    english(client)
    response = client.post(reverse("figure-approve-page", args=[own.pk]), {"version": own.version},
                           HTTP_HX_REQUEST="true")
    assertContains(response, "four-eyes rule")
    own.refresh_from_db()
    assert own.status == FigureStatus.SUBMITTED


def test_four_eyes_is_on_in_production_settings_and_off_for_make_run():
    from jinzhou.settings import base

    production = (Path(base.BASE_DIR) / "jinzhou/settings/production.py").read_text()
    assert 'env.bool("REVIEW_REQUIRES_SECOND_PERSON", default=True)' in production
    assert base.REVIEW_REQUIRES_SECOND_PERSON is False
