"""Park pages: the list (with exports), a park's progress and 七通一平 items, each with its history."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusters.views import export_format
from core import access
from core.exceptions import VersionConflict
from core.geography import LocationForm
from dashboards.park import park_charts
from dashboards.period import period_from
from dashboards.rendering import render_dashboard
from entry.history import object_history
from entry.sheets import Table, table_response

from . import selectors, services
from .forms import ParkProgressForm, ReadinessItemForm
from .models import ParkReadinessItem


def _park_table(parks) -> Table:
    return Table(
        title=_("Parks"), filename="parks",
        headers=[_("Park"), _("Region"), _("Competent department"), _("Leading cluster"), _("Current area (km²)"),
                 _("Area target (km²)"), _("Stretch area target (km²)"), _("Standard factory space built (m²)"),
                 _("Factory target, lower (m²)"), _("Factory target, upper (m²)"), _("七通一平 items done"),
                 _("Items overdue"), _("Demo data")],
        rows=[[p.name, str(p.region), str(p.responsible_department), str(p.leading_cluster or ""), p.area_km2,
               p.area_target_km2, p.area_stretch_km2, p.factory_built_m2, p.factory_target_min_m2,
               p.factory_target_max_m2, f"{p.items_done}/{p.items}", p.items_overdue, p.is_demo] for p in parks],
    )


@login_required
@require_safe
def park_list(request: HttpRequest) -> HttpResponse:
    parks = list(selectors.park_rows(user=request.user))
    if fmt := export_format(request):
        return table_response(_park_table(parks), fmt)
    return render(request, "parks/park_list.html", {"parks": parks})


def _item_form(item: ParkReadinessItem) -> ReadinessItemForm:
    return ReadinessItemForm(initial={"status": item.status, "completed_on": item.completed_on, "note": item.note,
                                      "seen": item.updated_at.isoformat()})


def _page(request, park, *, form=None, item_forms=None, location_form=None, status=200) -> HttpResponse:
    """The park page: progress form, 七通一平 items, charts for the period picked (dashboards.park), history.
    `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    may_edit = access.can_edit(request.user, park)
    item_forms = item_forms or {}
    items = [(item, item_forms.get(item.pk) or _item_form(item)) for item in park.readiness_items.all()]
    period, period_form = period_from(request.GET)
    charts, context = park_charts(user=request.user, park=park, period=period, today=timezone.localdate())
    response = render_dashboard(request, "parks/park_detail.html", period=period, form=period_form, charts=charts,
                                context={
        **context, "park": park, "may_edit": may_edit, "items": items, "history": object_history(park),
        "history_label": "parks.park", "history_pk": park.pk,
        "location_form": location_form or LocationForm.of(park),
        "location_action": reverse("park-location-page", args=[park.pk]),
        "approved_only_note": _("Park values are recorded directly, without review: the page shows them as recorded."),
        "form": form or ParkProgressForm(initial={"area_km2": park.area_km2, "factory_built_m2": park.factory_built_m2,
                                                  "seen": park.updated_at.isoformat()}),
    })
    response.status_code = status if response.status_code == 200 else response.status_code
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def park_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the park's progress, its items and history. POST: save area and factory space."""
    park = selectors.park_for_page(user=request.user, pk=pk)
    if park is None:
        raise Http404
    if request.method != "POST":
        return _page(request, park)
    form = ParkProgressForm(request.POST)
    if not form.is_valid():
        return _page(request, park, form=form, status=400)
    try:
        services.park_update(user=request.user, park_id=park.pk, expected_updated_at=form.cleaned_data["seen"],
                             area_km2=form.cleaned_data["area_km2"],
                             factory_built_m2=form.cleaned_data["factory_built_m2"])
    except VersionConflict as conflict:
        form.add_error(None, _("Someone else saved this park meanwhile (area %(area)s km², factory space "
                               "%(space)s m²); nothing was overwritten. Check the values and save again.")
                       % {"area": conflict.current.area_km2, "space": conflict.current.factory_built_m2})
        park = selectors.park_for_page(user=request.user, pk=pk)
        form.data = form.data.copy()
        form.data["seen"] = park.updated_at.isoformat()
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
    park = selectors.park_for_page(user=request.user, pk=pk)
    if park is None:
        raise Http404
    form = LocationForm(request.POST, prefix="location")
    status = form.save_with(lambda **values: services.park_locate(user=request.user, park_id=park.pk, **values))
    if status:
        return _page(request, selectors.park_for_page(user=request.user, pk=pk), location_form=form, status=status)
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
            item = services.readiness_item_update(
                user=request.user, item_id=item.pk, expected_updated_at=form.cleaned_data["seen"],
                status=form.cleaned_data["status"], completed_on=form.cleaned_data["completed_on"],
                note=form.cleaned_data["note"])
            form = None
        except VersionConflict as conflict:
            status = 409
            current = conflict.current
            form.add_error(None, _("Someone else saved this item meanwhile (now: %(status)s); nothing was "
                                   "overwritten.") % {"status": current.get_status_display()})
            form.data = form.data.copy()
            form.data["seen"] = current.updated_at.isoformat()
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
        park = selectors.park_for_page(user=request.user, pk=item.park_id)
        return _page(request, park, item_forms={item.pk: form}, status=status)
    item = ParkReadinessItem.objects.get(pk=item.pk)
    selectors.mark_item(item, timezone.localdate())
    form = form or _item_form(item)
    # htmx swaps only 2xx answers: the row comes back with 200 and shows its own errors.
    return render(request, "parks/_item_row.html", {"item": item, "item_form": form, "may_edit": True,
                                                    "saved": status == 200})
