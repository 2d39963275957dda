from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Work-chat reminders")

    def ready(self) -> None:
        from core import hooks
        from notices import signals

        from . import receivers

        hooks.figure_returned.connect(receivers.figure_returned, dispatch_uid="chat.figure_returned")
        signals.reminders_queued.connect(receivers.reminders_queued, dispatch_uid="chat.reminders_queued")
