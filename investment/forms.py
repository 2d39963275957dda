"""Forms of the investment app."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ISODateField

from .choices import ProjectStage


class StageMoveForm(forms.Form):
    """Move a project to a stage on a date, with a note (a reason, when moving back)."""

    expected_stage = forms.TypedChoiceField(coerce=int, choices=ProjectStage.choices, widget=forms.HiddenInput)
    to_stage = forms.TypedChoiceField(label=_("move to stage"), coerce=int, choices=ProjectStage.choices)
    moved_on = ISODateField(label=_("date"), initial=timezone.localdate)
    note = forms.CharField(label=_("note (required when moving back)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
