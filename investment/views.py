"""Investment project pages: the list (with exports), a project's stages, moves and history."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusters.models import Cluster
from core import access
from core.exceptions import VersionConflict
from core.geography import LocationForm
from core.history import object_history
from core.numbers import NumberError, id_in_query
from core.sheets import Table, export_format, table_response

from . import selectors, services
from .choices import ProjectStage
from .forms import PipelineForm, StageMoveForm


def _project_table(projects) -> Table:
    return Table(
        title=_("Investment projects"), filename="projects",
        headers=[_("Project"), _("Key project"), _("Stage"), _("In this stage since"), _("Cluster"), _("Park"),
                 _("Region"), _("Investor"), _("Origin of capital"), _("Planned investment (100 million)"),
                 _("Currency"), _("Capacity"), _("Channel"), _("Expected production start"),
                 _("Annual output at full capacity (100 million yuan)"), _("Ramp-up (quarters)"), _("Demo data")],
        rows=[[p.name, p.is_key, p.get_stage_display(), p.stage_since, str(p.cluster or ""), str(p.park or ""),
               str(p.region or ""), p.investor, p.get_origin_display(), p.planned_amount, p.currency,
               f"{p.capacity} {p.capacity_unit}" if p.capacity is not None else "", p.get_channel_display(),
               f"{p.expected_start_year}Q{p.expected_start_quarter}" if p.expected_start_year else "",
               p.expected_output, p.ramp_up_quarters, p.is_demo or p.pipeline_is_demo] for p in projects],
    )


@login_required
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    try:
        stage = id_in_query(request.GET, "stage")
    except NumberError as error:
        return HttpResponseBadRequest(error.message)
    stage = stage if stage in ProjectStage.values else None
    projects = list(selectors.project_rows(user=request.user, stage=stage))
    if fmt := export_format(request):
        return table_response(_project_table(projects), fmt)
    return render(request, "investment/project_list.html", {
        "projects": projects, "stage": stage, "stages": ProjectStage.choices,
        "export_query": f"stage={stage}" if stage else "",
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the project's stages, moves and history. POST: move it to another stage."""
    project = selectors.project_for_page(user=request.user, pk=pk)
    if project is None:
        raise Http404
    form = _stage_form(project)
    status = 200
    if request.method == "POST":
        form = StageMoveForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.project_advance_stage(user=request.user, project_id=project.pk,
                                               expected_version=data["version"], to_stage=data["to_stage"],
                                               moved_on=data["moved_on"], note=data["note"])
                messages.success(request, _("%(project)s moved to: %(stage)s") % {
                    "project": project, "stage": ProjectStage(data["to_stage"]).label})
                return HttpResponseRedirect(reverse("project-page", args=[project.pk]))
            except VersionConflict as conflict:
                status = 409
                form.add_error(None, _("Someone else moved this project meanwhile (now: %(stage)s); nothing was "
                                       "saved. Check its stage and try again.")
                               % {"stage": conflict.current.get_stage_display()})
                form.data = form.data.copy()
                form.data["version"] = conflict.current.version
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            project = selectors.project_for_page(user=request.user, pk=pk)
    return _page(request, project, form=form, status=status)


def _stage_form(project) -> StageMoveForm:
    return StageMoveForm(initial={"version": project.version, "to_stage": min(project.stage + 1, 5)})


def _clusters(user):
    return Cluster.objects.visible_to(user).order_by("code")


def _page(request, project, *, form, location_form=None, pipeline_form=None, status=200) -> HttpResponse:
    return render(request, "investment/project_detail.html", {
        "pipeline_form": pipeline_form or PipelineForm.of(project, clusters=_clusters(request.user)),
        "ramp_up_default": settings.PIPELINE_RAMP_UP_QUARTERS,
        "project": project, "form": form, "may_edit": access.may(request.user, "edit", project),
        "stages": ProjectStage.choices, "history": object_history(project),
        "history_label": "investment.project", "history_pk": project.pk,
        "location_form": location_form or LocationForm.of(project),
        "location_action": reverse("project-location-page", args=[project.pk]),
    }, status=status)


@login_required
@require_POST
def project_location(request: HttpRequest, pk: int) -> HttpResponse:
    """Save where the project lies (its point on /map/), or clear it."""
    project = selectors.project_for_page(user=request.user, pk=pk)
    if project is None:
        raise Http404
    form = LocationForm(request.POST, prefix="location")
    status = form.save_with(lambda **values: services.project_locate(user=request.user, project_id=project.pk,
                                                                     **values))
    if status:
        project = selectors.project_for_page(user=request.user, pk=pk)
        return _page(request, project, form=_stage_form(project), location_form=form, status=status)
    messages.success(request, _("Location saved: %(project)s") % {"project": project})
    return HttpResponseRedirect(reverse("project-page", args=[project.pk]))


@login_required
@require_POST
def project_pipeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the cluster the project feeds, its expected production start, output at full capacity and ramp-up."""
    project = selectors.project_for_page(user=request.user, pk=pk)
    if project is None:
        raise Http404
    form = PipelineForm(request.POST, prefix="pipeline", clusters=_clusters(request.user))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.project_set_pipeline(
                user=request.user, project_id=project.pk, expected_version=data["seen"], cluster=data["cluster"],
                expected_start_year=data["expected_start_year"], expected_start_quarter=data["expected_start_quarter"],
                expected_output=data["expected_output"], ramp_up_quarters=data["ramp_up_quarters"])
            messages.success(request, _("Expected output saved: %(project)s") % {"project": project})
            return HttpResponseRedirect(reverse("project-page", args=[project.pk]))
        except VersionConflict as conflict:
            status = 409
            form.add_error(None, _("Someone else saved this project meanwhile; nothing was overwritten. Check its "
                                   "values and try again."))
            form.data = form.data.copy()
            form.data[form.add_prefix("seen")] = conflict.current.version
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        project = selectors.project_for_page(user=request.user, pk=pk)
    return _page(request, project, form=_stage_form(project), pipeline_form=form, status=status)
