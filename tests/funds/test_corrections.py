"""Correcting and cancelling disbursements and matching funds: through the services, for those who may edit
the row only, never over someone else's newer save, with the matching-fund rule and the fund's total
checked again, a reason for every cancellation, and every change in the row's history. A cancelled payment
counts nowhere (fund total, park dashboard, API) but stays listed, labelled."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from rest_framework.test import APIClient

from core.exceptions import PermissionDenied, ValidationError, VersionConflict
from funds import selectors, services
from funds.models import Disbursement, Fund, MatchingFund
from org.models import Region, User
from parks.models import Park
from plan.demo import demo_load
from tests.reporting.support import english

pytestmark = pytest.mark.django_db
LIST = reverse("disbursement-list-page")
FUNDS = reverse("fund-list-page")
# The plan's rule (不设专项配套资金的原则上市专项不予支持), as the English message says it.
RULE = "in principle the city&#x27;s special fund gives it no support"


def _region(code="heishan") -> Region:
    return Region.objects.get(code=code)


def _edit(payment: Disbursement) -> str:
    return reverse("disbursement-edit-page", args=[payment.pk])


def _cancel(payment: Disbursement) -> str:
    return reverse("disbursement-cancel-page", args=[payment.pk])


def _matching(region="heishan", year=2011, amount=500) -> MatchingFund:
    return MatchingFund.objects.create(region=_region(region), year=year, amount_wan=Decimal(amount),
                                       established_on=date(year, 3, 1))


def _payment(fund_code="cluster-special", region="heishan", amount=300, paid_on=date(2011, 9, 1), **extra):
    return Disbursement.objects.create(fund=Fund.objects.get(code=fund_code), region=_region(region),
                                       amount_wan=Decimal(amount), paid_on=paid_on, purpose="贴息", **extra)


def _form(payment: Disbursement, **values) -> dict:
    return {"region": payment.region_id, "park": payment.park_id or "", "cluster": payment.cluster_id or "",
            "amount_wan": str(payment.amount_wan), "paid_on": payment.paid_on.isoformat(),
            "purpose": payment.purpose, "version": payment.version} | values


@pytest.fixture
def as_planner(client, planner):
    english(client)
    client.force_login(planner)
    return client


@pytest.fixture
def finance(make_user) -> User:
    """市财政部门's editor, managing 土地整理周转金 (and no other fund)."""
    user = make_user(User.Role.EDITOR, "finance")
    Fund.objects.filter(code="land-revolving").update(managing_department=user.department)
    return user


# --- correcting a payment ------------------------------------------------------------------------------------

def test_a_planner_corrects_the_amount_and_date_of_a_payment(as_planner, planner):
    _matching()
    payment = _payment()
    response = as_planner.post(_edit(payment), _form(payment, amount_wan="350", paid_on="2011-10-08"))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.amount_wan, payment.paid_on, payment.version) == (Decimal(350), date(2011, 10, 8), 2)
    record = payment.history.first()
    assert (record.history_change_reason, record.history_user) == ("corrected", planner)


def test_a_correction_is_shown_on_the_history_page(as_planner):
    _matching()
    payment = _payment()
    as_planner.post(_edit(payment), _form(payment, amount_wan="350"))
    page = as_planner.get(reverse("history", args=["funds.disbursement", payment.pk]))
    assertContains(page, "corrected")
    assertContains(page, "350")


def test_the_edit_page_links_to_the_history(as_planner):
    payment = _payment(fund_code="land-revolving")
    assertContains(as_planner.get(_edit(payment)), reverse("history", args=["funds.disbursement", payment.pk]))


def test_an_unchanged_save_writes_no_history(as_planner):
    payment = _payment(fund_code="land-revolving")
    assert as_planner.post(_edit(payment), _form(payment)).status_code == 302
    assert payment.history.count() == 1


