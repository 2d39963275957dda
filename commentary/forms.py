"""The commentary tab of the entry screen: the three texts, a 原因及措施 per goal, the version read; review."""
from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import StageGoal

from .models import REMARK_MAX_LENGTH, TEXT_MAX_LENGTH, QuarterCommentary

REMARK_PREFIX = "remark_"


def _text(label, help_text) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False, max_length=TEXT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX_LENGTH}))


class CommentaryForm(forms.Form):
    """主要进展 / 存在问题 / 下步措施 and, for each goal listed, 原因及措施. Empty texts are allowed in a draft;
    submitting asks for all of them (commentary.services.commentary_submit)."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    progress = _text(_("main progress"), _("What moved this quarter: output, projects, enterprises."))
    problems = _text(_("problems"), _("What holds the cluster back."))
    next_steps = _text(_("next steps"), _("What the department will do next quarter."))

    def __init__(self, *args, goals: Sequence[StageGoal] = (), at_risk: Sequence[int] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"{REMARK_PREFIX}{goal.pk}"] = forms.CharField(
                label=str(goal), required=False, max_length=REMARK_MAX_LENGTH,
                help_text=_("At risk or off track: give the cause and the remedy.") if goal.pk in at_risk else "",
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": REMARK_MAX_LENGTH}))

    @classmethod
    def initial_from(cls, commentary: QuarterCommentary | None) -> dict:
        if commentary is None:
            return {}
        initial = {"version": commentary.version, "progress": commentary.progress, "problems": commentary.problems,
                   "next_steps": commentary.next_steps}
        initial |= {f"{REMARK_PREFIX}{r.goal_id}": r.text for r in commentary.remarks.all()}
        return initial

    def remark_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(REMARK_PREFIX)]

    @property
    def remarks(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data.get(f"{REMARK_PREFIX}{goal.pk}", "") for goal in self.goals}


class CommentaryReviewForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for returning"), required=False, max_length=500)
