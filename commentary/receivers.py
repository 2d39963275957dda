"""What the commentary does when a figure moves in its cycle (core.hooks.figure_status_changed)."""
from . import services


def figure_status_changed(sender: object, *, figure, by, reason: str, **kwargs: object) -> None:
    services.commentary_follow_figure(figure=figure, by=by, reason=reason)
