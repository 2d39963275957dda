"""Celery tasks of the chat app: thin wrappers over `chat.services`, safe to run twice."""
from celery import shared_task
from django.utils import timezone

from . import compose, services

CHAT_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True,
                     "soft_time_limit": 60, "time_limit": 90}


@shared_task(bind=True, **CHAT_TASK_OPTIONS)
def chat_message_send_task(self, message_id: int) -> None:
    """Send one message; if it has to wait (backoff after a failure, the robot's rate), publish it again with
    that countdown. In-process (eager) mode leaves that to the sweep instead."""
    outcome = services.message_send(message_id=message_id)
    # Publishing eagerly would run the task again at once, and again: never from an eager run or app.
    if outcome.wait is not None and not self.request.is_eager and not self.app.conf.task_always_eager:
        services.enqueue_later(message_id, outcome.wait)


@shared_task(**CHAT_TASK_OPTIONS)
def chat_messages_sweep_task() -> None:
    services.messages_sweep()


@shared_task(**CHAT_TASK_OPTIONS)
def chat_briefing_ready_task() -> None:
    """Announce a quarter whose figures are all approved and rolled up (once per quarter and channel)."""
    compose.briefing_ready_queue(today=timezone.localdate())
