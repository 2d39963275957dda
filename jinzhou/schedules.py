"""The whole Celery beat schedule. Every run it starts is idempotent, so a duplicate beat is harmless."""
from celery.schedules import crontab

from jinzhou.settings.base import env


def beat_schedule() -> dict:
    full_hour, full_minute = env.str("ROLLUP_FULL_AT", default="02:30").split(":")
    reminder_hour, reminder_minute = env.str("FIGURE_REMINDERS_AT", default="08:30").split(":")
    return {
        # Nightly full recompute: repairs anything the incremental path could miss (a cluster moved to
        # another region, a hand edit in the database) at an hour when nobody is entering figures.
        "rollup-full-nightly": {
            "task": "progress.tasks.rollup_full_task",
            "schedule": crontab(hour=int(full_hour), minute=int(full_minute)),
        },
        # Sweep for pending marks every few minutes: finishes roll-ups whose message was lost
        # (broker down at approval time), so readers never see "pending" for long.
        "rollup-sweep": {
            "task": "progress.tasks.rollup_sweep_task",
            "schedule": _sweep_rate(),
        },
        # Deadline reminders and the overdue digest once a day, early in the office day: deadlines are
        # counted in days, so a daily run is enough, and each notice is keyed by day (a rerun adds nothing).
        "figure-reminders-daily": {
            "task": "notices.tasks.figure_reminders_task",
            "schedule": crontab(hour=int(reminder_hour), minute=int(reminder_minute)),
        },
        # The e-mail outbox: notices are sent on commit; this catches those whose message was lost or
        # whose mail server was down. Every ten minutes keeps a returned-figure notice timely.
        "notices-sweep": {
            "task": "notices.tasks.notices_sweep_task",
            "schedule": crontab(minute=f"*/{env.int('NOTICES_SWEEP_MINUTES', default=10)}"),
        },
        # The work-chat outbox: messages are sent on commit; this sends those whose message was lost, whose
        # retry is due (backoff) or that waited for a robot's rate limit. Every minute: the rate limit is
        # counted per minute, and a due row costs one indexed query when there is none.
        "chat-sweep": {
            "task": "chat.tasks.chat_messages_sweep_task",
            "schedule": crontab(minute="*"),
        },
        # "The quarterly briefing is ready": a quarter completes when its last figure is approved and the roll-up
        # has run (within minutes, see rollup-sweep); checked every quarter of an hour, a message keyed by quarter.
        "chat-briefing-ready": {
            "task": "chat.tasks.chat_briefing_ready_task",
            "schedule": crontab(minute="*/15"),
        },
    }


def _sweep_rate() -> crontab | float:
    """Every ROLLUP_SWEEP_MINUTES (default 5) on the clock; ROLLUP_SWEEP_SECONDS, when set, wins: the
    system tests sweep every few seconds so that a broker outage is caught up within the test."""
    seconds = env.float("ROLLUP_SWEEP_SECONDS", default=0)
    return seconds if seconds > 0 else crontab(minute=f"*/{env.int('ROLLUP_SWEEP_MINUTES', default=5)}")
