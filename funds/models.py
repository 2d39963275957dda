"""The plan's funds, the counties' matching funds and disbursements from the funds."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import FIRST_YEAR, LAST_YEAR, Cluster
from core.access import AccessRule, ScopedQuerySet
from core.models import Bilingual, DemoFlagged, TimeStampedModel, Versioned
from org.models import Department, Region
from parks.models import Park

# Fund amounts are in 万元 (10,000 yuan): the plan states them as 5亿, 4亿 and 3500万.
MONEY_DIGITS = {"max_digits": 14, "decimal_places": 2}


def matching_fund_rule_message(region: object, year: int) -> str:
    """The plan's rule in words, for every refusal it causes (a payment, or a matching fund changed or cancelled)."""
    return _(
        "%(region)s has set up no matching fund for %(year)s; in principle the city's special fund "
        "gives it no support (不设专项配套资金的原则上市专项不予支持). Record its matching fund first."
    ) % {"region": region, "year": year}


class CorrectableQuerySet(ScopedQuerySet):
    """Rows entered by mistake are cancelled, not deleted: they keep their history, and every sum and rule
    reads only `.in_force()`."""

    def in_force(self) -> CorrectableQuerySet:
        return self.filter(cancelled_at__isnull=True)


class Correctable(Versioned):
    """A row people correct after entry: `version` for optimistic locking (a writer passes the version it
    read; a stale write is refused), and a cancellation with its reason instead of a deletion."""

    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Fund(Bilingual, TimeStampedModel, Versioned):
    """A dedicated fund of the plan. `amount_wan` empty means the plan states no amount (待定)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=160)
    amount_wan = models.DecimalField(
        _("amount (10,000 yuan)"), **MONEY_DIGITS, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    purpose = models.TextField(_("purpose"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    managing_department = models.ForeignKey(
        Department, verbose_name=_("managing department"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="funds", help_text=_("Empty means TBD."),
    )
    requires_matching_fund = models.BooleanField(
        _("requires a county matching fund"), default=False,
        help_text=_("A county/district without a matching fund for the year in principle gets no support from it."),
    )
    source_text = models.TextField(_("wording in the plan"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    # The plan's funds are city-wide facts every signed-in user may read; the managing department edits.
    access = AccessRule(view=(), edit=("managing_department",), public=Q(pk__isnull=False))

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_wan__isnull=True) | Q(amount_wan__gt=0),
                name="fund_amount_positive",
                violation_error_message=_("The fund amount must be positive."),
            ),
        ]


class MatchingFund(TimeStampedModel, DemoFlagged, Correctable):
    """A county/district's own matching fund (专项配套资金) for a year; at most one in force per region and year."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="matching_funds"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    amount_wan = models.DecimalField(_("amount (10,000 yuan)"), **MONEY_DIGITS)
    established_on = models.DateField(_("established on"))

    objects = CorrectableQuerySet.as_manager()
    history = HistoricalRecords()
    # Whether a county has a matching fund decides the city's support, so everybody may see it.
    access = AccessRule(view=(), edit=("region__departments",), public=Q(pk__isnull=False))

    class Meta:
        verbose_name = _("county matching fund")
        verbose_name_plural = _("county matching funds")
        ordering = ["year", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], condition=Q(cancelled_at__isnull=True),
                name="matching_fund_unique_region_year",
                violation_error_message=_("This region already has a matching fund for that year."),
            ),
            models.CheckConstraint(
                condition=Q(amount_wan__gt=0), name="matching_fund_positive",
                violation_error_message=_("The matching fund must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""), name="matching_fund_cancel_reason",
                violation_error_message=_("Give the reason for cancelling."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class Disbursement(TimeStampedModel, DemoFlagged, Correctable):
    """Money paid out of a fund to a region (and optionally a park or cluster).

    `clean()` enforces the plan's rule: a fund that requires a county matching fund pays nothing
    to a region without one (in force) for the year; and a fund never pays out more than its amount.
    A cancelled disbursement counts nowhere: not in the fund's total, the dashboards or the API.
    """

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="disbursements")
    region = models.ForeignKey(Region, verbose_name=_("recipient region"), on_delete=models.PROTECT,
                               related_name="disbursements")
    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="disbursements")
    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="disbursements")
    amount_wan = models.DecimalField(_("amount (10,000 yuan)"), **MONEY_DIGITS)
    paid_on = models.DateField(_("paid on"))
    purpose = models.CharField(_("purpose"), max_length=200)

    objects = CorrectableQuerySet.as_manager()
    history = HistoricalRecords()
    access = AccessRule(
        view=("region__departments", "fund__managing_department", "park__responsible_department",
              "cluster__responsible_department"),
        edit=("fund__managing_department",),
    )

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_wan__gt=0), name="disbursement_positive",
                violation_error_message=_("The amount must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""), name="disbursement_cancel_reason",
                violation_error_message=_("Give the reason for cancelling."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.region} {self.amount_wan}"

    def clean(self) -> None:
        super().clean()
        if self.is_cancelled or not (self.fund_id and self.region_id and self.paid_on and self.amount_wan is not None):
            return
        if self.fund.requires_matching_fund and not MatchingFund.objects.in_force().filter(
            region_id=self.region_id, year=self.paid_on.year
        ).exists():
            raise ValidationError({"region": matching_fund_rule_message(self.region, self.paid_on.year)})
        if self.fund.amount_wan is not None:
            paid = (Disbursement.objects.in_force().filter(fund_id=self.fund_id).exclude(pk=self.pk)
                    .aggregate(total=Sum("amount_wan"))["total"] or 0)
            if paid + self.amount_wan > self.fund.amount_wan:
                raise ValidationError({"amount_wan": _(
                    "This would pay out %(total)s 万元 in all, more than the fund's %(amount)s 万元."
                ) % {"total": paid + self.amount_wan, "amount": self.fund.amount_wan}})
