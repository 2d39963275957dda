"""Forms of the clusters app: choosing a quarter, the entry screen's rows, review decisions, uploads."""
from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.models import FIRST_FIGURE_YEAR
from clusters.services import EXTRA_FIELDS, EntryInput, EntryMode, UnitKey
from core.numbers import MAX_ID, IntegerField, NumberError, parse_id
from core.periods import Quarter, quarter_choices


class ReviewForm(forms.Form):
    """A planner's decision on a figure: the version it read, and a reason when returning."""

    version = IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class ReopenForm(forms.Form):
    """Reopening an approved figure is deliberate: the version read and a reason, both required."""

    version = IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for reopening"), max_length=500)


class ResolveYtdForm(forms.Form):
    """Settling a year-to-date mismatch: the version read and which number stands."""

    version = IntegerField(min_value=1, widget=forms.HiddenInput)
    keep = forms.ChoiceField(choices=[("ytd", _("keep the reported year to date")),
                                      ("quarter", _("keep the quarter's own value"))])


def _years() -> list[tuple[int, int]]:
    """The years figures may be entered for, from the first (FIRST_FIGURE_YEAR) to the current one, newest first."""
    return [(y, y) for y in range(timezone.localdate().year, FIRST_FIGURE_YEAR - 1, -1)]


class QuarterForm(forms.Form):
    """Which quarter a screen shows (2011年第3季度) and, for the entry screen, how values are typed."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int, choices=_years)
    quarter = forms.TypedChoiceField(label=_("quarter"), coerce=int, choices=quarter_choices)
    mode = forms.ChoiceField(label=_("values typed as"), required=False, widget=forms.RadioSelect, choices=[
        (EntryMode.QUARTER, _("the quarter's own value")), (EntryMode.YTD, _("year to date (累计)")),
    ])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The field fills in %(value)s itself; the plan's years are filled in here.
        self.fields["year"].error_messages["invalid_choice"] = gettext(
            "There is no year “%(value)s” here: the plan's years run from %(first)s to %(last)s.") % {
            "value": "%(value)s", "first": FIRST_FIGURE_YEAR, "last": timezone.localdate().year}
        self.fields["quarter"].error_messages["invalid_choice"] = _("There is no quarter “%(value)s”: 1 to 4.")
        self.problems: list[str] = []  # what was wrong with the query string `from_query` fell back from

    @classmethod
    def from_query(cls, data, *, default: Callable[[], Quarter]) -> QuarterForm:
        """The form bound to a query string. Where the query names no quarter, `default()` (the user's
        reporting period, asked for only then); where it names a wrong one, `default()` too, and
        `problems` says what was wrong."""
        asked = {k: data[k] for k in ("year", "quarter", "mode") if data.get(k)}
        if not {"year", "quarter"} <= set(asked):
            quarter = default()
            asked = {"year": quarter.year, "quarter": quarter.quarter, **asked}
        form = cls({"mode": EntryMode.QUARTER, **asked})
        if not form.is_valid():
            problems = [gettext("%(field)s: %(problem)s") % {"field": form.fields[name].label, "problem": message}
                        for name, messages in form.errors.items() for message in messages]
            quarter = default()
            form = cls({"year": quarter.year, "quarter": quarter.quarter, "mode": EntryMode.QUARTER})
            form.is_valid()
            form.problems = problems
        return form

    @property
    def period(self) -> Quarter:
        return Quarter(self.cleaned_data["year"], self.cleaned_data["quarter"])

    @property
    def entry_mode(self) -> str:
        return self.cleaned_data.get("mode") or EntryMode.QUARTER


class FigureVersionsField(forms.Field):
    """Several figures as the review page names them, `<id>:<version>` (the version the page showed),
    cleaned to {id: version}."""

    widget = forms.MultipleHiddenInput
    pattern = re.compile(r"([1-9][0-9]{0,9}):([1-9][0-9]{0,9})")

    def to_python(self, value) -> dict[int, int]:
        versions = {}
        for text in value or []:
            match = self.pattern.fullmatch(str(text))
            if match is None:
                raise forms.ValidationError(_("“%(value)s” does not name a figure."), params={"value": str(text)[:30]})
            versions[int(match[1])] = int(match[2])
        return versions


class BatchApproveForm(forms.Form):
    """A planner approving several figures at once from the review page: `figure` holds the ticked rows,
    `group` every approvable row of one group; `action` says which the planner meant."""

    figure = FigureVersionsField(required=False)
    group = FigureVersionsField(required=False)
    action = forms.ChoiceField(choices=[("ticked", "ticked"), ("group", "group")])

    def clean(self) -> dict:
        data = super().clean()
        data["versions"] = data.get("figure" if data.get("action") == "ticked" else "group") or {}
        if "action" in data and not data["versions"]:
            raise forms.ValidationError(_("Tick the figures to approve first."))
        return data


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


class CompletenessFilterForm(forms.Form):
    """Which reporting units the completeness page lists (each filter optional; a wrong one is left out).
    `departments` are the choices: those the page counts."""

    department = forms.TypedChoiceField(label=_("Responsible department"), coerce=int, required=False, empty_value=None)
    cluster = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    standing = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)

    def __init__(self, *args, departments=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("every department")), *((d.pk, str(d)) for d in departments)]
        self.fields["standing"].choices = [
            ("", _("not yet approved")), ("missing", _("not entered")), ("draft", _("draft")),
            ("returned", _("returned")), ("submitted", _("submitted")), ("approved", _("approved"))]

    def filters(self) -> dict:
        """The valid filters as keywords of `Completeness.units` (standing: None for "not yet approved")."""
        self.is_valid()
        data = self.cleaned_data
        return {"department": data.get("department"), "cluster": data.get("cluster"),
                "standing": data.get("standing") or None, "search": data.get("q") or ""}
