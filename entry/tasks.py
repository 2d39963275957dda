"""Celery tasks of the entry app: thin wrappers over `entry.services`, safe to run twice."""
from celery import shared_task

from . import services

NOTICE_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True,
                       "soft_time_limit": 60, "time_limit": 90}


@shared_task(**NOTICE_TASK_OPTIONS)
def notice_send_task(notice_id: int) -> None:
    services.notice_send(notice_id=notice_id)


@shared_task(**NOTICE_TASK_OPTIONS)
def notices_sweep_task() -> None:
    services.notices_sweep()
