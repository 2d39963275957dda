from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress roll-ups")

    def ready(self) -> None:
        from core import hooks

        from . import receivers

        hooks.cluster_year_changed.connect(receivers.cluster_year_changed, dispatch_uid="progress.cluster_year")
