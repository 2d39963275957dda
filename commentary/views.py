"""The commentary tab beside the quarter's figures: write, save, submit; planners approve or return. Thin: the
selectors read, the services write, the permission layer decides (a cluster the user may not see is a 404)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusters.models import FIRST_FIGURE_YEAR, LAST_YEAR, Cluster
from core import access
from core.exceptions import ValidationError, VersionConflict
from core.history import object_history
from core.periods import Quarter

from . import selectors, services
from .forms import CommentaryForm, CommentaryReviewForm


def _page(request, *, cluster, period, commentary, form, at_risk, conflict=None, status=200) -> HttpResponse:
    editable = access.may(request.user, "edit", cluster) and (
        commentary is None or commentary.status in services.EDITABLE_STATUSES)
    return render(request, "commentary/edit.html", {
        "cluster": cluster, "quarter": period, "commentary": commentary, "form": form, "at_risk": at_risk,
        "editable": editable, "conflict": conflict,
        "may_review": commentary is not None and access.may(request.user, "review", commentary),
        "history": object_history(commentary) if commentary else [],
        "history_label": "commentary.quartercommentary", "history_pk": commentary.pk if commentary else None,
        "entry_url": f"{reverse('figure-entry')}?{urlencode({'year': period.year, 'quarter': period.quarter})}",
        "missing": services.missing_parts(commentary) if commentary and editable else [],
    }, status=status)


def _period(request: HttpRequest) -> Quarter:
    """The quarter asked for (?year=&quarter=); the last quarter ended when none is given; 404 for nonsense."""
    year, quarter = request.GET.get("year", ""), request.GET.get("quarter", "")
    if not year and not quarter:
        return Quarter.last_ended()
    if not (year.isascii() and year.isdigit() and quarter.isascii() and quarter.isdigit()):
        raise Http404
    if not (FIRST_FIGURE_YEAR <= int(year) <= LAST_YEAR and 1 <= int(quarter) <= 4):
        raise Http404
    return Quarter(int(year), int(quarter))


@login_required
@require_http_methods(["GET", "POST"])
def commentary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the cluster-quarter's commentary (a form where the user may write it). POST: save, submit, review."""
    cluster = get_object_or_404(Cluster.objects.visible_to(request.user).select_related("responsible_department"),
                                pk=pk)
    period = _period(request)
    year, quarter = period.year, period.quarter
    commentary = selectors.commentary_of(user=request.user, cluster=cluster, quarter=period)
    at_risk = selectors.goals_needing_remarks(cluster=cluster, year=year)
    at_risk_ids = [g.pk for g in at_risk]
    remarked = [r.goal for r in commentary.remarks.all() if r.goal_id not in at_risk_ids] if commentary else []
    goals = at_risk + remarked
    if request.method == "GET":
        form = CommentaryForm(initial=CommentaryForm.initial_from(commentary), goals=goals, at_risk=at_risk_ids)
        return _page(request, cluster=cluster, period=period, commentary=commentary, form=form, at_risk=at_risk)
    action = request.POST.get("action", "save")
    if action in ("approve", "return"):
        return _review(request, commentary, action)
    form = CommentaryForm(request.POST, goals=goals, at_risk=at_risk_ids)
    if not form.is_valid():
        return _page(request, cluster=cluster, period=period, commentary=commentary, form=form, at_risk=at_risk,
                     status=400)
    data = form.cleaned_data
    try:
        saved = services.commentary_save(
            user=request.user, cluster=cluster, year=year, quarter=quarter, expected_version=data["version"],
            progress=data["progress"], problems=data["problems"], next_steps=data["next_steps"],
            remarks=form.remarks)
        if action == "submit":
            saved = services.commentary_submit(user=request.user, commentary_id=saved.pk,
                                               expected_version=saved.version)
    except VersionConflict as conflict:
        return _page(request, cluster=cluster, period=period, commentary=commentary, form=form, at_risk=at_risk,
                     conflict=conflict.current, status=409)
    except ValidationError as error:
        form.add_error(None, error.messages)
        commentary = selectors.commentary_of(user=request.user, cluster=cluster, quarter=period)
        return _page(request, cluster=cluster, period=period, commentary=commentary, form=form, at_risk=at_risk,
                     status=400)
    done = (_("Commentary submitted: %(what)s") if action == "submit" else _("Commentary saved: %(what)s"))
    messages.success(request, done % {"what": saved})
    return HttpResponseRedirect(request.get_full_path())


def _review(request: HttpRequest, commentary, action: str) -> HttpResponse:
    if commentary is None:
        raise Http404
    if not access.may(request.user, "review", commentary):
        raise PermissionDenied(_("Only a planner may review the commentary."))
    form = CommentaryReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return HttpResponseRedirect(request.get_full_path())
    version = form.cleaned_data["version"]
    try:
        if action == "approve":
            services.commentary_approve(user=request.user, commentary_id=commentary.pk, expected_version=version)
            messages.success(request, _("Commentary approved: %(what)s") % {"what": commentary})
        else:
            services.commentary_return(user=request.user, commentary_id=commentary.pk, expected_version=version,
                                       reason=form.cleaned_data["reason"])
            messages.success(request, _("Commentary returned: %(what)s") % {"what": commentary})
    except VersionConflict:
        messages.error(request, _("Someone else changed this commentary meanwhile; nothing was saved. "
                                  "Review it again."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    return HttpResponseRedirect(request.get_full_path())
