"""Fund pages: the funds and counties' matching funds, the disbursements (with exports), new entries, and
their corrections and cancellations (through the services, with a conflict message on a stale save)."""
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import access
from core.exceptions import VersionConflict
from core.numbers import NumberError, id_in_query
from core.sheets import Table, export_format, table_response

from . import selectors, services
from .forms import CancelForm, DisbursementEditForm, DisbursementForm, MatchingFundEditForm, MatchingFundForm
from .models import Disbursement, Fund, MatchingFund


def _fund_table(funds) -> Table:
    return Table(
        title=_("Funds"), filename="funds",
        headers=[_("Fund"), _("Name (English)"), _("Amount (10,000 yuan)"), _("Paid out, visible to you (10,000 yuan)"),
                 _("Year"), _("Managing department"), _("Requires a county matching fund"), _("Purpose")],
        rows=[[f.name_zh, f.name_en, f.amount_wan, f.paid_visible, f.year, str(f.managing_department or ""),
               f.requires_matching_fund, f.purpose] for f in funds],
    )


def _matching_table(rows) -> Table:
    return Table(
        title=_("Matching funds"), filename="matching-funds",
        headers=[_("Region"), _("Year"), _("Amount (10,000 yuan)"), _("Established on"), _("Demo data"),
                 _("Cancelled: reason")],
        rows=[[str(m.region), m.year, m.amount_wan, m.established_on, m.is_demo, m.cancel_reason] for m in rows],
    )


def _disbursement_table(rows) -> Table:
    return Table(
        title=_("Disbursements"), filename="disbursements",
        headers=[_("Paid on"), _("Fund"), _("Recipient region"), _("Park"), _("Cluster"), _("Amount (10,000 yuan)"),
                 _("Purpose"), _("Demo data"), _("Cancelled: reason")],
        rows=[[d.paid_on, str(d.fund), str(d.region), str(d.park or ""), str(d.cluster or ""), d.amount_wan,
               d.purpose, d.is_demo, d.cancel_reason] for d in rows],
    )


@login_required
@require_safe
def fund_list(request: HttpRequest) -> HttpResponse:
    funds = list(selectors.fund_rows(user=request.user))
    matching = list(selectors.matching_fund_rows(user=request.user))
    if fmt := export_format(request):
        table = _matching_table(matching) if request.GET.get("table") == "matching" else _fund_table(funds)
        return table_response(table, fmt)
    return render(request, "funds/fund_list.html", {"funds": funds, "matching": matching,
                                                    "matching_form": MatchingFundForm()})


@login_required
@require_POST
def matching_fund_create(request: HttpRequest) -> HttpResponse:
    form = MatchingFundForm(request.POST)
    if form.is_valid():
        try:
            matching = services.matching_fund_record(user=request.user, **form.cleaned_data)
            messages.success(request, _("Matching fund recorded: %(fund)s") % {"fund": matching})
            return HttpResponseRedirect(reverse("fund-list-page"))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {message}")
    return HttpResponseRedirect(reverse("fund-list-page"))


