"""The cluster page (/clusters/<pk>/): a thin view over dashboards.cluster; 404 for a cluster the user may not see."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from dashboards.cluster import cluster_charts, cluster_for_page
from dashboards.period import period_from
from dashboards.rendering import render_dashboard
from entry.history import object_history


@login_required
@require_safe
def cluster_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A cluster's quarters, annual output against its stage targets and projection, enterprises,
    platforms and history, for the period picked; `?chart=<key>&export=xlsx|csv` downloads a chart's data."""
    cluster = cluster_for_page(user=request.user, pk=pk)
    if cluster is None:
        raise Http404
    period, form = period_from(request.GET)
    charts, context = cluster_charts(user=request.user, cluster=cluster, period=period)
    if not request.GET.get("export"):
        context.update(history=object_history(cluster), history_label="clusters.cluster", history_pk=cluster.pk)
    return render_dashboard(request, "clusters/cluster_page.html", period=period, form=form, charts=charts,
                            context={**context, "cluster": cluster})
