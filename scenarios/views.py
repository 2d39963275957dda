"""Scenario pages (planners): the list with each scenario's flips, one scenario's result, save (from the goals
page's what-if panel or from scratch), change (a new version), archive. Thin: a form, a service, a selector."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import access
from core.exceptions import ValidationError, VersionConflict
from dashboards.period import YearForm
from progress.selectors import latest_period

from . import selectors, services
from .forms import INPUTS, PREFIX, ArchiveForm, ScenarioEditForm, ScenarioForm
from .models import Scenario


def _check_planner(request: HttpRequest) -> None:
    if not access.may(request.user, "manage-scenarios"):
        raise PermissionDenied(_("Only a planner may open scenarios."))


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    return (form.cleaned_data.get("year") if form.is_valid() else None) or latest_period()[0]


def _scenario(request: HttpRequest, pk: int) -> Scenario:
    _check_planner(request)
    scenario = selectors.scenario_for(request.user, pk)
    if scenario is None:
        raise Http404
    return scenario


def _conflict(form, conflict: VersionConflict) -> None:
    """The conflict is shown and the form keeps what the planner typed, now based on the current version."""
    current = conflict.current
    form.add_error(None, _("Someone else saved this scenario meanwhile (now version %(version)s, by %(who)s); "
                           "nothing was overwritten. Check the values and save again.")
                   % {"version": current.version, "who": current.updated_by or _("system")})
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = current.version


@login_required
@require_safe
def scenario_list(request: HttpRequest) -> HttpResponse:
    """The live scenarios (`?archived=1`: the archived ones), each with what it changes and how many goals it
    flips against the official projection."""
    _check_planner(request)
    year = _year(request)
    archived = request.GET.get("archived") == "1"
    results = selectors.scenario_results(user=request.user, year=year,
                                         scenarios=selectors.scenarios_for(request.user, archived=archived))
    return render(request, "scenarios/scenario_list.html", {"results": results, "year": year, "archived": archived})


@login_required
@require_safe
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One scenario's result (情景): the goals whose status it changes, and every goal under it beside the official."""
    scenario = _scenario(request, pk)
    year = _year(request)
    [result] = selectors.scenario_results(user=request.user, year=year, scenarios=[scenario])
    rows = list(zip(result.official, result.assumed, strict=True)) if result.assumed is not None else []
    return render(request, "scenarios/scenario_detail.html", {
        "scenario": scenario, "result": result, "rows": rows, "year": year,
        "archive_form": ArchiveForm(initial={"version": scenario.version})})


def _form_page(request: HttpRequest, form, *, scenario: Scenario | None = None, status: int = 200) -> HttpResponse:
    return render(request, "scenarios/scenario_form.html", {"form": form, "scenario": scenario}, status=status)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scenario_create(request: HttpRequest) -> HttpResponse:
    """GET: an empty scenario form. POST (also from the goals page's panel): save the what-if as a scenario."""
    _check_planner(request)
    if request.method != "POST":
        return _form_page(request, ScenarioForm(prefix=PREFIX, user=request.user))
    form = ScenarioForm(request.POST, prefix=PREFIX, user=request.user)
    if form.is_valid():
        try:
            scenario = services.scenario_create(user=request.user, **form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Scenario saved: %(name)s") % {"name": scenario.name})
            return HttpResponseRedirect(reverse("scenario-page", args=[scenario.pk]))
    return _form_page(request, form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the scenario's values in a form. POST: save them as its next version (409 on a stale version)."""
    scenario = _scenario(request, pk)
    if scenario.is_archived:
        raise Http404
    if request.method != "POST":
        initial = {name: getattr(scenario, name) for name in ("name", "description", "version", *INPUTS)}
        return _form_page(request, ScenarioEditForm(prefix=PREFIX, user=request.user, initial=initial),
                          scenario=scenario)
    form = ScenarioEditForm(request.POST, prefix=PREFIX, user=request.user)
    if not form.is_valid():
        return _form_page(request, form, scenario=scenario, status=400)
    try:
        services.scenario_update(user=request.user, scenario_id=scenario.pk,
                                 expected_version=form.cleaned_data["version"], note=form.cleaned_data["note"],
                                 **form.values())
    except VersionConflict as conflict:
        _conflict(form, conflict)
        return _form_page(request, form, scenario=conflict.current, status=409)
    except ValidationError as error:
        _add_errors(form, error)
        return _form_page(request, form, scenario=scenario, status=400)
    messages.success(request, _("Scenario saved as a new version."))
    return HttpResponseRedirect(reverse("scenario-page", args=[scenario.pk]))


@login_required
@require_POST
def scenario_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive the scenario (kept with its history; its name is free again)."""
    scenario = _scenario(request, pk)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        try:
            services.scenario_archive(user=request.user, scenario_id=scenario.pk,
                                      expected_version=form.cleaned_data["version"])
        except VersionConflict:
            messages.error(request, _("Someone else saved this scenario meanwhile; it was not archived. Look at it "
                                      "again first."))
            return HttpResponseRedirect(reverse("scenario-page", args=[scenario.pk]))
        messages.success(request, _("Scenario archived: %(name)s") % {"name": scenario.name})
        return HttpResponseRedirect(reverse("scenario-list-page"))
    messages.error(request, _("The scenario was not archived: reload the page and try again."))
    return HttpResponseRedirect(reverse("scenario-page", args=[scenario.pk]))
