"""Signals of the notices app, for apps that send the same notices elsewhere (chat: the work-chat robots).

- `reminders_queued`: the daily reminder run (`notices.reminders.figure_reminders_send`) has queued its
  e-mails for `today`, inside its transaction; receivers queue theirs in the same transaction.
"""
from django.dispatch import Signal

reminders_queued = Signal()  # keyword arguments: today
