"""Writes to quarterly figures. Every entry path (pages, admin, API, import, commands) calls these.

- `figures`: one figure: create, update, submit, approve, return, reopen; and approving several at once;
- `quarter`: a whole entry screen or imported sheet for one quarter, all rows or none, and the entry
  screen's year-to-date arithmetic (`year_to_date`, `quarter_of_year_to_date`).
- `reminders`: deadline reminders to editors and the overdue digest to planners (imported from
  `notices.reminders` directly: it reads through `clusters.selectors`, which reads this).
"""
from .figures import (
    EDITABLE_FIELDS,
    EDITABLE_STATUSES,
    KeepYtd,
    change_on,
    check_entry_rules,
    entered_or_submitted_by,
    figure_approve,
    figure_create,
    figure_reopen,
    figure_resolve_ytd,
    figure_return,
    figure_submit,
    figure_update,
    figures_approve,
    is_outlier,
    needs_second_person,
    outlier_message,
    same_quarter_last_year,
)
from .quarter import (
    EXTRA_FIELDS,
    Conflict,
    EntryInput,
    EntryMode,
    EntryRejected,
    EntryResult,
    ExtraField,
    UnitKey,
    figures_check_quarter,
    figures_enter_quarter,
    parse_extra,
    parse_output,
    quarter_of_year_to_date,
    year_to_date,
)

__all__ = [
    "EDITABLE_FIELDS",
    "EDITABLE_STATUSES",
    "EXTRA_FIELDS",
    "Conflict",
    "EntryInput",
    "EntryMode",
    "EntryRejected",
    "EntryResult",
    "ExtraField",
    "KeepYtd",
    "UnitKey",
    "change_on",
    "check_entry_rules",
    "entered_or_submitted_by",
    "figure_approve",
    "figure_create",
    "figure_reopen",
    "figure_resolve_ytd",
    "figure_return",
    "figure_submit",
    "figure_update",
    "figures_approve",
    "figures_check_quarter",
    "figures_enter_quarter",
    "is_outlier",
    "needs_second_person",
    "outlier_message",
    "parse_extra",
    "parse_output",
    "quarter_of_year_to_date",
    "same_quarter_last_year",
    "year_to_date",
]
