"""What the work-chat channels are told, in short Chinese markdown with a link into the app (SITE_URL).

- a deadline reminder per department and quarter (the department's channels), on the reminder days;
- an overdue notice per department and quarter, once the deadline has passed (daily, like the e-mail digest);
- a returned figure, with the reason (the department responsible for its cluster);
- the planners' digest: awaiting review, overdue, returned and not yet corrected (the city-wide channel);
- "the quarterly briefing is ready", once a quarter's figures are all approved and rolled up (`briefing_ready_queue`):
  the city-wide channel and the channels of every department with reporting units, each of which reads its own
  briefing at the same link.

Each message has a natural key (what, for whom, which period, which day), the same as the e-mail notices',
so a second run the same day queues nothing.
"""
from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.choices import FigureStatus
from clusters.completeness import Completeness, DepartmentSummary, Standing, completeness, standings
from clusters.models import Cluster, QuarterlyFigure
from core import access
from core.periods import Quarter
from notices.reminders import digest_quarter, reminder_quarter
from org.models import User
from progress.models import RollupMark

from .models import ChannelMessage
from .services import channels_of, message_queue, site_url

LISTED_UNITS = 8  # a chat message stays short: the first few units, then "and N more"


def _units(standing: Completeness, summary: DepartmentSummary) -> str:
    """The department's first units not submitted (LISTED_UNITS, one query), then "and N more" from its count."""
    rows = standing.units(standings=Standing.NOT_SUBMITTED, department=summary.department.pk)[:LISTED_UNITS]
    names = [f"- {row}" for row in rows]
    if summary.not_submitted > len(rows):
        names.append(_("- and %(count)s more") % {"count": summary.not_submitted - len(rows)})
    return "\n".join(names)


@transaction.atomic
def reminders_queue(*, today: date) -> int:
    """Queue today's reminders, overdue notices and planners' digest to the channels; returns how many rows."""
    queued = 0
    reader = access.city_wide_reader()
    with translation.override(settings.LANGUAGE_CODE):
        due = reminder_quarter(today)
        if due is not None:
            quarter, days_left = due
            standing = completeness(user=reader, quarter=quarter, today=today)
            for summary in standing.departments:
                if not summary.not_submitted:
                    continue
                department = summary.department
                title = _("Reminder: %(quarter)s figures due %(deadline)s") % {
                    "quarter": quarter.label, "deadline": quarter.deadline.isoformat()}
                text = _("#### %(title)s\n**%(department)s**: %(count)s reporting units have not submitted, "
                         "%(days)s days left.\n%(units)s\n\n[Enter the figures](%(url)s)") % {
                    "title": title, "department": department.name_zh, "count": summary.not_submitted,
                    "days": days_left, "units": _units(standing, summary), "url": site_url(reverse("figure-entry"))}
                queued += len(message_queue(
                    key=f"reminder:{quarter}:{department.code}:{today.isoformat()}", kind=ChannelMessage.Kind.REMINDER,
                    channels=channels_of(department), title=title, text=text))
        quarter = digest_quarter(today)
        standing = completeness(user=reader, quarter=quarter, today=today)
        if not standing.fully_approved:
            queued += _overdue_queue(quarter, standing, today)
            queued += _digest_queue(quarter, standing, today)
    return queued


def _overdue_queue(quarter: Quarter, standing: Completeness, today: date) -> int:
    queued = 0
    for summary in standing.departments:
        if not summary.overdue:
            continue
        department = summary.department
        title = _("Overdue: %(quarter)s figures were due %(deadline)s") % {
            "quarter": quarter.label, "deadline": quarter.deadline.isoformat()}
        text = _("#### %(title)s\n**%(department)s**: %(count)s reporting units are overdue.\n%(units)s\n\n"
                 "[Enter the figures](%(url)s)") % {
            "title": title, "department": department.name_zh, "count": summary.overdue,
            "units": _units(standing, summary),
            "url": site_url(reverse("figure-entry"))}
        queued += len(message_queue(
            key=f"overdue:{quarter}:{department.code}:{today.isoformat()}", kind=ChannelMessage.Kind.OVERDUE,
            channels=channels_of(department), title=title, text=text))
    return queued


