"""The period every dashboard shows: a year, a quarter and whether unapproved figures are included.

Read from the query string (`?year=2012&quarter=3&unapproved=1`); anything missing or invalid
falls back to the latest quarter the roll-up holds, so a bookmarked or tampered URL still shows
a page (with the form's error next to the picker), and the page says it shows that quarter. The
reporting screens open elsewhere: at the user's reporting period (clusters.reporting_period).
"""
from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from clusters.models import FIRST_YEAR, LAST_YEAR
from core.numbers import IntegerField
from core.periods import PLAN_YEAR, Quarter, quarter_choices
from progress.selectors import latest_period


class YearForm(forms.Form):
    """The year picker of the goals page."""

    year = IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)


class PeriodForm(forms.Form):
    year = IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    quarter = forms.TypedChoiceField(label=_("quarter"), coerce=int, required=False,
                                     choices=quarter_choices)
    unapproved = forms.BooleanField(label=_("including unapproved figures"), required=False)


@dataclass(frozen=True)
class Period:
    """What a dashboard is asked to show."""

    year: int
    quarter: int
    include_unapproved: bool = False
    latest: bool = False  # nothing was asked for: the latest quarter with approved figures, said on the page

    @property
    def as_quarter(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def years(self) -> range:
        """From the plan's base year (2011) to the chosen one: the span the trend charts draw."""
        return range(PLAN_YEAR, self.year + 1)

    def query(self, **overrides: object) -> str:
        """This period as a query string (for links and downloads), with `overrides` applied."""
        params = QueryDict(mutable=True)
        params.update({"year": self.year, "quarter": self.quarter})
        if self.include_unapproved:
            params["unapproved"] = "1"
        for key, value in overrides.items():
            params[key] = value
        return params.urlencode()


def period_from(query: QueryDict) -> tuple[Period, PeriodForm]:
    """The period asked for, or the latest rolled-up quarter where the query is silent or wrong."""
    form = PeriodForm(query)
    cleaned = form.cleaned_data if form.is_valid() else {}
    latest_year, latest_quarter = latest_period()
    year = cleaned.get("year") or latest_year
    quarter = cleaned.get("quarter") or (latest_quarter if year == latest_year else 4)
    return Period(year, quarter, bool(cleaned.get("unapproved")), latest=not cleaned.get("year")), form
