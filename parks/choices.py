"""Enumerations of the parks app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadinessItemKind(models.TextChoices):
    """七通一平: the seven connections, as conventionally understood, and site levelling."""

    ROAD = "road", _("road")
    WATER = "water", _("water supply")
    DRAINAGE = "drainage", _("drainage and sewage")
    POWER = "power", _("electricity")
    TELECOM = "telecom", _("telecommunications")
    HEATING = "heating", _("heating")
    GAS = "gas", _("gas")
    LEVELLING = "levelling", _("site levelling")


class ReadinessStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
