"""Fund pages: disbursements entered with the county matching-fund rule enforced (a clear message
when it blocks), the fund's total respected, matching funds recorded by their county; scoped."""
from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from funds.models import Disbursement, Fund, MatchingFund
from org.models import Region, User
from plan.demo import demo_load
from tests.reporting.support import english

pytestmark = pytest.mark.django_db
NEW = reverse("disbursement-create-page")
LIST = reverse("disbursement-list-page")
FUNDS = reverse("fund-list-page")


def _region(code="heishan") -> Region:
    return Region.objects.get(code=code)


def _payment(fund_code="cluster-special", region="heishan", **values):
    return {"fund": Fund.objects.get(code=fund_code).pk, "region": _region(region).pk, "park": "", "cluster": "",
            "amount_wan": "300", "paid_on": "2011-09-01", "purpose": "贴息"} | values


@pytest.fixture
def as_planner(client, planner):
    english(client)
    client.force_login(planner)
    return client


def test_a_payment_is_recorded(as_planner):
    MatchingFund.objects.create(region=_region(), year=2011, amount_wan=500, established_on=date(2011, 3, 1))
    response = as_planner.post(NEW, _payment())
    assert response.status_code == 302
    payment = Disbursement.objects.get()
    assert (payment.amount_wan, payment.region.code) == (300, "heishan")
    assert payment.history.first().history_change_reason == "disbursed"


def test_the_matching_fund_rule_blocks_with_a_clear_message(as_planner):
    response = as_planner.post(NEW, _payment())
    assertContains(response, "has set up no matching fund for 2011", status_code=400)
    assertContains(response, "in principle the city&#x27;s special fund gives it no support", status_code=400)
    assertContains(response, "Record the region's matching fund", status_code=400)
    assert not Disbursement.objects.exists()


def test_a_fund_without_the_rule_pays_a_region_without_a_matching_fund(as_planner):
    assert as_planner.post(NEW, _payment(fund_code="land-revolving")).status_code == 302


def test_a_fund_never_pays_out_more_than_its_amount(as_planner):
    response = as_planner.post(NEW, _payment(fund_code="land-revolving", amount_wan="60000"))
    assertContains(response, "more than the fund&#x27;s 50000.00 × 10,000 yuan", status_code=400)


def test_a_park_outside_the_recipient_region_is_refused(as_planner):
    from parks.models import Park

    park = Park.objects.get(code="yixian-park")
    response = as_planner.post(NEW, _payment(fund_code="land-revolving", park=park.pk))
    assertContains(response, "This park is not in the recipient region.", status_code=400)


def test_an_editor_who_manages_no_fund_cannot_pay(client, agri_editor):
    client.force_login(agri_editor)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _payment(fund_code="land-revolving")).status_code == 403
    assert not Disbursement.objects.exists()


def test_a_managing_department_pays_from_its_own_fund_only(client, make_user):
    finance = make_user(User.Role.EDITOR, "finance")
    Fund.objects.filter(code="land-revolving").update(managing_department=finance.department)
    client.force_login(finance)
    assert client.post(NEW, _payment(fund_code="land-revolving")).status_code == 302
    response = client.post(NEW, _payment(fund_code="park-cluster"))
    assert response.status_code == 400  # not a choice this user is offered
    assert "fund" in response.context["form"].errors
    assert Disbursement.objects.count() == 1


# --- matching funds ---------------------------------------------------------------------------------

def test_a_county_government_records_its_own_matching_fund(client, make_user):
    client.force_login(make_user(User.Role.EDITOR, "gov-heishan"))
    data = {"region": _region().pk, "year": 2011, "amount_wan": "800", "established_on": "2011-03-01"}
    assert client.post(reverse("matching-fund-create-page"), data).status_code == 302
    assert MatchingFund.objects.get().region.code == "heishan"


def test_a_county_government_cannot_record_another_countys_matching_fund(client, make_user):
    client.force_login(make_user(User.Role.EDITOR, "gov-heishan"))
    data = {"region": _region("yixian").pk, "year": 2011, "amount_wan": "800", "established_on": "2011-03-01"}
    assert client.post(reverse("matching-fund-create-page"), data).status_code == 403
    assert not MatchingFund.objects.exists()


# --- lists and exports --------------------------------------------------------------------------------

def test_disbursements_are_listed_only_where_the_user_may_see_them(client, make_user):
    demo_load()
    client.force_login(make_user(User.Role.VIEWER, "gov-heishan"))
    rows = client.get(LIST).context["rows"]
    assert rows
    assert {d.region.code for d in rows} == {"heishan"}
    csv_body = client.get(LIST, {"export": "csv"}).content.decode("utf-8-sig")
    assert csv_body.count("\n") == 1 + len(rows)
    assert "义县" not in csv_body


@pytest.mark.parametrize("params", [{}, {"export": "xlsx"}, {"export": "csv", "table": "matching"}])
def test_the_fund_list_and_its_exports_run_the_same_bounded_queries(client, planner, django_assert_max_num_queries,
                                                                   params):
    client.force_login(planner)
    with django_assert_max_num_queries(6) as few:
        client.get(FUNDS, params)
    demo_load()
    with django_assert_max_num_queries(6) as many:
        client.get(FUNDS, params)
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("params", [{}, {"export": "xlsx"}])
def test_the_disbursement_list_runs_the_same_bounded_queries(client, planner, django_assert_max_num_queries, params):
    client.force_login(planner)
    with django_assert_max_num_queries(6) as few:
        client.get(LIST, params)
    demo_load()
    with django_assert_max_num_queries(6) as many:
        client.get(LIST, params)
    assert len(many.captured_queries) == len(few.captured_queries)
