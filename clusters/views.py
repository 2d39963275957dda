"""Cluster pages: thin views over selectors and services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import VersionConflict

from . import selectors, services
from .forms import ReviewForm
from .models import QuarterlyFigure


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.cluster_overview(user=request.user)
    return render(request, "clusters/cluster_list.html", {"rows": rows})


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


@login_required
@require_POST
def figure_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve or return (reopen) a figure: planners only, through the services."""
    figure = get_object_or_404(QuarterlyFigure.objects.visible_to(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    version = form.cleaned_data["version"]
    try:
        if action == "approve":
            services.figure_approve(user=request.user, figure_id=figure.pk, expected_version=version)
            messages.success(request, _("Figure approved: %(figure)s") % {"figure": figure})
        else:
            services.figure_return(user=request.user, figure_id=figure.pk, expected_version=version,
                                   reason=form.cleaned_data["reason"])
            messages.success(request, _("Figure returned: %(figure)s") % {"figure": figure})
    except VersionConflict:
        messages.error(request, _("Someone else changed this figure meanwhile; nothing was saved. Review it again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request)
