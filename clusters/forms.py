"""Forms of the clusters app."""
from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewForm(forms.Form):
    """A planner's decision on a figure: the version it read, and a reason when returning."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)
