"""Cluster pages: thin views over selectors."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.cluster_overview(user=request.user)
    return render(request, "clusters/cluster_list.html", {"rows": rows})
