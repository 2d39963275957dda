"""Forms of the funds app; choices offer only what the user may see (the permission layer). Correction
forms carry the `version` the user read (optimistic locking) in a hidden field."""
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.forms import ISODateField
from core.numbers import AmountField, IntegerField, ModelChoiceField
from org.models import Region
from parks.models import Park

from .models import MONEY_DIGITS, Fund


class DisbursementForm(forms.Form):
    fund = ModelChoiceField(label=_("fund"), queryset=Fund.objects.none())
    region = ModelChoiceField(label=_("recipient region"), queryset=Region.objects.none())
    park = ModelChoiceField(label=_("park"), queryset=Park.objects.none(), required=False)
    cluster = ModelChoiceField(label=_("cluster"), queryset=Cluster.objects.none(), required=False)
    amount_wan = AmountField(label=_("amount (10,000 yuan)"), min_value=Decimal("0.01"), **MONEY_DIGITS)
    paid_on = ISODateField(label=_("paid on"), initial=timezone.localdate)
    purpose = forms.CharField(label=_("purpose"), max_length=200)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.editable_by(user).order_by("code")
        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["park"].queryset = Park.objects.visible_to(user)
        self.fields["cluster"].queryset = Cluster.objects.visible_to(user)


class MatchingFundForm(forms.Form):
    region = ModelChoiceField(label=_("region"), queryset=Region.objects.all())
    year = IntegerField(label=_("year"), min_value=2000, max_value=2100,
                        initial=lambda: timezone.localdate().year)
    amount_wan = AmountField(label=_("amount (10,000 yuan)"), min_value=Decimal("0.01"), **MONEY_DIGITS)
    established_on = ISODateField(label=_("established on"))


class VersionMixin(forms.Form):
    version = IntegerField(widget=forms.HiddenInput, min_value=1)


class DisbursementEditForm(VersionMixin, DisbursementForm):
    """A payment corrected: everything but its fund (a payment from the wrong fund is cancelled instead)."""

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.fields["fund"]


class MatchingFundEditForm(VersionMixin):
    year = IntegerField(label=_("year"), min_value=2000, max_value=2100)
    amount_wan = AmountField(label=_("amount (10,000 yuan)"), min_value=Decimal("0.01"), **MONEY_DIGITS)
    established_on = ISODateField(label=_("established on"))


class CancelForm(VersionMixin):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=300)
