"""One way to answer a dashboard request: the page, or the table behind one of its charts.

`?chart=<key>&export=xlsx|csv` downloads exactly the rows the chart draws (and the page's table
shows), for the same user and period; an unknown chart key is a 404, not the page. Two charts draw the
largest rows only and download every row: the city's output by cluster and a cluster's enterprises (their
views build the download's chart with all rows).

The page embeds its charts as the JSON of its /api/v1/dashboards/ endpoint (`dashboard_data`, one
`json_script` block); `api` names that endpoint, which static/js/charts.js fetches when the period
picker changes, redrawing the charts without a reload (the form still submits without JavaScript).
"""
from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.sheets import export_format, table_response

from .api.serializers import dashboard_data
from .charts import Chart
from .period import Period, PeriodForm


def render_dashboard(request: HttpRequest, template: str, *, period: Period, form: PeriodForm,
                     charts: Sequence[Chart], context: dict | None = None, api: str = "") -> HttpResponse:
    if fmt := export_format(request):
        wanted = request.GET.get("chart", "")
        chart = next((c for c in charts if c.key == wanted), None)
        if chart is None:
            raise Http404
        return table_response(chart.table, fmt)
    for chart in charts:
        chart.downloads = {fmt: period.query(chart=chart.key, export=fmt) for fmt in ("xlsx", "csv")}
    return render(request, template, {
        **(context or {}), "period": period, "period_form": form,
        "charts": {chart.key: chart for chart in charts},
        "any_demo": any(chart.demo for chart in charts),
        "dashboard": dashboard_data(period, charts), "dashboard_api": api,
    })
