"""The whole URLconf as a list of endpoints, and a way to fill each one's parameters with real rows.

`endpoints()` walks `django.urls.get_resolver()` recursively, so a URL added later (a new app, a new page)
is swept without anybody touching these tests. `Filler.paths()` turns an endpoint into concrete paths,
once with the department's own rows and once with another department's; a parameter it does not know
is reported by `Filler.unknown`, and the sweep fails naming the pattern: add it to `MODEL_FOR_URL_NAME`
or `VALUES_FOR_PARAMETER` below.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# Page URLs whose <pk> is a row of this model (API viewsets and admin pages say it themselves).
MODEL_FOR_URL_NAME = {
    "figure-page": "clusters.quarterlyfigure",
    "figure-approve-page": "clusters.quarterlyfigure",
    "figure-return-page": "clusters.quarterlyfigure",
    "figure-reopen-page": "clusters.quarterlyfigure",
    "figure-resolve-ytd-page": "clusters.quarterlyfigure",
    "park-page": "parks.park",
    "park-location-page": "parks.park",
    "project-location-page": "investment.project",
    "project-pipeline-page": "investment.project",
    "dashboard-cluster": "clusters.cluster",
    "dashboard-department": "org.department",
    "dashboard-park": "parks.park",
    "readiness-item-page": "parks.parkreadinessitem",
    "project-page": "investment.project",
    "cluster-page": "clusters.cluster",
    "commentary-edit": "clusters.cluster",
    "department-dashboard": "org.department",
    "cluster-dashboard": "clusters.cluster",
    "park-dashboard": "parks.park",
    "region-dashboard": "org.region",
    "admin:auth_user_password_change": "org.user",
    "disbursement-edit-page": "funds.disbursement",
    "disbursement-cancel-page": "funds.disbursement",
    "matching-fund-edit-page": "funds.matchingfund",
    "matching-fund-cancel-page": "funds.matchingfund",
    "chat-channel-edit": "chat.channel",
    "chat-channel-delete": "chat.channel",
    "chat-channel-test": "chat.channel",
    "scenario-page": "scenarios.scenario",
    "scenario-edit-page": "scenarios.scenario",
    "scenario-archive-page": "scenarios.scenario",
}


def _admin_app_labels() -> list[str]:
    from django.contrib import admin

    return sorted({model._meta.app_label for model in admin.site._registry})


# Parameters that are not a row: every value is tried.
VALUES_FOR_PARAMETER: dict[str, Callable[[], list[object]]] = {
    "fmt": lambda: ["csv", "xlsx"],
    "app_label": _admin_app_labels,
}
# Catch-all patterns (by name, or by route when unnamed): a path that they, and nothing before them, match.
CATCH_ALL_PATHS = {
    "api-not-found": "/api/v1/no-such-endpoint/",
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
}

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^()]*\)|\((?!\?)[^()]*\)")
_REGEX_LEFTOVER = re.compile(r"[\^$*+?()\[\]{}|]")


@dataclass(frozen=True)
class Endpoint:
    segments: tuple[object, ...]  # the pattern of every resolver on the way, then the URLPattern's own
    name: str | None  # with its namespace, e.g. "admin:org_user_change"
    callback: Callable

    @property
    def route(self) -> str:
        return "".join(str(segment) for segment in self.segments)

    @property
    def label(self) -> str:
        return f"{self.route} [{self.name}]"

    @property
    def parameters(self) -> list[str]:
        """Every parameter in order; a regex's unnamed groups are `#0`, `#1`, ..."""
        names: list[str] = []
        unnamed = 0
        for segment in self.segments:
            if isinstance(segment, RoutePattern):
                names += [m["name"] for m in _ROUTE_PARAMETER.finditer(segment._route)]
            elif isinstance(segment, RegexPattern):
                for match in _REGEX_GROUP.finditer(segment._regex):
                    if match["name"]:
                        names.append(match["name"])
                    else:
                        names.append(f"#{unnamed}")
                        unnamed += 1
        return names

    def build(self, values: dict[str, object]) -> str | None:
        """The path with `values` filled in, or None when the pattern is a regex no value can build."""
        if (self.name or self.route) in CATCH_ALL_PATHS:
            return CATCH_ALL_PATHS[self.name or self.route]
        parts: list[str] = []
        unnamed = iter(range(100))
        for segment in self.segments:
            if isinstance(segment, RoutePattern):
                parts.append(_ROUTE_PARAMETER.sub(lambda m: str(values[m["name"]]), segment._route))
            elif isinstance(segment, RegexPattern):
                text = _REGEX_GROUP.sub(
                    lambda m: str(values[m["name"] or f"#{next(unnamed)}"]), segment._regex)
                text = text.removeprefix("^").removesuffix("$").replace("\\", "")
                if _REGEX_LEFTOVER.search(text):
                    return None
                parts.append(text)
            else:
                return None
        return "/" + "".join(parts)

    @property
    def is_api(self) -> bool:
        return hasattr(self.callback, "cls")

    @property
    def is_admin(self) -> bool:
        return bool(self.name and self.name.startswith("admin:")) or self.route.startswith("admin/")


