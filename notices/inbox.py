"""The inbox: what a user has to act on, computed from the data whenever it is asked for, so an item is
gone as soon as it is acted on (a returned figure resubmitted, a figure reviewed, a quarter submitted).

Items come from providers, each a callable `(InboxContext) -> list[InboxItem]` listed in `PROVIDERS`:
- `returned_figures`: the user's figures a planner returned, with the reason, who and when;
- `awaiting_review`: for planners, submitted figures they may approve, one item per department × quarter
  (the review page's groups); under the four-eyes rule not their own;
- `ytd_mismatches`: figures reported as year to date (累计) whose 累计 no longer equals the sum of their
  quarters (需核对), for the unit's editors and for planners (`resolve-ytd`), until one of the two is kept;
- `quarter_deadlines`: the user's reporting units that have not submitted a quarter whose deadline is in
  the next INBOX_DEADLINE_DAYS days (`due`) or has passed (`overdue`), for the reporting period, the last
  quarter that has ended and the last one whose deadline has passed.
A new kind of item is one more provider and one more `Kind`: the page, the header badge, the API and the
e-mails take whatever the providers give.

The e-mail reminders are made from the same items (`notices.reminders`): an editor's deadline reminder is
its `due` item, a planner's daily digest its `overdue` items. A returned figure's e-mail is queued in the
outbox when it is returned (`notices.services`); its inbox item is the figure itself while it stays returned.

Cost: seven queries for any user and any amount of data (one per figure provider, four for the reporting
state), so the header badge (`inbox_count`) can be asked for on every page.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clusters.choices import FigureStatus
from clusters.completeness import Completeness
from clusters.models import Cluster, FigureTally, QuarterlyFigure
from clusters.reporting_period import ReportingState, reporting_state
from clusters.selectors import with_ytd_check
from clusters.services import UnitKey, entered_or_submitted_by
from core import access
from core.periods import Quarter
from org.models import Department, User

INBOX_DEADLINE_DAYS = 7  # a deadline shows this many days ahead


class Kind(models.TextChoices):
    """The kinds of inbox items, in the order the inbox shows them."""

    OVERDUE = "overdue", gettext_lazy("Overdue submissions")
    RETURNED = "returned", gettext_lazy("Returned to you")
    REVIEW = "review", gettext_lazy("Awaiting your review")
    YTD_CHECK = "ytd_check", gettext_lazy("Year to date to check")
    DUE = "due", gettext_lazy("Deadlines in the next 7 days")


@dataclass(frozen=True)
class InboxItem:
    """One thing to act on, and where: `url` is the page where it is done. `count` is how many figures or
    reporting units it stands for; `standing` the quarter's standing behind a deadline item (for e-mails)."""

    kind: str
    title: str
    url: str
    detail: str = ""
    quarter: Quarter | None = None
    due: date | None = None
    count: int = 1
    figure_id: int | None = None
    by: str = ""
    at: datetime | None = None
    standing: Completeness | None = None

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass
class InboxContext:
    """Who is asking, and when. The reporting state is read once, when a provider (or the page, for its
    reporting period) first needs it, and shared."""

    user: User
    today: date = field(default_factory=timezone.localdate)

    @cached_property
    def state(self) -> ReportingState:
        return reporting_state(user=self.user, today=self.today, also=[Quarter.last_past_deadline(self.today)])

    def items(self) -> list[InboxItem]:
        """Everything the user has to act on, in the order of `Kind`. Seven queries, whatever the data."""
        items = [item for provider in PROVIDERS for item in provider(self)]
        return sorted(items, key=lambda item: _ORDER[item.kind])


def _url(name: str, quarter: Quarter, anchor: str = "") -> str:
    query = urlencode({"year": quarter.year, "quarter": quarter.quarter})
    return f"{reverse(name)}?{query}{'#' + anchor if anchor else ''}"


def returned_figures(context: InboxContext) -> list[InboxItem]:
    """Figures sent back to the user: those it may edit (a reviewer, who may edit them all: those it entered).
    One query."""
    user = context.user
    if not access.may(user, "edit", QuarterlyFigure):
        return []
    figures = QuarterlyFigure.objects.editable_by(user).filter(status=FigureStatus.RETURNED)
    if access.may(user, "review", QuarterlyFigure):
        figures = figures.filter(entered_by=user)
    items = []
    for figure in figures.select_related("cluster", "enterprise", "returned_by").order_by("returned_at", "pk"):
        quarter = Quarter(figure.year, figure.quarter)
        items.append(InboxItem(
            Kind.RETURNED, _("%(unit)s · %(quarter)s was returned") % {
                "unit": figure.reporting_unit, "quarter": quarter.label},
            _url("figure-entry", quarter, f"row-{UnitKey.of(figure.cluster_id, figure.enterprise_id)}"),
            detail=figure.return_reason, quarter=quarter, figure_id=figure.pk,
            by=figure.returned_by.get_username() if figure.returned_by else "", at=figure.returned_at))
    return items


