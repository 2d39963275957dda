"""Celery tasks: thin wrappers over `progress.services`, safe to run twice and to redeliver.

acks_late + reject_on_worker_lost: a worker killed mid-roll-up leaves the message unacknowledged,
so it is delivered again; the roll-up's transaction was rolled back, and running it again rebuilds
the same rows. Only a lost database connection is retried, a bounded number of times.
"""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

ROLLUP_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "soft_time_limit": 600,
    "time_limit": 660,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "max_retries": 5,
}


@shared_task(**ROLLUP_TASK_OPTIONS)
def rollup_cluster_year_task(cluster_id: int, year: int) -> None:
    services.rollup_cluster_year(cluster_id=cluster_id, year=year)


@shared_task(**ROLLUP_TASK_OPTIONS)
def rollup_series_year_task(year: int) -> None:
    services.rollup_series_year(year=year)


@shared_task(**ROLLUP_TASK_OPTIONS)
def rollup_full_task() -> None:
    services.rollup_full()


@shared_task(**ROLLUP_TASK_OPTIONS)
def rollup_sweep_task() -> None:
    services.rollup_sweep()
