"""Every page with charts, and the cluster list beside them: thin views that read the period, assemble the
page's data and render it.

Every chart page answers `?chart=<key>&export=xlsx|csv` with the table behind that chart
(dashboards.rendering); the data assembly lives in one module per page (city.py, department.py, cluster.py,
park.py, investment.py, assessment.py). Writes the park page offers go through `parks.services`.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusters.models import StageGoal
from commentary import selectors as commentary_selectors
from core import access
from core.exceptions import VersionConflict
from core.geography import LocationForm
from core.history import object_history
from core.periods import Quarter
from core.sheets import Table, export_format, table_response
from investment.choices import ProjectStage
from parks import selectors as park_selectors
from parks import services as park_services
from parks.forms import ParkProgressForm, ReadinessItemForm
from parks.models import ParkReadinessItem
from progress.goals import evaluate_goals, goal_inputs
from progress.ranking import park_records_since, quarter_end
from progress.selectors import latest_period

from . import city, department
from .assessment import assessment_charts
from .cluster import cluster_charts, cluster_for_page
from .investment import investment_charts
from .map import city_map
from .park import park_charts
from .period import YearForm, period_from
from .rendering import render_dashboard
from .selectors import ClusterRow, cluster_overview
from .whatif import WhatIfForm, flips


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """"/": the city overview for planners and city-wide users, a department's own dashboard otherwise."""
    user = request.user
    if user.department_id and not access.may(user, "view-all"):
        return department_dashboard(request, user.department_id)
    return city_dashboard(request)


@login_required
@require_safe
def city_dashboard(request: HttpRequest) -> HttpResponse:
    period, form = period_from(request.GET)
    if export_format(request):  # a chart's download: its every row, without the rest of the overview
        return render_dashboard(request, "dashboards/city.html", period=period, form=form,
                                charts=city.city_charts(user=request.user, period=period, every_cluster=True))
    overview = city.city_overview(user=request.user, period=period)
    return render_dashboard(request, "dashboards/city.html", period=period, form=form, charts=overview.charts,
                            api=reverse("dashboard-city"), context={"overview": overview,
                                     "mini_map": city_map(user=request.user, period=period, with_points=False)})


@login_required
@require_safe
def department_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = department.department_for(user=request.user, pk=pk)
    period, form = period_from(request.GET)
    overview = department.department_overview(user=request.user, department=unit, period=period,
                                              page=request.GET.get("page", 1), chart=request.GET.get("chart", ""))
    return render_dashboard(request, "dashboards/department.html", period=period, form=form,
                            charts=overview.charts, context={"overview": overview, "picker_page": overview.chart_page},
                            api=reverse("dashboard-department", args=[unit.pk]))


@login_required
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """/map/: the city map for the period; `?chart=regions|parks|projects&export=xlsx|csv` downloads its tables."""
    period, form = period_from(request.GET)
    located = city_map(user=request.user, period=period, every_cluster=bool(export_format(request)))
    return render_dashboard(request, "dashboards/map.html", period=period, form=form, charts=located.charts,
                            context={"located": located})


# --- the clusters ---------------------------------------------------------------------------------

def _cluster_table(rows: list[ClusterRow]) -> Table:
    return Table(
        title=_("Industrial clusters"), filename="clusters",
        headers=[_("Cluster"), _("Name (English)"), _("Level"), _("Regions"), _("Responsible department"),
                 _("Latest approved quarter"), _("Output value (100 million yuan)"), _("Demo data"),
                 _("Roll-up pending"), _("Stage targets")],
        rows=[[
            row.cluster.name_zh, row.cluster.name_en, row.cluster.get_level_display(),
            "、".join(str(r) for r in row.cluster.regions.all()), str(row.cluster.responsible_department),
            _("Q%(quarter)s %(year)s") % {"year": row.latest.year, "quarter": row.latest.quarter} if row.latest else "",
            row.latest.value if row.latest else None, bool(row.latest and row.latest.demo_units), row.pending,
            "；".join(goal.description_zh for goal in row.cluster.goals.all()),
        ] for row in rows],
    )


@login_required
@require_safe
def cluster_list(request: HttpRequest) -> HttpResponse:
    """The clusters the user may see, a page at a time; `?export=xlsx|csv` downloads all of them."""
    if fmt := export_format(request):
        return table_response(_cluster_table(cluster_overview(user=request.user)[0]), fmt)
    rows, page = cluster_overview(user=request.user, page=request.GET.get("page", 1))
    return render(request, "dashboards/cluster_list.html", {"rows": rows, "page": page})


