"""Enumerations of the investment app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStage(models.IntegerChoices):
    """The five "高潮" every project moves through, in order."""

    NEGOTIATION = 1, _("negotiation")
    SIGNED = 2, _("signed and sited")
    CONSTRUCTION = 3, _("under construction")
    PRODUCING = 4, _("producing at design capacity")
    EXPANDING = 5, _("expanding")


class Origin(models.TextChoices):
    DOMESTIC = "domestic", _("domestic capital")
    FOREIGN = "foreign", _("foreign investment")


class Currency(models.TextChoices):
    CNY = "CNY", _("yuan (CNY)")
    USD = "USD", _("US dollars (USD)")


class Channel(models.TextChoices):
    REFERRAL = "referral", _("investor referral")
    AGENT = "agent", _("agents")
    ONLINE = "online", _("online")
    RESIDENT_OFFICE = "resident_office", _("resident offices in key regions")
    CLUSTER_CAMPAIGN = "cluster_campaign", _("cluster campaign")
    THEME_CAMPAIGN = "theme_campaign", _("theme campaign")
    UNKNOWN = "unknown", _("not stated")


CURRENCY_OF_ORIGIN = {Origin.DOMESTIC: Currency.CNY, Origin.FOREIGN: Currency.USD}
