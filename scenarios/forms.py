"""The scenario forms: the what-if panel's fields (`dashboards.whatif.WhatIfForm`, the same choices and checks)
with a name and a description; the edit form adds a reason for the change and the version it was read at."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.whatif import WhatIfForm

from .models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH

PREFIX = "whatif"  # the goals page's panel posts its fields under this prefix, so one form reads both
INPUTS = ("project", "start_year", "start_quarter", "output", "cluster", "growth")
NOTE_MAX_LENGTH = 200


class ScenarioForm(WhatIfForm):
    """Save the what-if under a name."""

    name = forms.CharField(label=_("scenario name"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(label=_("description"), max_length=DESCRIPTION_MAX_LENGTH, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["name", "description", *INPUTS]

    def values(self) -> dict:
        """The service's keyword arguments."""
        return {name: self.cleaned_data.get(name) for name in ("name", "description", *INPUTS)}


class ScenarioEditForm(ScenarioForm):
    """Change a scenario: its next version, with the version read (a stale one is refused) and why."""

    note = forms.CharField(label=_("reason for the change"), max_length=NOTE_MAX_LENGTH, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ArchiveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
