"""/briefing/?year=…&quarter=…: the quarterly briefing as a print-ready page, or with `format=docx` as a Word
document (always in Chinese, the language of the office that sends it). Approved figures only: the period picker
offers no "including unapproved" switch here."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dashboards.period import period_from

from . import text
from .charts import charts_for
from .content import briefing_for
from .document import docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_LANGUAGE = "zh-hans"


@login_required
@require_safe
def briefing_page(request: HttpRequest) -> HttpResponse:
    period, form = period_from(request.GET)
    briefing = briefing_for(user=request.user, year=period.year, quarter=period.quarter)
    if request.GET.get("format") == "docx":
        with translation.override(DOCUMENT_LANGUAGE):
            sections = text.sections(briefing)
            content = docx_bytes(briefing, sections, charts_for(briefing))
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = content_disposition_header(True, f"{sections['title']}.docx")
        return response
    return render(request, "briefing/briefing.html", {
        "briefing": briefing, "sections": text.sections(briefing), "charts": charts_for(briefing),
        "period": period, "period_form": form, "any_demo": briefing.demo,
        "approved_only_note": _("The briefing uses approved figures only."),
        "docx_query": period.query(format="docx"),
    })
