"""What notices does when a domain app reports a change through the kernel hooks (core.hooks)."""
from . import services


def figure_returned(sender: object, *, figure, by, reason: str, **kwargs: object) -> None:
    services.figure_returned_notify(figure=figure, by=by, reason=reason)
