"""Fund pages: the funds and counties' matching funds, the disbursements (with exports), new entries."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusters.views import export_format
from entry.sheets import Table, table_response

from . import selectors, services
from .forms import DisbursementForm, MatchingFundForm
from .models import Fund


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
        headers=[_("Region"), _("Year"), _("Amount (10,000 yuan)"), _("Established on"), _("Demo data")],
        rows=[[str(m.region), m.year, m.amount_wan, m.established_on, m.is_demo] for m in rows],
    )


def _disbursement_table(rows) -> Table:
    return Table(
        title=_("Disbursements"), filename="disbursements",
        headers=[_("Paid on"), _("Fund"), _("Recipient region"), _("Park"), _("Cluster"), _("Amount (10,000 yuan)"),
                 _("Purpose"), _("Demo data")],
        rows=[[d.paid_on, str(d.fund), str(d.region), str(d.park or ""), str(d.cluster or ""), d.amount_wan,
               d.purpose, d.is_demo] for d in rows],
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
    fund_id = request.GET.get("fund", "")
    fund_id = int(fund_id) if fund_id.isdigit() else None
    rows = list(selectors.disbursement_rows(user=request.user, fund_id=fund_id))
    if fmt := export_format(request):
        return table_response(_disbursement_table(rows), fmt)
    return render(request, "funds/disbursement_list.html", {
        "rows": rows, "funds": Fund.objects.visible_to(request.user).order_by("code"), "fund_id": fund_id,
        "may_disburse": Fund.objects.editable_by(request.user).exists(),
        "export_query": f"fund={fund_id}" if fund_id else "",
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disbursement_create(request: HttpRequest) -> HttpResponse:
    """Record a payment; the matching-fund rule and the fund's total are checked, with a clear message."""
    if not Fund.objects.editable_by(request.user).exists():
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
