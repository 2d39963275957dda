"""Figure writes through the API: the services' rules, optimistic locking and the error shape."""
import pytest

from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from progress.models import RollupMark
from tests.factories import EnterpriseFactory, QuarterlyFigureFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/figures/"


@pytest.fixture
def heishan() -> Cluster:
    return Cluster.objects.get(code="heishan-main")


def test_an_editor_enters_submits_and_a_planner_approves(api, roles, heishan):
    editor = api.as_(roles.editor_own)
    created = editor.post(URL, {"cluster": heishan.pk, "year": 2012, "quarter": 3, "output_value": "25.5",
                                "employees": 1200, "note": "季报"}, format="json")
    assert created.status_code == 201
    figure = created.json()
    assert (figure["status"], figure["version"], figure["output_value"], figure["source"]) == (
        "draft", 1, "25.5000", "entered")
    assert (figure["is_demo"], figure["data_label"]) == (False, "")

    changed = editor.patch(f"{URL}{figure['id']}/", {"version": 1, "output_value": "26"}, format="json")
    assert changed.json()["version"] == 2
    submitted = editor.post(f"{URL}{figure['id']}/submit/", {"version": 2}, format="json")
    assert submitted.json()["status"] == "submitted"

    approved = api.as_(roles.planner).post(f"{URL}{figure['id']}/approve/", {"version": 3}, format="json")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["version"]) == ("approved", 4)
    assert approved.json()["approved_at"] is not None
    assert RollupMark.objects.filter(cluster=heishan, year=2012).exists()


def test_a_stale_version_is_409_with_the_current_version_and_changes_nothing(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan, version=3)
    response = api.as_(roles.editor_own).patch(f"{URL}{figure.pk}/", {"version": 2, "output_value": "1"},
                                               format="json")
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["current_version"], body["errors"]) == ("version_conflict", 3, {})
    figure.refresh_from_db()
    assert (figure.version, figure.output_value) == (3, 50)


def test_a_stale_version_on_approve_is_409(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan, status=FigureStatus.SUBMITTED, version=5)
    response = api.as_(roles.planner).post(f"{URL}{figure.pk}/approve/", {"version": 4}, format="json")
    assert (response.status_code, response.json()["current_version"]) == (409, 5)


def test_a_second_figure_for_the_same_quarter_is_409_naming_the_rule(api, roles, heishan):
    QuarterlyFigureFactory(cluster=heishan, year=2011, quarter=1)
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2011, "quarter": 1, "output_value": "1"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This cluster already has a figure for that quarter.", "code": "already_reported",
        "errors": {"non_field_errors": ["This cluster already has a figure for that quarter."]}}


def test_cluster_and_enterprise_figures_cannot_mix_in_one_quarter(api, roles, heishan):
    QuarterlyFigureFactory(cluster=heishan, year=2011, quarter=1)
    enterprise = EnterpriseFactory(cluster=heishan)
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "enterprise": enterprise.pk, "year": 2011, "quarter": 1, "output_value": "1"},
        format="json")
    assert (response.status_code, response.json()["code"]) == (409, "reporting_mode")
    assert list(response.json()["errors"]) == ["enterprise"]


def test_an_enterprise_of_another_cluster_is_not_found_in_this_one(api, roles, heishan):
    other = EnterpriseFactory(cluster=Cluster.objects.get(code="beizhen-main"))
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "enterprise": other.pk, "year": 2011, "quarter": 1, "output_value": "1"},
        format="json")
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (
        404, "not_found", ["enterprise"])


