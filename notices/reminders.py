"""Deadline reminders to editors and the overdue digest to planners (queued in the outbox).

Run daily by beat (`figure_reminders_task`). On each day listed in ENTRY_REMINDER_DAYS before the
deadline of the quarter being reported, every editor who may edit a unit that has not submitted
gets one e-mail listing those units; once a deadline has passed, every planner gets one digest a
day of what is overdue or still awaiting review. Each notice has a natural key (kind, quarter,
person, day), so a second run on the same day queues nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clusters import selectors
from core import access
from core.periods import Quarter
from notices.services import notice_queue
from notices.signals import reminders_queued
from org.models import User


@dataclass(frozen=True)
class ReminderRun:
    reminders: int
    digests: int


def _reminder_quarter(today: date) -> tuple[Quarter, int] | None:
    """The quarter whose deadline is a reminder day away from `today`, and how many days remain."""
    quarter = Quarter.last_ended(today)
    days_left = (quarter.deadline - today).days
    return (quarter, days_left) if days_left in settings.ENTRY_REMINDER_DAYS else None


def _digest_quarter(today: date) -> Quarter:
    """The latest quarter whose deadline has passed."""
    quarter = Quarter.last_ended(today)
    return quarter if quarter.is_overdue(today) else quarter.previous


@transaction.atomic
def figure_reminders_send(*, today: date) -> ReminderRun:
    """Queue today's deadline reminders and overdue digests; returns how many were queued."""
    reminders = digests = 0
    due = _reminder_quarter(today)
    with translation.override(settings.LANGUAGE_CODE):
        if due is not None:
            quarter, days_left = due
            standing = selectors.completeness(user=access.city_wide_reader(), quarter=quarter, today=today)
            waiting = [row for row in standing.rows if row.standing in selectors.Standing.NOT_SUBMITTED]
            editors = selectors.editors_of(list({row.unit.cluster for row in waiting}))
            by_editor: dict[User, list] = {}
            for row in waiting:
                for editor in editors.get(row.unit.cluster.pk, []):
                    by_editor.setdefault(editor, []).append(row)
            for editor, rows in by_editor.items():
                reminders += bool(notice_queue(
                    key=f"reminder:{quarter}:{editor.pk}:{today.isoformat()}", kind="reminder", recipient=editor,
                    subject=_("Reminder: %(quarter)s figures are due on %(deadline)s") % {
                        "quarter": quarter.label, "deadline": quarter.deadline.isoformat()},
                    body=render_to_string("notices/reminder.txt", {
                        "user": editor, "quarter": quarter, "rows": rows, "days_left": days_left}),
                ))
        quarter = _digest_quarter(today)
        standing = selectors.completeness(user=access.city_wide_reader(), quarter=quarter, today=today)
        if standing.open_rows:
            for planner in access.planners(User.objects.exclude(email="")):
                digests += bool(notice_queue(
                    key=f"overdue:{quarter}:{planner.pk}:{today.isoformat()}", kind="overdue", recipient=planner,
                    subject=_("Overdue figures for %(quarter)s: %(count)s reporting units") % {
                        "quarter": quarter.label, "count": len(standing.open_rows)},
                    body=render_to_string("notices/overdue_digest.txt", {
                        "user": planner, "quarter": quarter, "standing": standing}),
                ))
    reminders_queued.send(sender=None, today=today)  # the work-chat channels (chat.receivers)
    return ReminderRun(reminders, digests)
