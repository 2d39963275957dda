"""The Celery application. Without REDIS_URL, settings make every task run eagerly in-process."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinzhou.settings.local")

app = Celery("jinzhou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _schedule(sender: Celery, **kwargs) -> None:
    from .schedules import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