def test_an_enterprise_the_editor_cannot_see_is_like_a_missing_one(api, roles):
    hidden = EnterpriseFactory(cluster=Cluster.objects.get(code="linghe-main"))  # 市服务业委's
    client = api.as_(roles.editor_own)
    body = {"cluster": Cluster.objects.get(code="heishan-main").pk, "year": 2011, "quarter": 1, "output_value": "1"}
    as_hidden = client.post(URL, {**body, "enterprise": hidden.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    as_missing = client.post(URL, {**body, "enterprise": 10**9}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert as_hidden.status_code == as_missing.status_code == 404
    assert as_hidden.json()["errors"]["enterprise"] == [f'Invalid pk "{hidden.pk}" - object does not exist.']
    assert as_missing.json()["errors"]["enterprise"] == [f'Invalid pk "{10**9}" - object does not exist.']


def test_an_approved_figure_is_locked_409(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan, status=FigureStatus.APPROVED)
    response = api.as_(roles.editor_own).patch(f"{URL}{figure.pk}/", {"version": 1, "output_value": "1"},
                                               format="json")
    assert (response.status_code, response.json()["code"]) == (409, "locked")
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_return_needs_a_reason(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan, status=FigureStatus.SUBMITTED)
    response = api.as_(roles.planner).post(f"{URL}{figure.pk}/return/", {"version": 1, "reason": "  "},
                                           format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["reason"])


def test_reopening_an_approved_figure_returns_it(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan, status=FigureStatus.APPROVED)
    refused = api.as_(roles.planner).post(f"{URL}{figure.pk}/return/", {"version": 1, "reason": "复核"},
                                          format="json")
    # an approved figure is locked: it is reopened, not returned
    assert (refused.status_code, refused.json()["code"]) == (409, "status")
    response = api.as_(roles.planner).post(f"{URL}{figure.pk}/reopen/", {"version": 1, "reason": "复核"},
                                           format="json")
    assert response.json()["status"] == "returned"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "123456789.1", "1.23456", "-1",
                                   "abc", "", None, True, [], {}])
def test_bad_amounts_are_400_on_the_field(api, roles, heishan, value):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2012, "quarter": 1, "output_value": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["output_value"]
    assert not QuarterlyFigure.objects.filter(year=2012).exists()


@pytest.mark.parametrize(("field", "value"), [
    ("year", 1999), ("year", 2101), ("year", "二〇一一"), ("year", 2**70), ("quarter", 0), ("quarter", 5),
    ("cluster", 2**70), ("cluster", -1), ("cluster", "pv"), ("cluster", None), ("employees", -3),
    ("employees", 2**40), ("note", "x" * 2001),
])
def test_bad_fields_are_400_naming_the_field(api, roles, heishan, field, value):
    body = {"cluster": heishan.pk, "year": 2012, "quarter": 1, "output_value": "1", field: value}
    response = api.as_(roles.editor_own).post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_a_patch_with_only_the_version_is_400(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan)
    response = api.as_(roles.editor_own).patch(f"{URL}{figure.pk}/", {"version": 1}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["non_field_errors"])


def test_put_is_not_offered(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan)
    response = api.as_(roles.editor_own).put(f"{URL}{figure.pk}/", {"version": 1, "output_value": "2"},
                                             format="json")
    assert response.status_code == 405


def test_malformed_json_is_400(api, roles):
    response = api.as_(roles.editor_own).post(URL, data="{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_an_unsupported_body_type_is_415(api, roles):
    response = api.as_(roles.editor_own).post(URL, data="<x/>", content_type="application/xml")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_figures_filter_by_cluster_enterprise_year_quarter_status(api, roles, heishan):
    enterprise = EnterpriseFactory(cluster=Cluster.objects.get(code="pv"))
    QuarterlyFigureFactory(cluster=heishan, year=2011, quarter=1, status=FigureStatus.APPROVED)
    QuarterlyFigureFactory(cluster=heishan, year=2011, quarter=2)
    QuarterlyFigureFactory(cluster=enterprise.cluster, enterprise=enterprise, year=2012, quarter=1)
    client = api.as_(roles.planner)

    def ids(**params):
        return [(r["cluster"], r["year"], r["quarter"]) for r in client.get(URL, params).json()["results"]]

    assert ids(cluster=heishan.pk, ordering="quarter") == [(heishan.pk, 2011, 1), (heishan.pk, 2011, 2)]
    assert ids(enterprise=enterprise.pk) == [(enterprise.cluster_id, 2012, 1)]
    assert ids(status="approved") == [(heishan.pk, 2011, 1)]
    assert ids(year=2011, quarter=2) == [(heishan.pk, 2011, 2)]
    assert ids(by_enterprise="true") == [(enterprise.cluster_id, 2012, 1)]
    assert ids(cluster_code="heishan-main", year_min=2011, year_max=2011, ordering="-quarter") == [
        (heishan.pk, 2011, 2), (heishan.pk, 2011, 1)]
    assert Enterprise.objects.count() == 1


# --- refusals by the data's state: 409 with a code (documented per operation in the schema) -------------

def test_submitting_an_approved_figure_is_409_status(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan, status=FigureStatus.APPROVED)
    response = api.as_(roles.editor_own).post(f"{URL}{figure.pk}/submit/", {"version": 1}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "status")


def test_approving_a_draft_is_409_status(api, roles, heishan):
    figure = QuarterlyFigureFactory(cluster=heishan)
    response = api.as_(roles.planner).post(f"{URL}{figure.pk}/approve/", {"version": 1}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "status")


def test_an_unexplained_outlier_is_409_explanation_needed_naming_the_note(api, roles, heishan):
    QuarterlyFigureFactory(cluster=heishan, year=2011, quarter=1, output_value=10)
    figure = QuarterlyFigureFactory(cluster=heishan, year=2012, quarter=1, output_value=30)
    response = api.as_(roles.editor_own).post(f"{URL}{figure.pk}/submit/", {"version": 1}, format="json")
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (
        409, "explanation_needed", ["note"])


def test_a_quarter_that_is_not_over_is_409_quarter_not_over(api, roles, heishan):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2100, "quarter": 4, "output_value": "1"}, format="json")
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (
        409, "quarter_not_over", ["quarter"])


