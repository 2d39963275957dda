"""Goal evaluation and assessment ranking pages: thin views over progress.goals and progress.ranking."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clusters.models import StageGoal

from .forms import QuarterForm, YearForm
from .goals import evaluate_goals
from .ranking import assessment_ranking
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
    """The assessment ranking (考核评比) of regions and departments for a chosen quarter, with its parts."""
    form = QuarterForm(request.GET)
    latest_year, latest_quarter = latest_period()
    cleaned = form.cleaned_data if form.is_valid() else {}
    year, quarter = cleaned.get("year") or latest_year, cleaned.get("quarter") or latest_quarter
    ranked = assessment_ranking(year=year, quarter=quarter)
    return render(request, "progress/ranking.html", {"form": form, "year": year, "quarter": quarter,
                                                     "ranked": ranked})
