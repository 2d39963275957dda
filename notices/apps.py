from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("E-mail notices")

    def ready(self) -> None:
        from core import hooks

        from . import receivers

        hooks.figure_returned.connect(receivers.figure_returned, dispatch_uid="notices.figure_returned")
