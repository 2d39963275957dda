"""Celery tasks of the clusters app: thin wrappers over services, safe to run twice."""
from celery import shared_task
from django.utils import timezone

from .services.reminders import figure_reminders_send


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def figure_reminders_task() -> None:
    """Today's deadline reminders and overdue digests; a second run the same day queues nothing."""
    figure_reminders_send(today=timezone.localdate())
