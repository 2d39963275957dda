"""OpenAPI links of the figure workflow: which answer feeds which next request.

A client (or schemathesis's stateful run) reading the schema learns the path of a figure: a cluster
from the list → a new draft → changed → submitted → approved or returned, each step sending the id
and the `version` the previous answer gave. Added by a drf-spectacular post-processing hook, because
drf-spectacular has no decorator for response links.
"""
from typing import Any

_ID = {"id": "$response.body#/id"}
_VERSION = {"version": "$response.body#/version"}


def _to(operation_id: str, description: str, **link: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "description": description, **link}


def _next_steps(*steps: str) -> dict[str, dict[str, Any]]:
    described = {
        "FigureChange": ("figures_partial_update", "Change the values, sending the version just read."),
        "FigureSubmit": ("figures_submit", "Submit it for review, sending the version just read."),
        "FigureApprove": ("figures_approve", "A planner approves it, sending the version just read."),
        "FigureReturn": ("figures_return", "A planner returns (or reopens) it, sending the version just read."),
    }
    return {name: _to(described[name][0], described[name][1], parameters=_ID, requestBody=_VERSION)
            for name in steps}


LINKS: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {
    ("/api/v1/clusters/", "get", "200"): {"FigureForFirstCluster": _to(
        "figures_create", "Enter a figure for the first cluster listed.",
        requestBody={"cluster": "$response.body#/results/0/id"})},
    ("/api/v1/clusters/{id}/", "get", "200"): {"FigureForCluster": _to(
        "figures_create", "Enter a figure for this cluster.", requestBody={"cluster": "$response.body#/id"})},
    ("/api/v1/figures/", "post", "201"): _next_steps("FigureChange", "FigureSubmit"),
    ("/api/v1/figures/{id}/", "patch", "200"): _next_steps("FigureChange", "FigureSubmit"),
    ("/api/v1/figures/{id}/submit/", "post", "200"): _next_steps("FigureApprove", "FigureReturn"),
    ("/api/v1/figures/{id}/approve/", "post", "200"): _next_steps("FigureReturn"),
    ("/api/v1/figures/{id}/return/", "post", "200"): _next_steps("FigureChange", "FigureSubmit"),
}


def add_figure_links(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    for (path, method, status), links in LINKS.items():
        response = result.get("paths", {}).get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is not None:
            response["links"] = links
    return result
