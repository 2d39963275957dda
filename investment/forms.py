"""Forms of the investment app."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.forms import ISODateField
from core.numbers import AmountField, IntegerField, ModelChoiceField

from .choices import ProjectStage
from .models import AMOUNT_DIGITS, MAX_RAMP_UP_QUARTERS


class PipelineForm(forms.Form):
    """The cluster a project feeds, its expected production start, annual output at full capacity and ramp-up."""

    seen = IntegerField(widget=forms.HiddenInput, min_value=1)  # the project's version the user read
    cluster = ModelChoiceField(label=_("cluster it feeds"), queryset=Cluster.objects.none(), required=False)
    expected_start_year = IntegerField(label=_("expected production start: year"), required=False,
                                       min_value=2000, max_value=2100)
    expected_start_quarter = forms.TypedChoiceField(
        label=_("quarter"), required=False, coerce=int, empty_value=None,
        choices=[("", "—"), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    expected_output = AmountField(label=_("expected annual output at full capacity (亿元)"), required=False,
                                  min_value=0, **AMOUNT_DIGITS)
    ramp_up_quarters = IntegerField(label=_("ramp-up (quarters to full output)"), required=False, min_value=1,
                                    max_value=MAX_RAMP_UP_QUARTERS)

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters

    @classmethod
    def of(cls, project, *, clusters) -> "PipelineForm":
        return cls(clusters=clusters, prefix="pipeline", initial={
            "seen": project.version, "cluster": project.cluster_id,
            "expected_start_year": project.expected_start_year,
            "expected_start_quarter": project.expected_start_quarter,
            "expected_output": project.expected_output, "ramp_up_quarters": project.ramp_up_quarters})


class StageMoveForm(forms.Form):
    """Move a project to a stage on a date, with a note (a reason, when moving back)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)  # the project's version the user read
    to_stage = forms.TypedChoiceField(label=_("move to stage"), coerce=int, choices=ProjectStage.choices)
    moved_on = ISODateField(label=_("date"), initial=timezone.localdate)
    note = forms.CharField(label=_("note (required when moving back)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
