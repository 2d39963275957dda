"""Celery tasks of the notices app: thin wrappers over `notices.services` and `notices.reminders`, safe to run twice."""
from celery import shared_task
from django.utils import timezone

from . import services
from .reminders import figure_reminders_send

NOTICE_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True,
                       "soft_time_limit": 60, "time_limit": 90}


@shared_task(**NOTICE_TASK_OPTIONS)
def notice_send_task(notice_id: int) -> None:
    services.notice_send(notice_id=notice_id)


@shared_task(**NOTICE_TASK_OPTIONS)
def notices_sweep_task() -> None:
    services.notices_sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def figure_reminders_task() -> None:
    """Today's deadline reminders and overdue digests; a second run the same day queues nothing."""
    figure_reminders_send(today=timezone.localdate())
