"""Enumerations of the clusters app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("city level")
    COUNTY = "county", _("county level")
    URBAN = "urban", _("urban district level")


class FigureStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


# "Not yet approved" has one meaning everywhere (dashboards' switch, the entry screen's totals and its
# 上季度 / 上年同期 columns, the review page): handed in and awaiting review. Drafts and returned figures
# are still being worked on; they count nowhere, not even "including figures not yet approved".
NOT_YET_APPROVED = (FigureStatus.SUBMITTED,)
COUNTED_WITH_UNAPPROVED = (FigureStatus.APPROVED, *NOT_YET_APPROVED)


class FigureSource(models.TextChoices):
    ENTERED = "entered", _("entered")
    IMPORTED = "imported", _("imported")
    DEMO = "demo", _("demo data")


class EntryModeChoice(models.TextChoices):
    """How a figure's output value was reported: the quarter's own value, or the year to date (累计)."""

    QUARTER = "quarter", _("quarter's own value")
    YTD = "ytd", _("year to date")


class GoalKind(models.TextChoices):
    CLUSTER_VALUE = "cluster_value", _("one cluster's output at or above a threshold")
    CLUSTER_COUNT = "cluster_count", _("number of clusters at or above a threshold")
    CAPACITY = "capacity", _("production capacity in physical units")
    QUALITATIVE = "qualitative", _("qualitative milestone")


class Stage(models.IntegerChoices):
    ONE = 1, _("stage 1 (2011)")
    TWO = 2, _("stage 2 (end of 2013)")
    THREE = 3, _("stage 3 (2015)")


class PlatformKind(models.TextChoices):
    RESEARCH = "research", _("R&D")
    TESTING = "testing", _("testing and inspection")
    MARKETING = "marketing", _("marketing")
    TALENT = "talent", _("talent")
    FINANCE = "finance", _("financial services")
    LOGISTICS = "logistics", _("logistics")
    INFORMATION = "information", _("information")


class PlatformStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    BUILDING = "building", _("under construction")
    OPERATING = "operating", _("operating")


OUTPUT_UNIT = "亿元"