def endpoints(resolver: URLResolver | None = None, segments: tuple = (), namespace: str = "") -> Iterator[Endpoint]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from endpoints(entry, (*segments, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Endpoint((*segments, entry.pattern), name, entry.callback)


def model_of(endpoint: Endpoint) -> type[models.Model] | None:
    """The model whose id a `pk` / `object_id` / `id` parameter takes."""
    if endpoint.name in MODEL_FOR_URL_NAME:
        return apps.get_model(MODEL_FOR_URL_NAME[endpoint.name])
    view_class = getattr(endpoint.callback, "cls", None)  # DRF
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        return queryset.model
    model_admin = getattr(endpoint.callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    if endpoint.name and endpoint.name.endswith("_simple_history"):  # simple_history's admin record page
        for model in apps.get_models():
            if endpoint.name == f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history":
                return model
    return None


@dataclass
class Filler:
    """Concrete paths for endpoints: `own(model)` and `foreign(model)` give the rows to use."""

    own: Callable[[type[models.Model]], models.Model | None]
    foreign: Callable[[type[models.Model]], models.Model | None]
    history_labels: tuple[str, ...]
    unknown: list[str] = field(default_factory=list)

    def paths(self, endpoint: Endpoint, side: str) -> list[str]:
        """Paths for `side` ("own" or "foreign"); [] when the endpoint has no row of that side to point at.

        An endpoint without parameters gives its one path for side "own" and none for "foreign".
        """
        parameters = [] if (endpoint.name or endpoint.route) in CATCH_ALL_PATHS else endpoint.parameters
        pick = self.own if side == "own" else self.foreign
        if not parameters:
            path = endpoint.build({})
            if path is None:
                self.unknown.append(endpoint.label)
                return []
            return [path] if side == "own" else []
        combos: list[dict[str, object]] = [{}]
        handled: set[str] = set()
        if "label" in parameters:  # the history pages: every model they serve
            combos = []
            for label in self.history_labels:
                obj = pick(apps.get_model(label))
                if obj is not None:
                    combos.append({"label": label, "pk": obj.pk})
            handled = {"label", "pk"}
        elif "content_type_id" in parameters:  # the admin's "view on site"
            obj = pick(apps.get_model("clusters.cluster"))
            combos = [{"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": obj.pk}]
            handled = {"content_type_id", "object_id"}
        model = model_of(endpoint)
        for parameter in parameters:
            if parameter in handled:
                continue
            if parameter in ("pk", "object_id", "id", "#0"):
                obj = pick(model) if model is not None else None
                if model is None:
                    self.unknown.append(f"{endpoint.label}: no model known for '{parameter}'")
                    return []
                if obj is None:
                    return []
                combos = [{**c, parameter: obj.pk} for c in combos]
            elif parameter == "#1" and endpoint.name and endpoint.name.endswith("_simple_history"):
                record = model.history.filter(id=combos[0]["#0"]).order_by("-history_id").first()
                if record is None:
                    return []
                combos = [{**c, "#1": record.history_id} for c in combos]
            elif parameter in VALUES_FOR_PARAMETER:
                combos = [{**c, parameter: value} for c in combos for value in VALUES_FOR_PARAMETER[parameter]()]
            else:
                self.unknown.append(f"{endpoint.label}: cannot fill parameter '{parameter}'")
                return []
        if side == "foreign" and not ({"pk", "object_id", "id", "#0", "label"} & set(parameters)):
            return []  # no row in the address: nothing of another department's to ask for
        paths = [endpoint.build(values) for values in combos]
        if any(path is None for path in paths):
            self.unknown.append(f"{endpoint.label}: cannot build a path")
            return []
        return paths  # type: ignore[return-value]