@login_required
@require_safe
def disbursement_list(request: HttpRequest) -> HttpResponse:
    try:
        fund_id = id_in_query(request.GET, "fund")
    except NumberError as error:
        return HttpResponseBadRequest(error.message)
    rows = list(selectors.disbursement_rows(user=request.user, fund_id=fund_id))
    if fmt := export_format(request):
        return table_response(_disbursement_table(rows), fmt)
    return render(request, "funds/disbursement_list.html", {
        "rows": rows, "funds": Fund.objects.visible_to(request.user).order_by("code"), "fund_id": fund_id,
        "may_disburse": access.may(request.user, "manage-funds", Fund),
        "export_query": f"fund={fund_id}" if fund_id else "",
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disbursement_create(request: HttpRequest) -> HttpResponse:
    """Record a payment; the matching-fund rule and the fund's total are checked, with a clear message."""
    if not access.may(request.user, "manage-funds", Fund):
        raise PermissionDenied(_("You manage no fund."))
    form = DisbursementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_create(user=request.user, **form.cleaned_data)
            messages.success(request, _("Payment recorded."))
            return HttpResponseRedirect(reverse("disbursement-list-page"))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
    status = 400 if request.method == "POST" else 200
    return render(request, "funds/disbursement_form.html", {"form": form}, status=status)


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _editable(request: HttpRequest, model, pk: int, select: tuple[str, ...]):
    """The row if the user may see it (404 otherwise) and change it (403 otherwise)."""
    obj = model.objects.visible_to(request.user).select_related(*select).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not access.may(request.user, "edit", obj):
        raise PermissionDenied(_("You may not change this entry."))
    return obj


def _conflict_message(current) -> str:
    if current.is_cancelled:
        return _("Someone else cancelled this entry meanwhile (reason: %(reason)s); nothing was changed.") % {
            "reason": current.cancel_reason}
    if isinstance(current, Disbursement):
        return _("Someone else changed this payment meanwhile; nothing was overwritten. It is now: %(amount)s 万元 "
                 "to %(region)s, paid on %(paid_on)s, for %(purpose)s. Check your values and save again.") % {
            "amount": current.amount_wan, "region": current.region, "paid_on": current.paid_on.isoformat(),
            "purpose": current.purpose}
    return _("Someone else changed this matching fund meanwhile; nothing was overwritten. It is now: %(amount)s "
             "万元 for %(year)s, established on %(established_on)s. Check your values and save again.") % {
        "amount": current.amount_wan, "year": current.year, "established_on": current.established_on.isoformat()}


def _after_conflict(form, conflict: VersionConflict) -> None:
    """The conflict is shown and the form keeps what the user typed, now based on the current version."""
    form.add_error(None, _conflict_message(conflict.current))
    form.data = form.data.copy()
    form.data["version"] = conflict.current.version


def _disbursement_page(request, payment, *, form=None, cancel_form=None, status=200) -> HttpResponse:
    initial = {"region": payment.region_id, "park": payment.park_id, "cluster": payment.cluster_id,
               "amount_wan": payment.amount_wan, "paid_on": payment.paid_on, "purpose": payment.purpose,
               "version": payment.version}
    return render(request, "funds/disbursement_edit.html", {
        "payment": payment,
        "form": form or DisbursementEditForm(initial=initial, user=request.user),
        "cancel_form": cancel_form or CancelForm(initial={"version": payment.version}),
    }, status=status)


_PAYMENT_RELATED = ("fund", "region", "park", "cluster")


def _write(request: HttpRequest, form, write: Callable[[], object], *, page: Callable[[int], HttpResponse], done: str,
           then: str) -> HttpResponse:
    """Run a correcting service and answer: 409 with the row as it is now when someone saved first, 400 with
    the reasons when a rule refuses the change, else back to `then` with the message `done`."""
    try:
        write()
    except VersionConflict as conflict:
        _after_conflict(form, conflict)
        return page(409)
    except ValidationError as error:
        _add_errors(form, error)
        return page(400)
    messages.success(request, done)
    return HttpResponseRedirect(then)


def _payment_after(request: HttpRequest, payment: Disbursement, status: int) -> Disbursement:
    """The payment to show again: re-read after a conflict (someone else's save), else as the user had it."""
    return _editable(request, Disbursement, payment.pk, _PAYMENT_RELATED) if status == 409 else payment


def _matching_after(request: HttpRequest, matching: MatchingFund, status: int) -> MatchingFund:
    return _editable(request, MatchingFund, matching.pk, ("region",)) if status == 409 else matching


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disbursement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the payment with a correction form and a cancel form. POST: save the correction."""
    payment = _editable(request, Disbursement, pk, _PAYMENT_RELATED)
    if request.method != "POST" or payment.is_cancelled:
        return _disbursement_page(request, payment)
    form = DisbursementEditForm(request.POST, user=request.user)
    if not form.is_valid():
        return _disbursement_page(request, payment, form=form, status=400)
    data = dict(form.cleaned_data)
    return _write(
        request, form, lambda: services.disbursement_update(user=request.user, disbursement_id=payment.pk,
                                                            expected_version=data.pop("version"), **data),
        page=lambda status: _disbursement_page(request, _payment_after(request, payment, status), form=form,
                                               status=status),
        done=_("Payment corrected."), then=reverse("disbursement-list-page") + f"#disbursement-{payment.pk}")


@login_required
@require_POST
def disbursement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a payment entered by mistake; a reason is required."""
    payment = _editable(request, Disbursement, pk, _PAYMENT_RELATED)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _disbursement_page(request, payment, cancel_form=form, status=400)
    return _write(
        request, form, lambda: services.disbursement_cancel(
            user=request.user, disbursement_id=payment.pk, expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"]),
        page=lambda status: _disbursement_page(request, _payment_after(request, payment, status), cancel_form=form,
                                               status=status),
        done=_("Payment cancelled."), then=reverse("disbursement-list-page"))


def _matching_page(request, matching, *, form=None, cancel_form=None, status=200) -> HttpResponse:
    initial = {"year": matching.year, "amount_wan": matching.amount_wan, "established_on": matching.established_on,
               "version": matching.version}
    return render(request, "funds/matching_fund_edit.html", {
        "matching": matching, "form": form or MatchingFundEditForm(initial=initial),
        "cancel_form": cancel_form or CancelForm(initial={"version": matching.version}),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def matching_fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the matching fund with a correction form and a cancel form. POST: save the correction."""
    matching = _editable(request, MatchingFund, pk, ("region",))
    if request.method != "POST" or matching.is_cancelled:
        return _matching_page(request, matching)
    form = MatchingFundEditForm(request.POST)
    if not form.is_valid():
        return _matching_page(request, matching, form=form, status=400)
    data = dict(form.cleaned_data)
    return _write(
        request, form, lambda: services.matching_fund_update(user=request.user, matching_fund_id=matching.pk,
                                                             expected_version=data.pop("version"), **data),
        page=lambda status: _matching_page(request, _matching_after(request, matching, status), form=form,
                                           status=status),
        done=_("Matching fund corrected."), then=reverse("fund-list-page") + "#matching")


@login_required
@require_POST
def matching_fund_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a matching fund recorded by mistake; a reason is required, and no payment may rely on it."""
    matching = _editable(request, MatchingFund, pk, ("region",))
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _matching_page(request, matching, cancel_form=form, status=400)
    return _write(
        request, form, lambda: services.matching_fund_cancel(
            user=request.user, matching_fund_id=matching.pk, expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"]),
        page=lambda status: _matching_page(request, _matching_after(request, matching, status), cancel_form=form,
                                           status=status),
        done=_("Matching fund cancelled."), then=reverse("fund-list-page") + "#matching")