@login_required
@require_safe
def cluster_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A cluster's quarters, annual output against its stage targets and projection, enterprises,
    platforms and history, for the period picked; `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    cluster = cluster_for_page(user=request.user, pk=pk)
    if cluster is None:
        raise Http404
    period, form = period_from(request.GET)
    exporting = bool(export_format(request))
    charts, context = cluster_charts(user=request.user, cluster=cluster, period=period, every_enterprise=exporting)
    if not exporting:
        context.update(history=object_history(cluster), history_label="clusters.cluster", history_pk=cluster.pk,
                       commentary=commentary_selectors.commentary_of(user=request.user, cluster=cluster,
                                                                     quarter=period.as_quarter, remarks=False))
    return render_dashboard(request, "dashboards/cluster.html", period=period, form=form, charts=charts,
                            context={**context, "cluster": cluster}, api=reverse("dashboard-cluster", args=[pk]))


# --- a park ------------------------------------------------------------------------------------------

def _item_form(item: ParkReadinessItem) -> ReadinessItemForm:
    return ReadinessItemForm(initial={"status": item.status, "completed_on": item.completed_on, "note": item.note,
                                      "seen": item.version})


def _page(request, park, *, form=None, item_forms=None, location_form=None, status=200) -> HttpResponse:
    """The park page: progress form, 七通一平 items, charts for the period picked (dashboards.park), history.
    `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    may_edit = access.may(request.user, "edit", park)
    item_forms = item_forms or {}
    items = [(item, item_forms.get(item.pk) or _item_form(item)) for item in park.readiness_items.all()]
    period, period_form = period_from(request.GET)
    charts, context = park_charts(user=request.user, park=park, period=period, today=timezone.localdate())
    response = render_dashboard(request, "dashboards/park.html", period=period, form=period_form, charts=charts,
                                api=reverse("dashboard-park", args=[park.pk]), context={
        **context, "park": park, "may_edit": may_edit, "items": items, "history": object_history(park),
        "history_label": "parks.park", "history_pk": park.pk,
        "location_form": location_form or LocationForm.of(park),
        "location_action": reverse("park-location-page", args=[park.pk]),
        "approved_only_note": _("Park values are recorded directly, without review: the page shows them as recorded."),
        "form": form or ParkProgressForm(initial={"area_km2": park.area_km2, "factory_built_m2": park.factory_built_m2,
                                                  "seen": park.version}),
    })
    response.status_code = status if response.status_code == 200 else response.status_code
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def park_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the park's progress, its items and history. POST: save area and factory space."""
    park = park_selectors.park_for_page(user=request.user, pk=pk)
    if park is None:
        raise Http404
    if request.method != "POST":
        return _page(request, park)
    form = ParkProgressForm(request.POST)
    if not form.is_valid():
        return _page(request, park, form=form, status=400)
    try:
        park_services.park_update(user=request.user, park_id=park.pk, expected_version=form.cleaned_data["seen"],
                             area_km2=form.cleaned_data["area_km2"],
                             factory_built_m2=form.cleaned_data["factory_built_m2"])
    except VersionConflict as conflict:
        form.add_error(None, _("Someone else saved this park meanwhile (area %(area)s km², factory space "
                               "%(space)s m²); nothing was overwritten. Check the values and save again.")
                       % {"area": conflict.current.area_km2, "space": conflict.current.factory_built_m2})
        park = park_selectors.park_for_page(user=request.user, pk=pk)
        form.data = form.data.copy()
        form.data["seen"] = park.version
        return _page(request, park, form=form, status=409)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return _page(request, park, form=form, status=400)
    messages.success(request, _("Park saved: %(park)s") % {"park": park})
    return HttpResponseRedirect(reverse("park-page", args=[park.pk]))


@login_required
@require_POST
def park_location(request: HttpRequest, pk: int) -> HttpResponse:
    """Save where the park lies (its point on /map/), or clear it."""
    park = park_selectors.park_for_page(user=request.user, pk=pk)
    if park is None:
        raise Http404
    form = LocationForm(request.POST, prefix="location")
    status = form.save_with(lambda **values: park_services.park_locate(user=request.user, park_id=park.pk, **values))
    if status:
        return _page(request, park_selectors.park_for_page(user=request.user, pk=pk), location_form=form,
                     status=status)
    messages.success(request, _("Location saved: %(park)s") % {"park": park})
    return HttpResponseRedirect(reverse("park-page", args=[park.pk]))


