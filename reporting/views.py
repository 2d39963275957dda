"""Cluster and figure pages: thin views over selectors and services.

Every page reads through `clusters.selectors` and `clusters.review` (scoped by the permission layer) and writes through
`clusters.services`; a list page given `?export=xlsx` or `?export=csv` downloads exactly the rows it
shows. Forms post normally, so everything works without JavaScript; with htmx, the quarter picker,
the row check and the review buttons update the page in place.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusters import review, selectors, services
from clusters.choices import FigureStatus
from clusters.completeness import Standing, completeness
from clusters.models import QuarterlyFigure
from clusters.reporting_period import reporting_period
from clusters.services import EntryInput, EntryMode, EntryRejected, parse_output
from commentary import selectors as commentary_selectors
from core import access
from core.exceptions import StaleFigures, VersionConflict
from core.history import history_page
from core.numbers import NumberError, parse_id
from core.periods import Quarter
from core.sheets import XLSX_TYPE, attachment, export_format, table_response
from notices.inbox import InboxContext, Kind, inbox_count
from org.models import User

from . import exports, imports
from .forms import (
    BatchApproveForm,
    CompletenessFilterForm,
    QuarterForm,
    ReopenForm,
    ResolveYtdForm,
    ReviewForm,
    UploadForm,
    entries_from_post,
)


def _require_writer(request: HttpRequest) -> None:
    if not access.may(request.user, "edit", QuarterlyFigure):
        raise PermissionDenied(_("Your role may not enter figures."))


def _require_planner(request: HttpRequest) -> None:
    if not access.may(request.user, "review", QuarterlyFigure):
        raise PermissionDenied(_("Only a planner may review figures."))


# --- the reporting period, shown and carried on every reporting screen -------------------------------

class PeriodBar:
    """What every reporting screen shows above its content: the user's reporting period (the quarter the
    screens open at; read when first asked for, so an export of a named quarter does not pay for it), the
    quarter shown (None: all quarters) and what was wrong with the one asked for. `query` carries the
    quarter shown to the other reporting screens (their links in the menu)."""

    def __init__(self, user: User, shown: Quarter | None, problems: list[str] | None = None,
                 period: Quarter | None = None) -> None:
        self.user, self.shown, self.problems = user, shown, problems or []
        if period is not None:
            self.period = period

    @cached_property
    def period(self) -> Quarter:
        return reporting_period(user=self.user)

    @property
    def query(self) -> str:
        shown = self.shown or self.period
        return urlencode({"year": shown.year, "quarter": shown.quarter})


def _quarter_form(request: HttpRequest, data: QueryDict | None = None) -> tuple[QuarterForm, PeriodBar]:
    """The quarter a reporting screen shows: the one in the query string (or `data`), else the user's
    reporting period."""
    bar = PeriodBar(request.user, None)
    form = QuarterForm.from_query(request.GET if data is None else data, default=lambda: bar.period)
    bar.shown, bar.problems = form.period, form.problems
    return form, bar


# --- the quarterly entry screen ---------------------------------------------------------------------

def _entry_url(quarter, mode: str, filters: selectors.GridFilter = selectors.NO_FILTER, page: str = "") -> str:
    return f"{reverse('figure-entry')}?{_entry_query(quarter, mode, filters, page)}"


def _entry_query(quarter, mode: str, filters: selectors.GridFilter, page: str = "") -> str:
    """The entry screen's query string: the quarter and mode, then only the filters (and page) that are set."""
    query = {"year": quarter.year, "quarter": quarter.quarter, "mode": mode, "cluster": filters.cluster or "",
             "status": filters.status, "q": filters.search, "page": page}
    return urlencode({name: value for name, value in query.items() if value != ""})


