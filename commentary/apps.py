from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentaryConfig(AppConfig):
    name = "commentary"
    verbose_name = _("Quarterly commentary")

    def ready(self) -> None:
        from core import hooks

        from . import receivers

        hooks.figure_status_changed.connect(receivers.figure_status_changed, dispatch_uid="commentary.figure_status")
