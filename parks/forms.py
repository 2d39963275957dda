"""Forms of the parks app. `seen` carries the `version` the user read (optimistic locking)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ISODateField
from core.numbers import AmountField

from .choices import ReadinessStatus
from .models import AREA_DIGITS, FLOOR_DIGITS


class SeenMixin(forms.Form):
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ParkProgressForm(SeenMixin):
    area_km2 = AmountField(label=_("current area (km²)"), required=False, min_value=0, **AREA_DIGITS)
    factory_built_m2 = AmountField(label=_("standard factory space built (m²)"), min_value=0, **FLOOR_DIGITS)


class ReadinessItemForm(SeenMixin):
    status = forms.ChoiceField(label=_("status"), choices=ReadinessStatus.choices)
    completed_on = ISODateField(label=_("completed on"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("status") == ReadinessStatus.DONE and not data.get("completed_on"):
            self.add_error("completed_on", _("Enter the date the item was completed."))
        if data.get("status") != ReadinessStatus.DONE and data.get("completed_on"):
            self.add_error("completed_on", _("Only a completed item has a completion date."))
        return data
