"""Forms of the clusters app: choosing a quarter, the entry screen's rows, review decisions, uploads."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.models import FIRST_FIGURE_YEAR
from clusters.services import EXTRA_FIELDS, EntryInput, EntryMode, UnitKey
from core.numbers import IntegerField, NumberError, parse_id
from core.periods import Quarter, quarter_choices


class ReviewForm(forms.Form):
    """A planner's decision on a figure: the version it read, and a reason when returning."""

    version = IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class ReopenForm(forms.Form):
    """Reopening an approved figure is deliberate: the version read and a reason, both required."""

    version = IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for reopening"), max_length=500)


def _years() -> list[tuple[int, int]]:
    return [(y, y) for y in range(timezone.localdate().year, FIRST_FIGURE_YEAR - 1, -1)]


class QuarterForm(forms.Form):
    """Which quarter a screen shows (2011年第3季度) and, for the entry screen, how values are typed."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int, choices=_years)
    quarter = forms.TypedChoiceField(label=_("quarter"), coerce=int, choices=quarter_choices)
    mode = forms.ChoiceField(label=_("values typed as"), required=False, widget=forms.RadioSelect, choices=[
        (EntryMode.QUARTER, _("the quarter's own value")), (EntryMode.YTD, _("year to date (累计)")),
    ])

    @classmethod
    def from_query(cls, data) -> QuarterForm:
        """The form bound to a query string, falling back to the last quarter that is over."""
        default = Quarter.last_ended()
        merged = {"year": default.year, "quarter": default.quarter, "mode": EntryMode.QUARTER}
        merged.update({k: data[k] for k in ("year", "quarter", "mode") if data.get(k)})
        form = cls(merged)
        if not form.is_valid():
            form = cls({"year": default.year, "quarter": default.quarter, "mode": EntryMode.QUARTER})
            form.is_valid()
        return form

    @property
    def period(self) -> Quarter:
        return Quarter(self.cleaned_data["year"], self.cleaned_data["quarter"])

    @property
    def entry_mode(self) -> str:
        return self.cleaned_data.get("mode") or EntryMode.QUARTER


def entries_from_post(data) -> list[EntryInput]:
    """The entry screen's rows: a hidden `unit` per row, then `value-<unit>`, `note-<unit>`,
    `version-<unit>` (the version the user read; empty when the user saw no figure) and, when the
    row has them, `<field>-<unit>` for the optional values (absent: the saved value is kept).

    Raises ValidationError for a version that is not an id: the hidden field was altered."""
    entries = []
    for unit in data.getlist("unit"):
        if UnitKey.parse(unit) is None:
            continue
        version = data.get(f"version-{unit}", "")
        try:
            version = parse_id(version) if version.strip() else None
        except NumberError as error:
            raise forms.ValidationError(gettext("Version of %(unit)s: %(problem)s")
                                        % {"unit": unit, "problem": error.message}) from error
        extras = {f.name: data[f"{f.name}-{unit}"][:40] for f in EXTRA_FIELDS if f"{f.name}-{unit}" in data}
        entries.append(EntryInput(
            unit=unit, value=data.get(f"value-{unit}", "")[:40], note=data.get(f"note-{unit}", "")[:2000],
            version=version, **extras,
        ))
    return entries


class UploadForm(forms.Form):
    """A filled-in quarterly template. The size is checked here too, so the answer is a clear message."""

    # The name must say .xlsx or .csv; core.sheets.open_workbook then checks an .xlsx's content (zip, then
    # workbook), core.csv_sheets a CSV's (its encoding).
    file = forms.FileField(label=_("Excel workbook (.xlsx) or CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in settings.ENTRY_UPLOAD_EXTENSIONS:
            raise forms.ValidationError(
                _("A “.%(extension)s” file cannot be imported. Save the sheet from your spreadsheet program as an "
                  "Excel workbook (.xlsx) or as CSV (.csv), then upload that.") % {"extension": extension[:10]})
        if upload.size > settings.ENTRY_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.") % {
                    "size": filesizeformat(upload.size), "limit": filesizeformat(settings.ENTRY_UPLOAD_MAX_BYTES)})
        return upload