def test_a_correction_that_breaks_the_matching_fund_rule_is_refused(as_planner):
    _matching(year=2011)
    payment = _payment()
    response = as_planner.post(_edit(payment), _form(payment, paid_on="2012-01-05"))
    assertContains(response, "has set up no matching fund for 2012", status_code=400)
    assertContains(response, RULE, status_code=400)
    payment.refresh_from_db()
    assert (payment.paid_on, payment.version) == (date(2011, 9, 1), 1)


def test_moving_a_payment_to_a_region_without_a_matching_fund_is_refused(as_planner):
    _matching()
    payment = _payment()
    response = as_planner.post(_edit(payment), _form(payment, region=_region("yixian").pk))
    assertContains(response, RULE, status_code=400)
    assert Disbursement.objects.get().region.code == "heishan"


def test_a_correction_cannot_pay_out_more_than_the_fund(as_planner):
    payment = _payment(fund_code="land-revolving", amount=40_000)
    _payment(fund_code="land-revolving", amount=9_000)
    response = as_planner.post(_edit(payment), _form(payment, amount_wan="45000"))
    assertContains(response, "more than the fund&#x27;s 50000.00 × 10,000 yuan", status_code=400)
    payment.refresh_from_db()
    assert payment.amount_wan == 40_000


@pytest.mark.parametrize(("field", "value"), [
    ("amount_wan", ""), ("amount_wan", "abc"), ("amount_wan", "-5"), ("amount_wan", "0"),
    ("amount_wan", "1234567890123.456"), ("paid_on", ""), ("paid_on", "2011-13-40"), ("purpose", ""),
    ("purpose", "x" * 201), ("region", ""), ("region", "999999"), ("park", "999999"), ("cluster", "999999"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_saved(as_planner, field, value):
    payment = _payment(fund_code="land-revolving")
    response = as_planner.post(_edit(payment), _form(payment, **{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    payment.refresh_from_db()
    assert payment.version == 1


@pytest.mark.parametrize("version", ["", "x", "0"])
def test_a_post_without_a_valid_version_is_refused(as_planner, version):
    payment = _payment(fund_code="land-revolving")
    response = as_planner.post(_edit(payment), _form(payment, amount_wan="1", version=version))
    assert response.status_code == 400
    assert Disbursement.objects.get().amount_wan == 300


def test_a_park_outside_the_recipient_region_is_refused_on_correction(as_planner):
    payment = _payment(fund_code="land-revolving")
    response = as_planner.post(_edit(payment), _form(payment, park=Park.objects.get(code="yixian-park").pk))
    assertContains(response, "This park is not in the recipient region.", status_code=400)


# --- two people, one row ---------------------------------------------------------------------------------------

def test_the_second_of_two_concurrent_corrections_gets_a_conflict_and_overwrites_nothing(as_planner):
    payment = _payment(fund_code="land-revolving")
    read_by_both = _form(payment)
    assert as_planner.post(_edit(payment), read_by_both | {"amount_wan": "310"}).status_code == 302
    response = as_planner.post(_edit(payment), read_by_both | {"amount_wan": "999", "purpose": "征地"})
    assertContains(response, "Someone else changed this payment meanwhile; nothing was overwritten", status_code=409)
    assertContains(response, "310.00 × 10,000 yuan", status_code=409)  # the current values, in the message
    assert response.context["form"].data["version"] == 2  # saving again is now a deliberate overwrite
    payment.refresh_from_db()
    assert (payment.amount_wan, payment.purpose, payment.version) == (Decimal(310), "贴息", 2)


def test_a_stale_version_is_refused_by_the_service(planner):
    payment = _payment(fund_code="land-revolving")
    with pytest.raises(VersionConflict) as conflict:
        services.disbursement_cancel(user=planner, disbursement_id=payment.pk, expected_version=7, reason="重复录入")
    assert conflict.value.current.pk == payment.pk
    assert not Disbursement.objects.get().is_cancelled


def test_cancelling_a_payment_someone_just_corrected_is_a_conflict(as_planner):
    payment = _payment(fund_code="land-revolving")
    as_planner.post(_edit(payment), _form(payment, amount_wan="310"))
    response = as_planner.post(_cancel(payment), {"version": 1, "reason": "重复录入"})
    assert response.status_code == 409
    assert not Disbursement.objects.get().is_cancelled


# --- who may correct ---------------------------------------------------------------------------------------------

def test_the_managing_department_corrects_payments_from_its_own_fund(client, finance):
    payment = _payment(fund_code="land-revolving")
    client.force_login(finance)
    assert client.get(_edit(payment)).status_code == 200
    assert client.post(_edit(payment), _form(payment, amount_wan="280")).status_code == 302
    assert Disbursement.objects.get().amount_wan == 280


def test_a_department_cannot_correct_payments_from_a_fund_it_does_not_manage(client, finance):
    payment = _payment(fund_code="park-cluster", region="heishan")
    client.force_login(finance)
    assert client.get(_edit(payment)).status_code == 404  # not even visible to it
    assert client.post(_edit(payment), _form(payment, amount_wan="1")).status_code == 404
    assert client.post(_cancel(payment), {"version": 1, "reason": "x"}).status_code == 404
    assert Disbursement.objects.get().amount_wan == 300


def test_the_recipient_county_sees_its_payment_but_cannot_correct_it(client, make_user):
    payment = _payment(fund_code="land-revolving")
    client.force_login(make_user(User.Role.EDITOR, "gov-heishan"))
    assert client.get(LIST).context["rows"][0].may_edit is False
    assert client.get(_edit(payment)).status_code == 403
    assert client.post(_edit(payment), _form(payment, amount_wan="1")).status_code == 403
    assert client.post(_cancel(payment), {"version": 1, "reason": "x"}).status_code == 403
    assert Disbursement.objects.get().amount_wan == 300


def test_a_viewer_of_the_managing_department_never_corrects(client, make_user, finance):
    payment = _payment(fund_code="land-revolving")
    client.force_login(make_user(User.Role.VIEWER, "finance"))
    assertNotContains(client.get(LIST), _edit(payment))
    assert client.get(_edit(payment)).status_code == 403
    assert client.post(_cancel(payment), {"version": 1, "reason": "x"}).status_code == 403
    assert not Disbursement.objects.get().is_cancelled


def test_the_service_refuses_a_user_who_may_not_edit(agri_editor):
    payment = _payment(fund_code="land-revolving")
    with pytest.raises(PermissionDenied):
        services.disbursement_update(user=agri_editor, disbursement_id=payment.pk, expected_version=1,
                                     region=payment.region, amount_wan=Decimal(1), paid_on=payment.paid_on,
                                     purpose="贴息")


# --- cancelling a payment ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(as_planner, reason):
    payment = _payment(fund_code="land-revolving")
    response = as_planner.post(_cancel(payment), {"version": 1, "reason": reason})
    assert response.status_code == 400
    assert response.context["cancel_form"].errors
    assert not Disbursement.objects.get().is_cancelled


def test_a_cancelled_payment_is_kept_labelled_with_its_reason_in_its_history(as_planner, planner):
    payment = _payment(fund_code="land-revolving")
    assert as_planner.post(_cancel(payment), {"version": 1, "reason": "重复录入"}).status_code == 302
    payment.refresh_from_db()
    assert (payment.is_cancelled, payment.cancel_reason) == (True, "重复录入")
    record = payment.history.first()
    assert (record.history_change_reason, record.history_user) == ("cancelled: 重复录入", planner)
    listed = as_planner.get(LIST)
    assertContains(listed, 'class="cancelled"')
    assertContains(listed, "重复录入")
    assertNotContains(listed, _edit(payment))
    assert "重复录入" in as_planner.get(LIST, {"export": "csv"}).content.decode("utf-8-sig")
    assertContains(as_planner.get(reverse("history", args=["funds.disbursement", payment.pk])), "重复录入")


def test_a_cancelled_payment_cannot_be_corrected(as_planner, planner):
    payment = _payment(fund_code="land-revolving")
    services.disbursement_cancel(user=planner, disbursement_id=payment.pk, expected_version=1, reason="错录")
    assert as_planner.post(_edit(payment), _form(payment, amount_wan="1", version=2)).status_code == 200
    with pytest.raises(ValidationError):
        services.disbursement_update(user=planner, disbursement_id=payment.pk, expected_version=2,
                                     region=payment.region, amount_wan=Decimal(1), paid_on=payment.paid_on,
                                     purpose="贴息")
    assert Disbursement.objects.get().amount_wan == 300


def test_a_cancelled_payment_counts_nowhere(as_planner, planner):
    park = Park.objects.get(code="heishan-park")
    kept = _payment(fund_code="land-revolving", amount=100, park=park)
    wrong = _payment(fund_code="land-revolving", amount=49_000, park=park)
    services.disbursement_cancel(user=planner, disbursement_id=wrong.pk, expected_version=1, reason="多录一个零")
    fund = selectors.fund_rows(user=planner).get(code="land-revolving")
    assert fund.paid_visible == 100
    assert [d.pk for d in as_planner.get(reverse("park-page", args=[park.pk])).context["disbursements"]] == [kept.pk]
    api = APIClient()
    api.force_authenticate(planner)
    assert [row["id"] for row in api.get("/api/v1/disbursements/").json()["results"]] == [kept.pk]
    # and the money is free again for the fund's total
    services.disbursement_create(user=planner, fund=kept.fund, region=kept.region, amount_wan=Decimal(49_000),
                                 paid_on=date(2011, 9, 2), purpose="征地补偿")


# --- matching funds ----------------------------------------------------------------------------------------------

def _matching_form(matching: MatchingFund, **values) -> dict:
    return {"year": matching.year, "amount_wan": str(matching.amount_wan),
            "established_on": matching.established_on.isoformat(), "version": matching.version} | values


def _medit(matching: MatchingFund) -> str:
    return reverse("matching-fund-edit-page", args=[matching.pk])


def _mcancel(matching: MatchingFund) -> str:
    return reverse("matching-fund-cancel-page", args=[matching.pk])


def test_a_county_government_corrects_its_own_matching_fund(client, make_user):
    matching = _matching()
    user = make_user(User.Role.EDITOR, "gov-heishan")
    client.force_login(user)
    assertContains(client.get(FUNDS), _medit(matching))
    response = client.post(_medit(matching), _matching_form(matching, amount_wan="650", established_on="2011-04-02"))
    assert response.status_code == 302
    matching.refresh_from_db()
    assert (matching.amount_wan, matching.established_on, matching.version) == (650, date(2011, 4, 2), 2)
    assert (matching.history.first().history_change_reason, matching.history.first().history_user) == (
        "corrected", user)


@pytest.mark.parametrize(("role", "department"), [(User.Role.EDITOR, "gov-yixian"), (User.Role.VIEWER, "gov-heishan")])
def test_others_cannot_correct_or_cancel_a_countys_matching_fund(client, make_user, role, department):
    matching = _matching()
    client.force_login(make_user(role, department))
    assertNotContains(client.get(FUNDS), _medit(matching))
    assert client.get(_medit(matching)).status_code == 403
    assert client.post(_medit(matching), _matching_form(matching, amount_wan="1")).status_code == 403
    assert client.post(_mcancel(matching), {"version": 1, "reason": "x"}).status_code == 403
    matching.refresh_from_db()
    assert (matching.amount_wan, matching.is_cancelled) == (500, False)


def test_a_matching_fund_cannot_leave_a_year_whose_payments_rely_on_it(as_planner):
    matching = _matching(year=2011)
    _payment()
    response = as_planner.post(_medit(matching), _matching_form(matching, year=2012))
    assertContains(response, "come from funds that require a county matching fund", status_code=400)
    assertContains(response, RULE, status_code=400)
    assert MatchingFund.objects.get().year == 2011


def test_a_matching_fund_moves_year_when_no_payment_relies_on_it(as_planner):
    matching = _matching(year=2011)
    _payment(fund_code="land-revolving")  # a fund without the rule
    assert as_planner.post(_medit(matching), _matching_form(matching, year=2012)).status_code == 302
    assert MatchingFund.objects.get().year == 2012


def test_a_matching_fund_cannot_be_moved_onto_another_of_the_same_region_and_year(as_planner):
    _matching(year=2012)
    matching = _matching(year=2011)
    response = as_planner.post(_medit(matching), _matching_form(matching, year=2012))
    assertContains(response, "already has a matching fund for that year", status_code=400)


@pytest.mark.parametrize(("field", "value"), [
    ("year", ""), ("year", "1999"), ("year", "abc"), ("amount_wan", ""), ("amount_wan", "0"), ("amount_wan", "-1"),
    ("established_on", ""), ("established_on", "2011-02-30"),
])
def test_bad_matching_fund_input_is_refused_at_its_field(as_planner, field, value):
    matching = _matching()
    response = as_planner.post(_medit(matching), _matching_form(matching, **{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert MatchingFund.objects.get().version == 1


def test_the_second_of_two_matching_fund_corrections_gets_a_conflict(as_planner):
    matching = _matching()
    read_by_both = _matching_form(matching)
    as_planner.post(_medit(matching), read_by_both | {"amount_wan": "600"})
    response = as_planner.post(_medit(matching), read_by_both | {"amount_wan": "700"})
    assertContains(response, "Someone else changed this matching fund meanwhile", status_code=409)
    assertContains(response, "600.00 × 10,000 yuan", status_code=409)
    assert MatchingFund.objects.get().amount_wan == 600


def test_a_matching_fund_that_payments_rely_on_cannot_be_cancelled(as_planner):
    matching = _matching()
    _payment()
    response = as_planner.post(_mcancel(matching), {"version": 1, "reason": "错录"})
    assertContains(response, RULE, status_code=400)
    assert not MatchingFund.objects.get().is_cancelled


def test_a_cancelled_matching_fund_no_longer_counts_and_can_be_recorded_again(as_planner, planner):
    matching = _matching()
    response = as_planner.post(_mcancel(matching), {"version": 1, "reason": "录错了县"})
    assert response.status_code == 302
    matching.refresh_from_db()
    assert matching.is_cancelled
    assert matching.history.first().history_change_reason == "cancelled: 录错了县"
    with pytest.raises(ValidationError, match="has set up no matching fund for 2011"):
        services.disbursement_create(user=planner, fund=Fund.objects.get(code="cluster-special"),
                                     region=_region(), amount_wan=Decimal(1), paid_on=date(2011, 9, 1), purpose="x")
    services.matching_fund_record(user=planner, region=_region(), year=2011, amount_wan=Decimal(800),
                                  established_on=date(2011, 5, 1))
    assertContains(as_planner.get(FUNDS), "录错了县")


def test_cancelling_a_matching_fund_needs_a_reason(as_planner):
    matching = _matching()
    assert as_planner.post(_mcancel(matching), {"version": 1, "reason": ""}).status_code == 400
    assert not MatchingFund.objects.get().is_cancelled


# --- bounded queries -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [User.Role.EDITOR, User.Role.VIEWER])
def test_the_lists_with_edit_links_run_bounded_queries(client, make_user, django_assert_max_num_queries, role):
    user = make_user(role, "gov-heishan")
    client.force_login(user)
    demo_load()
    planner = make_user(User.Role.PLANNER, "jxw", username="p2")
    first = Disbursement.objects.visible_to(user).first()
    services.disbursement_cancel(user=planner, disbursement_id=first.pk, expected_version=1, reason="错录")
    for url in (LIST, FUNDS):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("model", ["disbursement", "matchingfund"])
def test_the_admin_shows_but_never_changes_what_the_pages_correct(client, planner, model):
    client.force_login(planner)
    changelist = client.get(f"/admin/funds/{model}/")
    assert changelist.status_code == 200
    assert client.get(f"/admin/funds/{model}/add/").status_code == 403