# --- what the body may hold --------------------------------------------------------------------------

@pytest.mark.parametrize("year", [1999, 2000, 2009])
def test_a_figure_before_the_plans_base_year_is_400_with_the_reason(api, roles, heishan, year):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": year, "quarter": 1, "output_value": "1"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["Figures start with the plan's base year, 2010."]}


def test_the_base_year_2010_is_accepted(api, roles, heishan):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2010, "quarter": 4, "output_value": "1"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("value", ["-0", "-0.0", "-0.0000", "0"])
def test_minus_zero_is_stored_and_echoed_as_zero(api, roles, heishan, value):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2012, "quarter": 1, "output_value": "5", "tax": value}, format="json")
    assert response.json()["tax"] == "0.0000"
    assert str(QuarterlyFigure.objects.get(pk=response.json()["id"]).tax) == "0.0000"


@pytest.mark.parametrize("value", [5, 5.5, 0])
def test_an_amount_sent_as_a_json_number_is_400_asking_for_a_string(api, roles, heishan, value):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2012, "quarter": 1, "output_value": value}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "output_value": ['Send the amount as a decimal string, e.g. "12.5", not as a JSON number.']}


def test_an_output_value_beyond_the_entry_limit_is_400_on_the_field(api, roles, heishan, settings):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2012, "quarter": 1, "output_value": "5000.0001"}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["output_value"])