@login_required
@require_POST
def readiness_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one 七通一平 item. With htmx, answers with the item's row; otherwise with the park page."""
    item = ParkReadinessItem.objects.visible_to(request.user).select_related("park").filter(pk=pk).first()
    if item is None:
        raise Http404
    form = ReadinessItemForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            item = park_services.readiness_item_update(
                user=request.user, item_id=item.pk, expected_version=form.cleaned_data["seen"],
                status=form.cleaned_data["status"], completed_on=form.cleaned_data["completed_on"],
                note=form.cleaned_data["note"])
            form = None
        except VersionConflict as conflict:
            status = 409
            current = conflict.current
            form.add_error(None, _("Someone else saved this item meanwhile (now: %(status)s); nothing was "
                                   "overwritten.") % {"status": current.get_status_display()})
            form.data = form.data.copy()
            form.data["seen"] = current.version
        except ValidationError as error:
            status = 400
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
    else:
        status = 400
    if not request.htmx:
        if form is None:
            messages.success(request, _("Saved: %(item)s") % {"item": item})
            return HttpResponseRedirect(reverse("park-page", args=[item.park_id]))
        park = park_selectors.park_for_page(user=request.user, pk=item.park_id)
        return _page(request, park, item_forms={item.pk: form}, status=status)
    item = ParkReadinessItem.objects.get(pk=item.pk)
    park_selectors.mark_item(item, timezone.localdate())
    form = form or _item_form(item)
    # htmx swaps only 2xx answers: the row comes back with 200 and shows its own errors.
    return render(request, "dashboards/_park_item_row.html", {"item": item, "item_form": form, "may_edit": True,
                                                    "saved": status == 200})


# --- investment, goals, ranking -------------------------------------------------------------------

@login_required
@require_safe
def investment_dashboard(request: HttpRequest) -> HttpResponse:
    """The project pipeline, key projects and investment received against the year's targets, for the period
    picked; `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    period, form = period_from(request.GET)
    charts, context = investment_charts(user=request.user, period=period)
    context["approved_only_note"] = _("Projects and investment received are recorded without a review step: "
                                      "the page shows them as recorded.")
    return render_dashboard(request, "dashboards/investment.html", period=period, form=form,
                            charts=charts, context=context, api=reverse("dashboard-investment"))


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    """Every stage goal the user may see, evaluated for a year, with its projection and the method; for planners,
    a what-if panel (`?whatif-…`) showing which goals change status under other assumptions (nothing saved)."""
    form = YearForm(request.GET)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or latest_period()[0]
    goals = list(StageGoal.objects.visible_to(request.user).select_related("cluster")
                 .order_by("stage", "kind", "code"))
    inputs = goal_inputs()
    evaluations = evaluate_goals(year=year, goals=goals, inputs=inputs)
    margin_points = f"{(settings.GOAL_AT_RISK_MARGIN * 100).normalize():f}"
    # 原因及措施 beside each goal at risk or off track: the latest written up to the year's last quarter.
    at_risk = [e.goal.pk for e in evaluations if e.status in commentary_selectors.NEEDS_REMARK]
    remarks = commentary_selectors.remarks_for_goals(user=request.user, goal_ids=at_risk, quarter=Quarter(year, 4))
    context = {"form": form, "year": year, "evaluations": evaluations, "margin_points": margin_points,
               "remarks": remarks, "pipeline_stage": ProjectStage(settings.PIPELINE_FROM_STAGE).label,
               "pipeline_ramp": settings.PIPELINE_RAMP_UP_QUARTERS}
    if access.may(request.user, "manage-plan"):
        asked = "whatif-run" in request.GET
        what_if_form = WhatIfForm(request.GET if asked else None, prefix="whatif", user=request.user)
        context["what_if_form"] = what_if_form
        if asked and what_if_form.is_valid():
            assumed = evaluate_goals(year=year, goals=goals, inputs=inputs, what_if=what_if_form.what_if())
            context["flips"] = flips(evaluations, assumed)
    return render(request, "dashboards/goals.html", context)


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """The assessment ranking (考核评比) of regions and departments for a chosen quarter, as charts of the score's
    parts and as tables, with the method; `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    period, form = period_from(request.GET)
    charts, context = assessment_charts(period=period)
    since = park_records_since()
    context.update(year=period.year, quarter=period.quarter, park_records_since=since,
                   parks_unrecorded=since is None or since > quarter_end(period.year, period.quarter),
                   approved_only_note=_("The assessment uses approved figures only."))
    return render_dashboard(request, "dashboards/ranking.html", period=period, form=form, charts=charts,
                            context=context, api=reverse("dashboard-ranking"))