def _grid_filter(data: QueryDict) -> selectors.GridFilter:
    """The entry screen's filters from the query string (or a saved page's hidden fields): `cluster` (an id),
    `status` (a figure status or "missing") and `q` (a name); one that is not understood is ignored."""
    try:
        cluster = parse_id(data["cluster"]) if data.get("cluster", "").strip() else None
    except NumberError:
        cluster = None
    status = data.get("status", "")
    if status not in (*FigureStatus.values, selectors.MISSING):
        status = ""
    return selectors.GridFilter(cluster=cluster, status=status, search=data.get("q", "").strip()[:80])


def _render_grid(request: HttpRequest, form: QuarterForm, grid: selectors.Grid | selectors.ClusterOverview, *,
                 errors=(), status=200, period_bar: PeriodBar | None = None):
    """The entry screen: a page of the grid, or the clusters first (`selectors.entry_screen`)."""
    filters = getattr(grid, "filters", selectors.NO_FILTER)
    rows = getattr(grid, "rows", [])
    return render(request, "reporting/figure_entry.html", {
        "form": form, "grid": grid, "errors": errors, "quarter_over": grid.quarter.is_over(),
        "overview": isinstance(grid, selectors.ClusterOverview), "filters": filters,
        "statuses": [*FigureStatus.choices, (selectors.MISSING, _("not entered"))],
        "period_bar": period_bar or PeriodBar(request.user, grid.quarter),
        "has_errors": bool(errors) or any(row.errors for row in rows),
        "ytd": grid.mode == EntryMode.YTD, "export_query": _entry_query(grid.quarter, grid.mode, filters),
        "quarter_query": _entry_query(grid.quarter, grid.mode, selectors.NO_FILTER),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def figure_entry(request: HttpRequest) -> HttpResponse:
    """GET: a page of the grid of a quarter, or its clusters first (`?cluster=` opens one), or the export of
    every row the filters select. POST: save the page as drafts, or submit it."""
    if request.method == "POST":
        return _entry_save(request)
    form, bar = _quarter_form(request)
    filters = _grid_filter(request.GET)
    if fmt := export_format(request):
        rows = selectors.all_grid_rows(user=request.user, quarter=form.period, mode=form.entry_mode, filters=filters)
        return table_response(exports.grid_table(form.period, form.entry_mode, rows), fmt)
    screen = selectors.entry_screen(user=request.user, quarter=form.period, mode=form.entry_mode, filters=filters,
                                    page=request.GET.get("page", 1))
    return _render_grid(request, form, screen, period_bar=bar)


def _compare_typed(row: selectors.GridRow, text: str) -> str | None:
    """Set the row's year-on-year change and outlier mark from what the user typed, not from what is stored
    (nothing typed or not a number: neither). Returns the typed value's problem, if any."""
    typed, problem = parse_output(text) if text.strip() else (None, None)
    row.change = services.change_on(typed, row.last_year.value) if typed is not None else None
    row.outlier = typed is not None and services.is_outlier(row.own_value(typed), row.last_year_own)
    return problem


def _with_typed(grid: selectors.Grid, entries: list[EntryInput], errors: dict[str, list[str]]) -> selectors.Grid:
    """Show the screen again as the user typed it, each row with its own errors and with every derived column
    (change, outlier warning) computed from the typed value."""
    typed = {e.unit: e for e in entries}
    for row in grid.rows:
        if row.key in typed:
            entry = typed[row.key]
            row.typed, row.typed_note = entry.value, entry.note
            row.typed_extras = {f.name: entry.typed_extra(f.name) for f in services.EXTRA_FIELDS
                                if entry.typed_extra(f.name) is not None}
            if row.editable:
                _compare_typed(row, entry.value)
        row.errors = errors.get(row.key, [])
    return grid


def _entry_save(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = QuarterForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    try:
        entries = entries_from_post(request.POST)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    submit = request.POST.get("action") == "submit"
    filters, page = _grid_filter(request.POST), request.POST.get("page", "")
    try:
        result = services.figures_enter_quarter(user=request.user, quarter=form.period, entries=entries,
                                                mode=form.entry_mode, submit=submit)
    except EntryRejected as rejected:
        if rejected.conflicts:
            return _conflict_page(request, form, entries, rejected)
        grid = _with_typed(selectors.figure_grid(user=request.user, quarter=form.period, mode=form.entry_mode,
                                                 filters=filters, page=page), entries, rejected.errors)
        shown = {row.key for row in grid.rows}
        elsewhere = [m for unit, msgs in rejected.errors.items() if unit not in shown for m in msgs]
        return _render_grid(request, form, grid, errors=elsewhere, status=400)
    messages.success(request, _("Saved %(quarter)s: %(created)s new, %(updated)s changed, %(submitted)s submitted.")
                     % {"quarter": form.period.label, "created": len(result.created),
                        "updated": len(result.updated), "submitted": len(result.submitted)})
    return HttpResponseRedirect(_entry_url(form.period, form.entry_mode, filters, page))


def _conflict_page(request: HttpRequest, form: QuarterForm, entries: list[EntryInput],
                   rejected: EntryRejected) -> HttpResponse:
    """Someone saved some of these rows meanwhile: show both values; nothing was saved.

    "Keep mine" posts the screen again against the versions now current; "take theirs" posts it
    again without the conflicting rows, which keeps the other rows' changes; both come back to the page
    (and filters) the user saved.
    """
    conflicts = {c.unit: c for c in rejected.conflicts}
    return render(request, "reporting/figure_conflict.html", {
        "form": form, "quarter": form.period, "mode": form.entry_mode, "conflicts": rejected.conflicts,
        "keep_mine": [(e, conflicts[e.unit].current.version if e.unit in conflicts else e.version) for e in entries],
        "take_theirs": [(e, e.version) for e in entries if e.unit not in conflicts],
        "action": request.POST.get("action", "save"), "other_errors": rejected.errors,
        "filters": _grid_filter(request.POST), "page_number": request.POST.get("page", ""),
    }, status=409)


@login_required
@require_POST
def figure_entry_check(request: HttpRequest) -> HttpResponse:
    """htmx: one row of the entry screen checked as the user types (saves nothing).

    Answers with the row's feedback cell: the year-on-year change and outlier warning for the typed
    value, and the errors a save would give (the same checks, reading only).
    """
    _require_writer(request)
    form = QuarterForm(request.POST)
    try:
        # htmx posts the whole screen; `check` names the row to look at.
        entry = next((e for e in entries_from_post(request.POST) if e.unit == request.POST.get("check")), None)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    if not form.is_valid() or entry is None:
        return HttpResponseBadRequest()
    grid = selectors.figure_grid(user=request.user, quarter=form.period, mode=form.entry_mode,
                                 filters=selectors.GridFilter(unit=entry.unit))
    row = next((r for r in grid.rows if r.key == entry.unit and r.editable), None)
    if row is None:
        raise Http404
    row.typed, row.typed_note = entry.value, entry.note
    problem = _compare_typed(row, entry.value)
    if problem is None and (entry.value.strip() or entry.has_extras):
        # The same checks as a save, for the output and the optional values alike (per field).
        try:
            services.figures_check_quarter(user=request.user, quarter=form.period, entries=[entry],
                                           mode=form.entry_mode)
        except EntryRejected as rejected:
            row.errors = rejected.errors.get(entry.unit, [])
            row.errors += [_("Someone else changed this figure meanwhile.") for _c in rejected.conflicts]
    if problem:
        row.errors = [problem]
        # The optional values are checked too, so every wrong field is named at once.
        row.errors += [p for f in services.EXTRA_FIELDS
                       if (p := services.parse_extra(f, entry.typed_extra(f.name) or "")[1])]
    return render(request, "reporting/_entry_feedback.html", {"row": row})


# --- review -----------------------------------------------------------------------------------------

# Figures on a page of the review list. A group (department × quarter) may continue on the next page: its
# batch approval posts the ids and versions of the rows shown, so it approves exactly what the planner saw.
REVIEW_PAGE_SIZE = 100

@login_required
@require_safe
def figure_review_list(request: HttpRequest) -> HttpResponse:
    """The planner's queue, grouped by quarter × responsible department, each figure beside the previous
    quarter and the same quarter last year: the figures of one quarter (the reporting period unless the
    query names another) or, with `?all=1`, of every quarter; submitted ones unless `status` says otherwise;
    of one cluster (`cluster`) or units whose name holds `q`. A page holds REVIEW_PAGE_SIZE figures, sorted and
    sliced in SQL; the export holds every figure the filters select."""
    _require_planner(request)
    form, bar = _quarter_form(request)
    status = request.GET.get("status") or FigureStatus.SUBMITTED
    if status not in FigureStatus.values:
        messages.error(request, _("There is no status “%(value)s”; showing submitted figures.")
                       % {"value": status[:30]})
        status = FigureStatus.SUBMITTED
    if request.GET.get("all") == "1":
        bar.shown, bar.problems = None, []  # the quarter asked for, right or wrong, does not matter
    filters = replace(_grid_filter(request.GET), status="")  # the status is the list's own (above)
    figures = review.figures_for_review(user=request.user, status=status, quarter=bar.shown,
                                           cluster=filters.cluster, search=filters.search)
    if fmt := export_format(request):
        return table_response(exports.figure_table(figures, title=_("Review"), filename=f"review-{status}"), fmt)
    tallied = review.review_tally(user=request.user, status=status, quarter=bar.shown, cluster=filters.cluster,
                                     search=filters.search)
    page, shown = review.figures_page(figures, request.GET.get("page", 1), REVIEW_PAGE_SIZE, tallied=tallied)
    return render(request, "reporting/figure_review.html", {
        "page": page, "figures": shown, "groups": review.review_groups(user=request.user, figures=shown),
        "status": status, "statuses": FigureStatus.choices, "form": form, "quarter": bar.shown,
        "period_bar": bar, "export_query": request.GET.urlencode(), "filters": filters,
        "page_query": _without(request.GET, "page"), "status_query": urlencode({"status": status}),
    })


def _without(query: QueryDict, name: str) -> str:
    """The query string without `name` (for links to other pages of the same list)."""
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


@login_required
@require_POST
def figure_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve or return (reopen) a figure: planners only, through the services. With htmx, answers
    with the review row; otherwise goes back to the page it came from."""
    figure = get_object_or_404(QuarterlyFigure.objects.visible_to(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    version = form.cleaned_data["version"]
    problem = None
    try:
        if action == "approve":
            services.figure_approve(user=request.user, figure_id=figure.pk, expected_version=version)
            done = _("Figure approved: %(figure)s") % {"figure": figure}
        else:
            services.figure_return(user=request.user, figure_id=figure.pk, expected_version=version,
                                   reason=form.cleaned_data["reason"])
            done = _("Figure returned: %(figure)s") % {"figure": figure}
    except VersionConflict:
        problem = _("Someone else changed this figure meanwhile; nothing was saved. Review it again.")
    except (ValidationError, PermissionDenied) as error:  # PermissionDenied here: the four-eyes rule
        problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    if request.htmx:
        figure = review.figures_for_review(user=request.user, status=None).filter(pk=pk).first()
        response = render(request, "reporting/_review_row.html", {
            "row": review.review_row(request.user, figure), "problem": problem, "done": None if problem else done})
        response["HX-Trigger"] = "inbox-changed"  # the header's inbox badge counts again (static/js/app.js)
        return response
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, done)
    return _back(request)


@login_required
@require_POST
def figure_approve_batch(request: HttpRequest) -> HttpResponse:
    """Approve a review group, or its ticked rows, at once: all or none (`services.figures_approve`); back to
    the review page, which says what was approved or, when some row had changed meanwhile, which."""
    _require_planner(request)
    form = BatchApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("__all__", []) or
                                         [m for msgs in form.errors.values() for m in msgs]))
        return _back(request)
    try:
        approved = services.figures_approve(user=request.user, versions=form.cleaned_data["versions"])
    except StaleFigures as stale:
        messages.error(request, _("Nothing was approved: someone changed these figures meanwhile. Review them "
                                  "again: %(figures)s") % {"figures": "、".join(
                                      f"{f.reporting_unit} ({Quarter(f.year, f.quarter).label})"
                                      for f in stale.stale)})
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, ngettext("%(count)s figure approved: %(figures)s",
                                           "%(count)s figures approved: %(figures)s", len(approved))
                         % {"count": len(approved), "figures": "、".join(str(f.reporting_unit) for f in approved)})
    return _back(request)


def _figure_page_step(request: HttpRequest, pk: int, form_class, invalid: str, step, done: str) -> HttpResponse:
    """A step taken on the figure page (reopen, settle a year to date): the form checked, the service called with
    its cleaned data (`step(figure, data)`), the outcome as a message, back to the figure page."""
    figure = get_object_or_404(QuarterlyFigure.objects.visible_to(request.user), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return HttpResponseRedirect(reverse("figure-page", args=[figure.pk]))
    try:
        step(figure, form.cleaned_data)
        messages.success(request, done % {"figure": figure})
    except VersionConflict:
        messages.error(request, _("Someone else changed this figure meanwhile; nothing was saved. Review it again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(reverse("figure-page", args=[figure.pk]))


@login_required
@require_POST
def figure_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """A planner reopens an approved figure, with a reason: it leaves the official numbers."""
    return _figure_page_step(
        request, pk, ReopenForm, _("Give a reason for reopening the figure."),
        lambda figure, data: services.figure_reopen(user=request.user, figure_id=figure.pk,
                                                    expected_version=data["version"], reason=data["reason"]),
        _("Figure reopened: %(figure)s. It no longer counts in the official numbers."))


@login_required
@require_POST
def figure_resolve_ytd(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's editor or a planner settles a year-to-date (累计) mismatch: which number stands."""
    return _figure_page_step(
        request, pk, ResolveYtdForm, _("Choose which number stands."),
        lambda figure, data: services.figure_resolve_ytd(user=request.user, figure_id=figure.pk,
                                                         expected_version=data["version"], keep=data["keep"]),
        _("Checked: %(figure)s. The year to date and the quarter's own value agree again."))


@login_required
@require_safe
def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One figure: its values, status, the review actions the user may take, and its latest history (a page;
    earlier versions on the history page)."""
    figure = review.figure_for_page(user=request.user, pk=pk)
    if figure is None:
        raise Http404
    history, entries = history_page(figure)
    return render(request, "reporting/figure_detail.html", {
        "figure": figure, "history": entries, "history_more": history.has_next(),
        "history_label": "clusters.quarterlyfigure",
        "entry_url": _entry_url(Quarter(figure.year, figure.quarter), EntryMode.QUARTER),
        "last_year": services.same_quarter_last_year(figure),
    })


# --- completeness -----------------------------------------------------------------------------------

COMPLETENESS_PAGE_SIZE = 100  # units listed a page: the page costs what it shows, whatever the city's size


@login_required
@require_safe
def figure_completeness(request: HttpRequest) -> HttpResponse:
    """Per quarter: how many reporting units of each department have not submitted or are not approved
    (counts), and the units themselves filtered and paged (COMPLETENESS_PAGE_SIZE a page), or all of them as a
    download."""
    form, bar = _quarter_form(request)
    standing = completeness(user=request.user, quarter=form.period, by_cluster=True)
    filters = CompletenessFilterForm(request.GET, departments=[s.department for s in standing.departments])
    chosen = filters.filters()
    picked = chosen.pop("standing")
    standings = [picked] if picked else None
    if fmt := export_format(request):
        units = standing.units(standings=standings or Standing.ALL, **chosen)
        return table_response(exports.completeness_table(standing, units), fmt)
    page = Paginator(standing.units(standings=standings or Standing.OPEN, **chosen),
                     COMPLETENESS_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = urlencode({"year": form.period.year, "quarter": form.period.quarter, **{
        k: v for k, v in request.GET.items() if k not in ("year", "quarter", "page", "export") and v}})
    return render(request, "reporting/figure_completeness.html", {
        "form": form, "standing": standing, "period_bar": bar, "filters": filters, "page": page,
        "page_query": kept, "export_query": kept,
        "by_cluster": commentary_selectors.completeness(user=request.user, standing=standing),
    })


# --- Excel in ---------------------------------------------------------------------------------------

@login_required
@require_safe
def figure_template(request: HttpRequest) -> HttpResponse:
    """The .xlsx template of a quarter with the user's reporting units filled in."""
    _require_writer(request)
    form, _bar = _quarter_form(request)
    rows = selectors.all_grid_rows(user=request.user, quarter=form.period, mode=form.entry_mode)
    return attachment(imports.template_xlsx(form.period, form.entry_mode, rows),
                      filename=f"template-{form.period}-{form.entry_mode}.xlsx", content_type=XLSX_TYPE)


def _import_page(request: HttpRequest, form: UploadForm, *, preview=None, status: int = 200) -> HttpResponse:
    """The import page, its template picker at the quarter the user came from (the query string or, after
    an upload, the form's hidden fields), else at the reporting period."""
    quarter_form, bar = _quarter_form(request, request.POST if request.method == "POST" else None)
    return render(request, "reporting/figure_import.html", {
        "form": form, "quarter_form": quarter_form, "preview": preview, "period_bar": bar,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def figure_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: the preview: every bad row with its reason, or what would change."""
    _require_writer(request)
    if request.method == "GET":
        return _import_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    preview = imports.preview_upload(user=request.user, upload=form.cleaned_data["file"])
    return _import_page(request, UploadForm(), preview=preview, status=200 if preview.ok else 400)


@login_required
@require_POST
def figure_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import what the preview showed: all rows or none."""
    _require_writer(request)
    try:
        quarter, result = imports.import_confirmed(user=request.user, token=request.POST.get("token", ""))
    except signing.BadSignature:
        return HttpResponseBadRequest(_("This import is no longer valid; upload the file again."))
    except EntryRejected as rejected:
        messages.error(request, _("Nothing was imported: the figures changed since the preview. Upload the file "
                                  "again to see why."))
        for unit_messages in rejected.errors.values():
            for message in unit_messages:
                messages.error(request, message)
        return HttpResponseRedirect(reverse("figure-import"))
    messages.success(request, _("Imported %(quarter)s: %(created)s new, %(updated)s changed, %(unchanged)s "
                                "unchanged. The figures are drafts until submitted.")
                     % {"quarter": quarter.label, "created": len(result.created), "updated": len(result.updated),
                        "unchanged": result.unchanged})
    return HttpResponseRedirect(_entry_url(quarter, EntryMode.QUARTER))


# --- the inbox ----------------------------------------------------------------------------------------

@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """What the user has to act on (notices.inbox), by kind, each item linking to where it is done."""
    context = InboxContext(request.user)
    items = context.items()
    sections = [(kind, [item for item in items if item.kind == kind]) for kind in Kind]
    return render(request, "reporting/inbox.html", {
        "items": items, "sections": [(kind, members) for kind, members in sections if members],
        "period_bar": PeriodBar(request.user, context.state.period, period=context.state.period),
    })


@login_required
@require_safe
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The header badge's number, fetched by every page after it has loaded (static/js/app.js), so no page
    pays for the inbox's queries before it is shown."""
    response = JsonResponse({"count": inbox_count(user=request.user)})
    response["Cache-Control"] = "private, no-store"
    return response
