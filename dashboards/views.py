"""Dashboard pages: thin views that read the period, assemble the page's data and render it.

Every page answers `?chart=<key>&export=xlsx|csv` with the table behind that chart
(dashboards.rendering); the data assembly lives in one module per page (city.py, department.py, …).
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from . import city, department
from .map import city_map
from .period import period_from
from .rendering import render_dashboard


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """"/": the city overview for planners and city-wide users, a department's own dashboard otherwise."""
    user = request.user
    if user.department_id and not user.sees_everything:
        return department_dashboard(request, user.department_id)
    return city_dashboard(request)


@login_required
@require_safe
def city_dashboard(request: HttpRequest) -> HttpResponse:
    period, form = period_from(request.GET)
    overview = city.city_overview(user=request.user, period=period)
    return render_dashboard(request, "dashboards/city.html", period=period, form=form, charts=overview.charts,
                            context={"overview": overview,
                                     "mini_map": city_map(user=request.user, period=period, with_points=False)})


@login_required
@require_safe
def department_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = department.department_for(user=request.user, pk=pk)
    period, form = period_from(request.GET)
    overview = department.department_overview(user=request.user, department=unit, period=period)
    return render_dashboard(request, "dashboards/department.html", period=period, form=form,
                            charts=overview.charts, context={"overview": overview})


@login_required
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """/map/: the city map for the period; `?chart=regions|parks|projects&export=xlsx|csv` downloads its tables."""
    period, form = period_from(request.GET)
    located = city_map(user=request.user, period=period)
    return render_dashboard(request, "dashboards/map.html", period=period, form=form, charts=located.charts,
                            context={"located": located})