@pytest.mark.parametrize("body", [
    {"version": 1, "output_value": "2", "ouput_value": "3"},
    {"version": 1, "output_value": "2", "status": "approved"},
])
def test_a_key_the_request_does_not_take_is_400_naming_it(api, roles, heishan, body):
    figure = QuarterlyFigureFactory(cluster=heishan)
    response = api.as_(roles.editor_own).patch(f"{URL}{figure.pk}/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [key for key in body if key not in ("version", "output_value")]
    figure.refresh_from_db()
    assert figure.version == 1


# --- the year to date (累计) -----------------------------------------------------------------------------

def _ytd_pair(api, roles, heishan):
    """Q1 18.2 as the quarter's own value, Q2 reported as 累计 37; both drafts."""
    editor = api.as_(roles.editor_own)
    q1 = editor.post(URL, {"cluster": heishan.pk, "year": 2011, "quarter": 1, "output_value": "18.2"}, format="json")
    q2 = editor.post(URL, {"cluster": heishan.pk, "year": 2011, "quarter": 2, "output_ytd": "37"}, format="json")
    return q1.json(), q2


def test_a_figure_entered_as_ytd_returns_both_values_and_its_mode(api, roles, heishan):
    q1, q2 = _ytd_pair(api, roles, heishan)
    assert q2.status_code == 201
    body = q2.json()
    assert (body["entry_mode"], body["output_ytd"], body["output_value"], body["flags"]) == (
        "ytd", "37.0000", "18.8000", [])
    assert (q1["entry_mode"], q1["output_ytd"], q1["flags"]) == ("quarter", None, [])


@pytest.mark.parametrize("values", [{}, {"output_value": "1", "output_ytd": "2"}])
def test_create_needs_exactly_one_of_output_value_and_output_ytd(api, roles, heishan, values):
    response = api.as_(roles.editor_own).post(URL, {"cluster": heishan.pk, "year": 2011, "quarter": 1, **values},
                                              format="json")
    assert response.status_code == 400
    assert "output_value" in response.json()["errors"]


def test_an_update_may_not_send_both_outputs(api, roles, heishan):
    q1, _q2 = _ytd_pair(api, roles, heishan)
    response = api.as_(roles.editor_own).patch(f"{URL}{q1['id']}/", {"version": q1["version"], "output_value": "1",
                                                                      "output_ytd": "2"}, format="json")
    assert response.status_code == 400


def test_a_ytd_without_the_earlier_quarters_is_409(api, roles, heishan):
    response = api.as_(roles.editor_own).post(URL, {"cluster": heishan.pk, "year": 2011, "quarter": 2,
                                                    "output_ytd": "37"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "earlier_missing")


def test_changing_an_earlier_quarter_flags_the_ytd_figure_and_resolve_settles_it(api, roles, heishan):
    q1, q2 = _ytd_pair(api, roles, heishan)
    q2 = q2.json()
    editor = api.as_(roles.editor_own)
    assert editor.patch(f"{URL}{q1['id']}/", {"version": q1["version"], "output_value": "17.9"},
                        format="json").status_code == 200
    flagged = editor.get(f"{URL}{q2['id']}/").json()
    assert (flagged["flags"], flagged["output_ytd"], flagged["output_value"]) == (["ytd_mismatch"], "37.0000",
                                                                                   "18.8000")
    listed = {f["id"]: f["flags"] for f in editor.get(URL, {"year": 2011}).json()["results"]}
    assert listed == {q1["id"]: [], q2["id"]: ["ytd_mismatch"]}
    stale = editor.post(f"{URL}{q2['id']}/resolve-ytd/", {"version": q2["version"] + 5, "keep": "ytd"}, format="json")
    assert stale.status_code == 409
    settled = editor.post(f"{URL}{q2['id']}/resolve-ytd/", {"version": q2["version"], "keep": "ytd"}, format="json")
    assert settled.status_code == 200
    assert (settled.json()["output_value"], settled.json()["output_ytd"], settled.json()["flags"]) == (
        "19.1000", "37.0000", [])
    again = editor.post(f"{URL}{q2['id']}/resolve-ytd/", {"version": settled.json()["version"], "keep": "quarter"},
                        format="json")
    assert (again.status_code, again.json()["code"]) == (409, "not_mismatched")  # nothing to settle now


def test_the_figure_list_costs_the_same_queries_with_ytd_checks(api, roles, heishan, django_assert_max_num_queries):
    _ytd_pair(api, roles, heishan)
    client = api.as_(roles.planner)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_a_note_that_is_not_text_is_400(api, roles, heishan):
    response = api.as_(roles.editor_own).post(
        URL, {"cluster": heishan.pk, "year": 2011, "quarter": 1, "output_value": "1", "note": 0}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]


def test_an_empty_string_is_not_an_optional_amount(api, roles, heishan):
    response = api.as_(roles.editor_own).post(URL, {"cluster": heishan.pk, "year": 2011, "quarter": 1,
                                                    "output_value": "1", "fixed_asset_investment": ""}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["fixed_asset_investment"]
