"""The investment page (/investment/): a thin view over dashboards.investment."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dashboards.investment import investment_charts
from dashboards.period import period_from
from dashboards.rendering import render_dashboard


@login_required
@require_safe
def investment_dashboard(request: HttpRequest) -> HttpResponse:
    """The project pipeline, key projects and investment received against the year's targets, for the period
    picked; `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    period, form = period_from(request.GET)
    charts, context = investment_charts(user=request.user, period=period)
    context["approved_only_note"] = _("Projects and investment received are recorded without a review step: "
                                      "the page shows them as recorded.")
    return render_dashboard(request, "investment/investment_dashboard.html", period=period, form=form,
                            charts=charts, context=context)
