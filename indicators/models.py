"""The city-level share indicators (industry's share of the economy, fiscal revenue, employment)."""
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import FIRST_YEAR, LAST_YEAR
from core.access import AccessRule, ScopedQuerySet
from core.models import Bilingual, DemoFlagged, TimeStampedModel, Versioned

PERCENT_DIGITS = {"max_digits": 5, "decimal_places": 2}
PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Comparison(models.TextChoices):
    GREATER = "gt", ">"
    AT_LEAST = "gte", "≥"


class CityIndicator(Bilingual, TimeStampedModel, Versioned):
    """A city-wide indicator with its target percentage for a year."""

    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=160)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices)
    target_percent = models.DecimalField(_("target (%)"), **PERCENT_DIGITS, validators=PERCENT_VALIDATORS)
    source_text = models.TextField(_("wording in the plan"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = AccessRule(view=(), edit=(), public=Q(pk__isnull=False))

    class Meta:
        verbose_name = _("city indicator")
        verbose_name_plural = _("city indicators")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year"], name="indicator_unique_code_year",
                violation_error_message=_("This indicator already has a target for that year."),
            ),
            models.CheckConstraint(
                condition=Q(target_percent__gte=0, target_percent__lte=100), name="indicator_target_is_percent",
                violation_error_message=_("A percentage lies between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class IndicatorActual(TimeStampedModel, DemoFlagged, Versioned):
    """An indicator's actual value for a quarter (year to date, as statistics report it)."""

    indicator = models.ForeignKey(CityIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="actuals")
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    value_percent = models.DecimalField(_("actual (%)"), **PERCENT_DIGITS, validators=PERCENT_VALIDATORS)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = CityIndicator.access

    class Meta:
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")
        ordering = ["indicator", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "quarter"], name="indicator_actual_unique_quarter",
                violation_error_message=_("This indicator already has a value for that quarter."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="indicator_actual_quarter_1_to_4",
                violation_error_message=_("The quarter must be 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                condition=Q(value_percent__gte=0, value_percent__lte=100), name="indicator_actual_is_percent",
                violation_error_message=_("A percentage lies between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} Q{self.quarter}"
