"""Period pickers for the progress pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import FIRST_YEAR, LAST_YEAR
from core.numbers import IntegerField


class YearForm(forms.Form):
    year = IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)


class QuarterForm(YearForm):
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=[(q, q) for q in range(1, 5)], coerce=int,
                                     required=False)