def _digest_queue(quarter: Quarter, standing: Completeness, today: date) -> int:
    overdue, awaiting = standing.total.overdue, standing.total.awaiting_review
    returned = QuarterlyFigure.objects.filter(status=FigureStatus.RETURNED).count()
    title = _("Planners' digest %(date)s: %(quarter)s") % {"date": today.isoformat(), "quarter": quarter.label}
    text = _("#### %(title)s\n- awaiting review: %(awaiting)s\n- overdue: %(overdue)s\n"
             "- returned, not yet corrected: %(returned)s\n\n"
             "[Review](%(review)s) · [Completeness](%(completeness)s)") % {
        "title": title, "awaiting": awaiting, "overdue": overdue, "returned": returned,
        "review": site_url(reverse("figure-review-list")), "completeness": site_url(reverse("figure-completeness"))}
    return len(message_queue(key=f"digest:{quarter}:{today.isoformat()}", kind=ChannelMessage.Kind.DIGEST,
                             channels=channels_of(None), title=title, text=text))


def figure_returned_queue(*, figure: QuarterlyFigure, by: User, reason: str) -> int:
    """Queue "figure returned, with the reason" to the channels of the department responsible for its cluster."""
    department = figure.cluster.responsible_department
    with translation.override(settings.LANGUAGE_CODE):
        quarter = Quarter(figure.year, figure.quarter)
        title = _("Figure returned: %(figure)s") % {"figure": figure}
        text = _("#### %(title)s\n%(quarter)s, returned by %(by)s.\n> %(reason)s\n\n[Correct the figure](%(url)s)") % {
            "title": title, "quarter": quarter.label, "by": by.get_full_name() or by.username,
            "reason": " ".join(reason.split()) or _("(no reason given)"),
            "url": site_url(reverse("figure-page", args=[figure.pk]))}
    return len(message_queue(key=f"returned:{figure.pk}:v{figure.version}", kind=ChannelMessage.Kind.RETURNED,
                             channels=channels_of(department), title=title, text=text))


def _rolled_up(year: int) -> bool:
    """No cluster-year of `year` is waiting for its roll-up (every approved figure is in the numbers)."""
    return not RollupMark.objects.filter(year=year, version__gt=F("done_version")).exists()


@transaction.atomic
def briefing_ready_queue(*, today: date) -> int:
    """Queue "the quarterly briefing is ready" for each of the two latest ended quarters whose reporting units are
    all approved and whose year's roll-up has completed: the quarter being collected and the one before it (a late
    approval). Older quarters are never announced. The key is the quarter's: one message per quarter and channel,
    however often this runs (beat) and even if a figure is reopened and approved again. Returns how many rows."""
    queued = 0
    latest = Quarter.last_ended(today)
    quarters = [latest.previous, latest]
    clusters = Cluster.objects.visible_to(access.city_wide_reader())
    with translation.override(settings.LANGUAGE_CODE):
        for quarter, standing in standings(clusters=clusters, quarters=quarters, today=today).items():
            if not standing.total.units or not standing.fully_approved or not _rolled_up(quarter.year):
                continue
            title = _("The quarterly briefing for %(quarter)s is ready") % {"quarter": quarter.label}
            link = site_url(f"{reverse('briefing-page')}?year={quarter.year}&quarter={quarter.quarter}")
            text = _("#### %(title)s\nEvery reporting unit's %(quarter)s figures are approved and rolled up.\n\n"
                     "[Read the briefing](%(url)s) · [Download it (Word)](%(docx)s)") % {
                "title": title, "quarter": quarter.label, "url": link, "docx": f"{link}&format=docx"}
            for department in [None, *(summary.department for summary in standing.departments)]:
                queued += len(message_queue(key=f"briefing:{quarter}", kind=ChannelMessage.Kind.BRIEFING,
                                            channels=channels_of(department), title=title, text=text))
    return queued