def awaiting_review(context: InboxContext) -> list[InboxItem]:
    """For reviewers: how many submitted figures they may approve, per responsible department and quarter. Two
    queries, a few rows per department whatever the queue: the submitted figures counted in the figure tally
    (`clusters.tally`), less, under the four-eyes rule, those the reviewer entered or submitted (by the
    figures' own user indexes: a reviewer's own are few); then the departments' names (all of them: a few
    dozen, fewer rows than naming each cluster's row took subqueries)."""
    user = context.user
    if not access.may(user, "review", QuarterlyFigure):
        return []
    groups: dict[tuple[int, int, int], int] = {}
    for year, quarter, department, count in _review_queue(user):
        groups[(year, quarter, department)] = groups.get((year, quarter, department), 0) + count
    departments = Department.objects.in_bulk()  # a few dozen: one query, whether the queue is empty or not
    # (A tally row of a cluster deleted since has no department; its count is zero once its figures are gone.)
    groups = {key: count for key, count in groups.items() if count > 0 and key[2] in departments}
    items = []
    for (year, quarter_number, department_id), count in sorted(
            groups.items(), key=lambda item: (item[0][:2], departments[item[0][2]].code)):
        quarter, department = Quarter(year, quarter_number), departments[department_id]
        items.append(InboxItem(
            Kind.REVIEW, ngettext("%(department)s · %(quarter)s: %(count)s figure to review",
                                  "%(department)s · %(quarter)s: %(count)s figures to review", count) % {
                "department": department.name, "quarter": quarter.label, "count": count},
            _url("figure-review-list", quarter, f"group-{department.code}-{quarter}"), quarter=quarter,
            count=count))
    return items


def _review_queue(user: User) -> QuerySet:
    """(year, quarter, responsible department id, count) rows of `awaiting_review`, the reviewer's own figures as
    negative counts. One query."""
    department = Subquery(Cluster.objects.filter(pk=OuterRef("cluster_id")).order_by()
                          .values("responsible_department_id")[:1])
    columns = ("year", "quarter", "department", "count")
    queue = (FigureTally.objects.filter(status=FigureStatus.SUBMITTED, figures__gt=0,
                                        cluster_id__in=access.restrict(Cluster.objects.all(), user, "review"))
             .annotate(department=department).values("year", "quarter", "department")
             .annotate(count=Sum("figures")).values_list(*columns))
    if settings.REVIEW_REQUIRES_SECOND_PERSON:
        own = (access.restrict(QuarterlyFigure.objects.all(), user, "review").filter(status=FigureStatus.SUBMITTED)
               .filter(entered_or_submitted_by(user)).order_by()
               .annotate(department=F("cluster__responsible_department")).values("year", "quarter", "department")
               .annotate(count=-Count("pk")).values_list(*columns))
        queue = queue.union(own, all=True)
    return queue


def ytd_mismatches(context: InboxContext) -> list[InboxItem]:
    """Figures reported as year to date (累计) that disagree with their quarters (`with_ytd_check`), each linking
    to its page, where one of the two numbers is kept. For whoever may settle them: the unit's editors,
    planners. One query."""
    user = context.user
    if not access.may(user, "resolve-ytd", QuarterlyFigure):
        return []
    figures = (with_ytd_check(access.restrict(QuarterlyFigure.objects.filter(entry_mode="ytd"), user, "resolve-ytd"))
               .filter(ytd_mismatch=True).select_related("cluster", "enterprise").order_by("year", "quarter", "pk"))
    items = []
    for figure in figures:
        quarter = Quarter(figure.year, figure.quarter)
        items.append(InboxItem(
            Kind.YTD_CHECK, _("%(unit)s · %(quarter)s: the year to date no longer adds up") % {
                "unit": figure.reporting_unit, "quarter": quarter.label},
            reverse("figure-page", args=[figure.pk]),
            detail=_("reported year to date %(reported)s 亿元, sum of the quarters %(quarters)s 亿元") % {
                "reported": f"{figure.reported_ytd.normalize():f}", "quarters": f"{figure.quarters_ytd.normalize():f}"},
            quarter=quarter, figure_id=figure.pk))
    return items


def quarter_deadlines(context: InboxContext) -> list[InboxItem]:
    """The user's reporting units that have not submitted a quarter due soon or overdue (module docstring).
    No query of its own: the reporting state's."""
    user, today = context.user, context.today
    if not access.may(user, "edit", QuarterlyFigure):
        return []
    state = context.state
    page = "figure-completeness" if access.may(user, "review", QuarterlyFigure) else "figure-entry"
    items = []
    for quarter in sorted({state.period, state.last_ended, Quarter.last_past_deadline(today)}):
        standing = state.standings[quarter]
        waiting = standing.total.not_submitted
        if not waiting:
            continue
        values = {"quarter": quarter.label, "count": waiting, "deadline": quarter.deadline.isoformat()}
        if quarter.is_overdue(today):
            title = ngettext("%(quarter)s: %(count)s reporting unit has not submitted; the deadline was %(deadline)s",
                             "%(quarter)s: %(count)s reporting units have not submitted; the deadline was %(deadline)s",
                             waiting)
            kind = Kind.OVERDUE
        elif (quarter.deadline - today).days <= INBOX_DEADLINE_DAYS:
            title = ngettext("%(quarter)s: %(count)s reporting unit has not submitted; due on %(deadline)s",
                             "%(quarter)s: %(count)s reporting units have not submitted; due on %(deadline)s", waiting)
            kind = Kind.DUE
        else:
            continue
        items.append(InboxItem(kind, title % values, _url(page, quarter), quarter=quarter, due=quarter.deadline,
                               count=waiting, standing=standing))
    return items


PROVIDERS: list[Callable[[InboxContext], list[InboxItem]]] = [returned_figures, awaiting_review, ytd_mismatches,
                                                              quarter_deadlines]
_ORDER = {kind: position for position, kind in enumerate(Kind.values)}


def inbox_count(*, user: User, today: date | None = None) -> int:
    """The number on the header badge: the inbox's items, counted (the same seven queries)."""
    return len(InboxContext(user, today or timezone.localdate()).items())
