"""The inbox (/inbox/, its header badge and GET /api/v1/inbox/): returned figures with their reasons, figures
awaiting review, deadlines within a week and overdue submissions, each linking to where it is done, each gone
once done; the e-mail reminders are made from the same items; a new kind of item is one more provider."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from clusters import services
from clusters.choices import FigureStatus
from core.periods import Quarter
from notices import inbox
from notices.inbox import InboxContext, InboxItem, Kind, inbox_count
from notices.reminders import figure_reminders_send
from org.models import User
from plan.demo import demo_load
from tests.reporting.support import cluster, english, figure, key

pytestmark = pytest.mark.django_db
Q3 = Quarter(2011, 3)  # due 2011-10-15


def _items(user, today: date | None = None, kind: str | None = None) -> list[InboxItem]:
    context = InboxContext(user) if today is None else InboxContext(user, today)
    return [i for i in context.items() if kind is None or i.kind == kind]


@pytest.fixture
def returned(agri_editor, planner):
    draft = services.figure_create(user=agri_editor, cluster=cluster("heishan-main"), year=2011, quarter=3,
                                   output_value=12)
    sent = services.figure_submit(user=agri_editor, figure_id=draft.pk, expected_version=draft.version)
    return services.figure_return(user=planner, figure_id=sent.pk, expected_version=sent.version,
                                  reason="与统计局数据不符")


# --- returned figures -----------------------------------------------------------------------------------

def test_a_returned_figure_is_in_its_editors_inbox_with_the_reason_and_where_to_fix_it(agri_editor, planner,
                                                                                        returned):
    [item] = _items(agri_editor, kind=Kind.RETURNED)
    assert (item.detail, item.by, item.figure_id) == ("与统计局数据不符", planner.username, returned.pk)
    assert item.url == f"{reverse('figure-entry')}?year=2011&quarter=3#row-{key('heishan-main')}"


def test_resubmitting_the_figure_takes_it_out_of_the_inbox(agri_editor, returned):
    services.figure_submit(user=agri_editor, figure_id=returned.pk, expected_version=returned.version)
    assert _items(agri_editor, kind=Kind.RETURNED) == []


def test_another_department_does_not_see_the_returned_figure(make_user, returned):
    assert _items(make_user(User.Role.EDITOR, "fwy"), kind=Kind.RETURNED) == []


# --- awaiting review ------------------------------------------------------------------------------------

def test_a_planner_sees_what_awaits_review_per_department_and_quarter(planner):
    for code in ("heishan-main", "yixian-main", "pv"):
        figure(code, 2011, 3, "1", status=FigureStatus.SUBMITTED)
    items = _items(planner, kind=Kind.REVIEW)
    review = f"{reverse('figure-review-list')}?year=2011&quarter=3"
    assert [(i.url, i.count) for i in items] == [(f"{review}#group-jxw-2011-3", 1), (f"{review}#group-nlb-2011-3", 2)]


def test_approving_takes_the_figures_out_of_the_planners_inbox(planner):
    submitted = figure("pv", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    services.figures_approve(user=planner, versions={submitted.pk: submitted.version})
    assert _items(planner, kind=Kind.REVIEW) == []


def test_under_four_eyes_a_planners_own_figures_are_not_theirs_to_review(settings, planner, make_user):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    own = services.figure_create(user=planner, cluster=cluster("pv"), year=2011, quarter=3, output_value=1)
    services.figure_submit(user=planner, figure_id=own.pk, expected_version=own.version)
    assert _items(planner, kind=Kind.REVIEW) == []
    assert len(_items(make_user(User.Role.PLANNER, "jxw"), kind=Kind.REVIEW)) == 1


def test_editors_and_viewers_review_nothing(agri_editor, make_user):
    figure("heishan-main", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    assert _items(agri_editor, kind=Kind.REVIEW) == []
    assert _items(make_user(User.Role.VIEWER, "nlb")) == []


# --- deadlines ------------------------------------------------------------------------------------------

def test_a_deadline_within_a_week_is_in_the_editors_inbox_until_the_units_have_submitted(agri_editor):
    today = Q3.deadline - timedelta(days=6)
    [item] = _items(agri_editor, today, kind=Kind.DUE)
    assert (item.quarter, item.count, item.due) == (Q3, 4, Q3.deadline)
    assert item.url == f"{reverse('figure-entry')}?year=2011&quarter=3"
    for code in ("heishan-main", "beizhen-main", "linghai-main", "yixian-main"):
        figure(code, 2011, 3, "1", status=FigureStatus.SUBMITTED)
    assert _items(agri_editor, today, kind=Kind.DUE) == []


def test_a_deadline_further_away_is_not_in_the_inbox_yet(agri_editor):
    assert _items(agri_editor, Q3.deadline - timedelta(days=8), kind=Kind.DUE) == []


def test_an_overdue_quarter_is_in_the_inbox_with_the_units_not_submitted(agri_editor, planner):
    figure("heishan-main", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    today = Q3.deadline + timedelta(days=2)
    [item] = _items(agri_editor, today, kind=Kind.OVERDUE)
    assert (item.quarter, item.count) == (Q3, 3)
    [city] = _items(planner, today, kind=Kind.OVERDUE)
    assert city.url == f"{reverse('figure-completeness')}?year=2011&quarter=3"


# --- the page, the badge, the API -----------------------------------------------------------------------

def test_the_inbox_page_lists_the_items_by_kind_each_linking_to_where_it_is_done(client, agri_editor, returned):
    english(client)
    client.force_login(agri_editor)
    response = client.get(reverse("inbox-page"))
    assertContains(response, "Returned to you")
    assertContains(response, "与统计局数据不符")
    assertContains(response, f'href="{reverse("figure-entry")}?year=2011&amp;quarter=3#row-{key("heishan-main")}"')


def test_with_nothing_to_do_the_inbox_says_so(client, make_user):
    english(client)
    client.force_login(make_user(User.Role.VIEWER, "nlb"))
    assertContains(client.get(reverse("inbox-page")), "Nothing is waiting for you.")


def test_every_page_has_the_inbox_link_and_its_badge_counts_the_items(client, agri_editor, returned):
    client.force_login(agri_editor)
    page = client.get(reverse("city-dashboard"))
    assertContains(page, f'data-inbox-count="{reverse("inbox-count")}"')
    assert client.get(reverse("inbox-count")).json() == {"count": inbox_count(user=agri_editor)}
    assert inbox_count(user=agri_editor) >= 1


def test_the_badge_needs_a_signed_in_user(client):
    assert client.get(reverse("inbox-count")).status_code == 302


@pytest.mark.parametrize("path", [reverse("inbox-count"), reverse("inbox-page"), "/api/v1/inbox/"])
def test_the_badge_the_page_and_the_api_cost_the_same_few_queries_with_little_and_much_data(
    client, planner, returned, django_assert_max_num_queries, path
):
    client.force_login(planner)
    with django_assert_max_num_queries(10) as little:
        assert client.get(path).status_code == 200
    demo_load()  # 2015 Q4 in review: figures to review in several groups, units overdue
    with django_assert_max_num_queries(10) as much:
        client.get(path)
    assert len(_items(planner, kind=Kind.REVIEW)) > 1
    assert len(much.captured_queries) == len(little.captured_queries)


def test_the_api_gives_the_callers_inbox(client, agri_editor, returned, make_user):
    client.force_login(agri_editor)
    body = client.get("/api/v1/inbox/").json()
    assert body["count"] == len(body["items"])
    item = next(i for i in body["items"] if i["kind"] == "returned")
    assert (item["figure"], item["detail"], item["year"], item["quarter"]) == (returned.pk, "与统计局数据不符", 2011, 3)
    assert set(body["reporting_period"]) == {"year", "quarter"}
    client.force_login(make_user(User.Role.EDITOR, "fwy"))
    assert not [i for i in client.get("/api/v1/inbox/").json()["items"] if i["kind"] == "returned"]


def test_the_api_inbox_is_in_the_schema_and_needs_sign_in(client, planner):
    assert client.get("/api/v1/inbox/").status_code in (401, 403)
    client.force_login(planner)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/inbox/" in schema["paths"]
    assert "InboxItem" in schema["components"]["schemas"]


# --- one more provider -------------------------------------------------------------------------------------

def test_one_more_provider_is_all_a_new_kind_of_item_needs(client, agri_editor, monkeypatch):
    def flags(context):
        return [InboxItem(Kind.DUE, "需核对: 凌海市 2011年第2季度", "/figures/entry/?year=2011&quarter=2")]

    monkeypatch.setattr(inbox, "PROVIDERS", [*inbox.PROVIDERS, flags])
    client.force_login(agri_editor)
    assert client.get(reverse("inbox-count")).json()["count"] == len(_items(agri_editor))
    assertContains(client.get(reverse("inbox-page")), "需核对: 凌海市 2011年第2季度")
    assert "需核对: 凌海市 2011年第2季度" in [i["title"] for i in client.get("/api/v1/inbox/").json()["items"]]


# --- the e-mails come from the same items ------------------------------------------------------------------

def test_the_deadline_reminder_lists_the_units_of_the_editors_due_item(agri_editor, django_capture_on_commit_callbacks):
    from django.core import mail

    agri_editor.email = "nlb@example.gov.cn"
    agri_editor.save()
    figure("heishan-main", 2011, 3, "1", status=FigureStatus.SUBMITTED)
    today = Q3.deadline - timedelta(days=5)
    [item] = _items(agri_editor, today, kind=Kind.DUE)
    with django_capture_on_commit_callbacks(execute=True):
        figure_reminders_send(today=today)
    [message] = mail.outbox
    assert list(item.standing.not_submitted_units) != []
    for row in item.standing.not_submitted_units:
        assert f"- {row} (" in message.body
    assert f"- {cluster('heishan-main')} (" not in message.body  # it has submitted


def _mismatched_ytd(editor, planner):
    """凌海 2011: Q1 10, Q2 reported as 累计 25 and approved; then Q1 corrected to 9 (Q2 needs checking)."""
    linghai = cluster("linghai-main")
    q1 = services.figure_create(user=editor, cluster=linghai, year=2011, quarter=1, output_value=Decimal(10))
    q2 = services.figure_create(user=editor, cluster=linghai, year=2011, quarter=2, output_ytd=Decimal(25))
    q2 = services.figure_submit(user=editor, figure_id=q2.pk, expected_version=q2.version)
    services.figure_approve(user=planner, figure_id=q2.pk, expected_version=q2.version)
    services.figure_update(user=editor, figure_id=q1.pk, expected_version=q1.version, output_value=Decimal(9))
    return q2


def test_a_ytd_that_no_longer_adds_up_is_in_the_editors_and_planners_inbox_until_settled(
        agri_editor, planner, make_user):
    q2 = _mismatched_ytd(agri_editor, planner)
    for user in (agri_editor, planner):
        [item] = _items(user, kind=Kind.YTD_CHECK)
        assert (item.figure_id, item.url) == (q2.pk, reverse("figure-page", args=[q2.pk]))
        assert "25" in item.detail
        assert "24" in item.detail
    assert _items(make_user(User.Role.EDITOR, "fwy"), kind=Kind.YTD_CHECK) == []
    q2.refresh_from_db()
    services.figure_resolve_ytd(user=agri_editor, figure_id=q2.pk, expected_version=q2.version, keep="quarter")
    assert _items(agri_editor, kind=Kind.YTD_CHECK) == []
