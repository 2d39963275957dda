"""The park list (with exports). A park's own page, with its charts, is in dashboards (dashboards.views)."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.sheets import Table, export_format, table_response

from . import selectors


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
