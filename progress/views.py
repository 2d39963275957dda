"""Goal evaluation and assessment ranking pages: thin views over progress.goals and progress.ranking."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from clusters.models import StageGoal
from dashboards.assessment import assessment_charts
from dashboards.period import period_from
from dashboards.rendering import render_dashboard

from .forms import YearForm
from .goals import evaluate_goals
from .selectors import latest_period


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    """Every stage goal the user may see, evaluated for a year, with its projection and the method."""
    form = YearForm(request.GET)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or latest_period()[0]
    goals = StageGoal.objects.visible_to(request.user).select_related("cluster").order_by("stage", "kind", "code")
    evaluations = evaluate_goals(year=year, goals=goals)
    return render(request, "progress/goal_list.html", {"form": form, "year": year, "evaluations": evaluations})


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """The assessment ranking (考核评比) of regions and departments for a chosen quarter, as charts of the score's
    parts and as tables, with the method; `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    period, form = period_from(request.GET)
    charts, context = assessment_charts(period=period)
    context.update(year=period.year, quarter=period.quarter,
                   approved_only_note=_("The assessment uses approved figures only."))
    return render_dashboard(request, "progress/ranking.html", period=period, form=form, charts=charts,
                            context=context)
