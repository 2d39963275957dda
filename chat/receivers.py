"""What chat does when the notices app runs its reminders, or a domain app announces a returned figure
(core.hooks): queue the same notices to the work-chat channels, in the caller's transaction."""
from . import compose


def reminders_queued(sender: object, *, today, **kwargs: object) -> None:
    compose.reminders_queue(today=today)


def figure_returned(sender: object, *, figure, by, reason: str, **kwargs: object) -> None:
    compose.figure_returned_queue(figure=figure, by=by, reason=reason)
