"""Deadline reminders to editors and the overdue digest to planners (queued in the outbox), made from the
same items as their inbox (`notices.inbox.quarter_deadlines`).

Run daily by beat (`figure_reminders_task`). On each day listed in ENTRY_REMINDER_DAYS before the
deadline of the quarter being reported, every editor whose inbox holds that quarter as due (some of its
reporting units have not submitted) gets one e-mail listing those units; every day, every planner whose
inbox holds overdue quarters gets one digest of them (what is not submitted, what awaits review). Each
notice has a natural key (kind, quarter, person, day), so a second run on the same day queues nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.completeness import Completeness, UnitRow
from core import access
from core.periods import Quarter
from notices.inbox import InboxContext, InboxItem, Kind, quarter_deadlines
from notices.services import notice_queue
from notices.signals import reminders_queued
from org.models import User

LISTED_UNITS = 20  # an e-mail names this many units of a list, then "and N more" (the completeness page has all)


@dataclass(frozen=True)
class DigestPart:
    """One overdue quarter of a planner's digest: its counts, and the first units overdue and awaiting review
    with how many more (`UnitList.first`)."""

    standing: Completeness
    overdue: tuple[list[UnitRow], int]
    awaiting: tuple[list[UnitRow], int]


def _digest_part(standing: Completeness) -> DigestPart:
    return DigestPart(standing, standing.not_submitted_units.first(LISTED_UNITS),
                      standing.awaiting_review_units.first(LISTED_UNITS))


@dataclass(frozen=True)
class ReminderRun:
    reminders: int
    digests: int


def reminder_quarter(today: date) -> tuple[Quarter, int] | None:
    """The quarter whose deadline is a reminder day (ENTRY_REMINDER_DAYS) away from `today`, and the days left."""
    quarter = Quarter.last_ended(today)
    days_left = (quarter.deadline - today).days
    return (quarter, days_left) if days_left in settings.ENTRY_REMINDER_DAYS else None


def digest_quarter(today: date) -> Quarter:
    """The latest quarter whose deadline has passed."""
    quarter = Quarter.last_ended(today)
    return quarter if quarter.is_overdue(today) else quarter.previous


def _deadline_items(user: User, today: date, kind: str) -> list[InboxItem]:
    return [item for item in quarter_deadlines(InboxContext(user, today)) if item.kind == kind]


def _editors():
    """The active department editors with an e-mail address (which rows each may edit is asked per user)."""
    return access.department_editors(User.objects.exclude(email="")).order_by("pk")


def _planners():
    """The active planners with an e-mail address (who receive the overdue digest)."""
    return access.planners(User.objects.exclude(email="")).order_by("pk")


@transaction.atomic
def figure_reminders_send(*, today: date) -> ReminderRun:
    """Queue today's deadline reminders and overdue digests; returns how many were queued."""
    reminders = digests = 0
    due = reminder_quarter(today)
    with translation.override(settings.LANGUAGE_CODE):
        if due is not None:
            quarter, days_left = due
            for editor in _editors():
                for item in _deadline_items(editor, today, Kind.DUE):
                    if item.quarter != quarter:
                        continue
                    reminders += bool(notice_queue(
                        key=f"reminder:{quarter}:{editor.pk}:{today.isoformat()}", kind="reminder",
                        recipient=editor,
                        subject=_("Reminder: %(quarter)s figures are due on %(deadline)s") % {
                            "quarter": quarter.label, "deadline": quarter.deadline.isoformat()},
                        body=render_to_string("notices/reminder.txt", {
                            "user": editor, "quarter": quarter,
                            "units": item.standing.not_submitted_units.first(LISTED_UNITS),
                            "days_left": days_left}),
                    ))
        for planner in _planners():
            overdue = _deadline_items(planner, today, Kind.OVERDUE)
            if not overdue:
                continue
            digests += bool(notice_queue(
                key=f"overdue:{planner.pk}:{today.isoformat()}", kind="overdue", recipient=planner,
                subject=_("Overdue figures for %(quarter)s: %(count)s reporting units") % {
                    "quarter": "、".join(item.quarter.label for item in overdue),
                    "count": sum(item.count for item in overdue)},
                body=render_to_string("notices/overdue_digest.txt", {
                    "user": planner, "standings": [_digest_part(item.standing) for item in overdue]}),
            ))
    reminders_queued.send(sender=None, today=today)  # the work-chat channels (chat.receivers)
    return ReminderRun(reminders, digests)
