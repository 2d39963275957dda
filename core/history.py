"""Change history for people: who changed what, when, old → new, and why.

Every domain row that people edit keeps its history with django-simple-history; the services
write a change reason (`_change_reason`). This module reads one object's records and compares
each with the one before it, field by field, so a page or an export can show the difference.
Related rows are named in one query per related model, whatever the number of records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .sheets import Table

# The models whose history the pages show (label → model): every one people edit through the services.
HISTORY_MODELS = (
    "clusters.quarterlyfigure", "clusters.stagegoal", "clusters.cluster", "parks.park", "parks.parkreadinessitem",
    "investment.project", "investment.projectstagemove", "funds.fund", "funds.matchingfund", "funds.disbursement",
    "commentary.quartercommentary", "scenarios.scenario",
)
HISTORY_PAGE_SIZE = 50  # versions on a page of the history page
# Bookkeeping that changes with every save and says nothing to a reader.
_SKIPPED = {"id", "created_at", "updated_at"}
_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def history_model(label: str) -> type[models.Model] | None:
    """The model for a URL's label, only if it is one whose history is shown."""
    if label not in HISTORY_MODELS:
        return None
    return apps.get_model(label)


def reason_label(reason: str | None) -> str:
    """Services store reasons as stable English words ("approved", "returned: …"); show them translated."""
    if not reason:
        return ""
    head, sep, tail = reason.partition(": ")
    labels = {
        "created": pgettext("change reason", "created"), "updated": pgettext("change reason", "updated"),
        "submitted": pgettext("change reason", "submitted"), "approved": pgettext("change reason", "approved"),
        "returned": pgettext("change reason", "returned"), "reopened": pgettext("change reason", "reopened"),
        "imported": pgettext("change reason", "imported"), "load_plan": pgettext("change reason", "plan loaded"),
        "stage moved": pgettext("change reason", "stage moved"),
        "disbursed": pgettext("change reason", "disbursement entered"),
        "matching fund recorded": pgettext("change reason", "matching fund recorded"),
        "corrected": pgettext("change reason", "corrected"), "cancelled": pgettext("change reason", "cancelled"),
        "demo data loaded": pgettext("change reason", "demo data loaded"),
        "deleted": pgettext("change reason", "deleted"),
        "archived": pgettext("change reason", "archived"),
        "submitted with the figures": pgettext("change reason", "submitted with the figures"),
        "approved with the figures": pgettext("change reason", "approved with the figures"),
        "returned with the figures": pgettext("change reason", "returned with the figures"),
    }
    action = labels.get(head, head)
    return _("%(action)s: %(reason)s") % {"action": action, "reason": tail} if sep else action


@dataclass(frozen=True)
class Change:
    """One field's change: `old`/`new` as the page shows them, `old_value`/`new_value` as an export
    writes them (numbers and dates typed, see `_typed`)."""

    field: str
    old: str
    new: str
    old_value: object = None
    new_value: object = None


@dataclass
class Entry:
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}[self.kind]


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _SKIPPED]


def _display(model_field: models.Field, value: object, names: dict[tuple[type, object], str]) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _typed(model_field: models.Field, value: object, names: dict[tuple[type, object], str]) -> object:
    """A value as a spreadsheet holds it: numbers and dates as themselves; names, labels, yes/no and times
    as the page shows them (a time among numbers would need the zone in a header of its own); nothing for
    an empty value."""
    if value is None or value == "":
        return None
    if model_field.is_relation or model_field.choices or isinstance(value, bool | datetime):
        return _display(model_field, value, names)
    return value


def _related_names(model_fields: list[models.Field], records: list) -> dict[tuple[type, object], str]:
    """One query per related model: the names of every related row the records mention."""
    wanted: dict[type, set] = {}
    for model_field in model_fields:
        if model_field.is_relation:
            ids = {getattr(r, model_field.attname) for r in records} - {None}
            wanted.setdefault(model_field.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        if ids:
            for pk, obj in related._base_manager.in_bulk(ids).items():
                names[(related, pk)] = str(obj)
    return names


def object_history(obj: models.Model) -> list[Entry]:
    """Every recorded change of `obj`, newest first, each compared with the record before it."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    return _entries(type(obj), records, None)


def history_page(obj: models.Model, page: int | str = 1, per_page: int = HISTORY_PAGE_SIZE) -> tuple[Page, list[Entry]]:
    """One page of `object_history`, newest first: the page (numbers only: its rows are not read again) and its
    entries. Reads the page's records and the one just before them (to compare the oldest with): three queries
    or so (count, records, the names they mention), fetching a page's rows whatever the length of the history."""
    newest_first = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    shown = Paginator(newest_first, per_page).get_page(page)
    start = (shown.number - 1) * per_page
    window = list(newest_first[start:start + per_page + 1])[::-1]  # oldest first, with one older record if any
    before = window.pop(0) if len(window) > per_page else None
    return shown, _entries(type(obj), window, before)


def _entries(model: type[models.Model], records: list, before) -> list[Entry]:
    """`records` (oldest first) as entries, newest first, each compared with the record before it (`before`: the
    one before the first, or None when the first is the object's first record)."""
    model_fields = _fields(model)
    names = _related_names(model_fields, [*records, *([before] if before is not None else [])])
    entries = []
    for record in records:
        changes = []
        # A first record that is a change (rows loaded without history) has nothing to compare with:
        # listing every field as "— → value" would claim they all changed now, so it lists none.
        unknown_before = before is None and record.history_type != "+"
        for model_field in () if unknown_before else model_fields:
            new = getattr(record, model_field.attname)
            old = getattr(before, model_field.attname) if before is not None else None
            if before is None and new in (None, ""):
                continue
            if before is not None and old == new:
                continue
            shown_old, shown_new = _display(model_field, old, names), _display(model_field, new, names)
            if before is None or shown_old != shown_new:  # e.g. a time that moved within the minute
                changes.append(Change(str(model_field.verbose_name), shown_old, shown_new,
                                      _typed(model_field, old, names), _typed(model_field, new, names)))
        user = record.history_user
        entries.append(Entry(
            when=record.history_date, who=user.get_username() if user else _("system"),
            kind=_KINDS.get(record.history_type, "changed"), reason=reason_label(record.history_change_reason),
            changes=changes,
        ))
        before = record
    entries.reverse()
    return entries


def history_table(obj: models.Model, entries: list[Entry]) -> Table:
    """The history as rows for a spreadsheet: one row per changed field."""
    rows = []
    for entry in entries:
        for change in entry.changes or [Change("", "", "")]:
            rows.append([entry.when, entry.who, entry.kind_label, entry.reason, change.field, change.old_value,
                         change.new_value])
    return Table(
        title=_("History"),
        headers=[_("When"), _("Who"), _("Action"), _("Reason"), _("Field"), _("Old value"), _("New value")],
        rows=rows, filename=f"history-{obj._meta.model_name}-{obj.pk}",
    )
