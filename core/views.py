"""Small site-wide pages: the favicon redirect, and the history page of any object people edit (with its export)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import access
from .history import history_model, history_page, history_table, object_history
from .sheets import FORMATS, table_response


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin): send them to ours."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def _visible_object(request: HttpRequest, label: str, pk: int):
    model = history_model(label)
    if model is None:
        raise Http404
    obj = model._default_manager.visible_to(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


@login_required
@require_safe
def history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Who changed the object, when, old → new, and why, a page of versions at a time (newest first); for
    anybody who may see the object."""
    obj = _visible_object(request, label, pk)
    back = request.GET.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    page, entries = history_page(obj, request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/history.html", {
        "object": obj, "verbose_name": obj._meta.verbose_name, "history": entries, "page": page,
        "page_query": query.urlencode(), "history_label": label, "history_pk": obj.pk, "back_url": back,
    })


@login_required
@require_safe
def history_export(request: HttpRequest, label: str, pk: int, fmt: str) -> HttpResponse:
    """The history as .xlsx or .csv: planners only (it names every person who changed the object)."""
    if not access.may(request.user, "export-history"):
        raise PermissionDenied(_("Only a planner may export change history."))
    if fmt not in FORMATS:
        raise Http404
    obj = _visible_object(request, label, pk)
    return table_response(history_table(obj, object_history(obj)), fmt)
