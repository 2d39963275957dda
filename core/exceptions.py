"""Domain errors raised by services and translated to pages / API responses by their callers."""
from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["STATE_CODES", "PermissionDenied", "StaleFigures", "ValidationError", "VersionConflict"]


class VersionConflict(Exception):
    """Someone else saved the row since the caller read it (optimistic locking)."""

    def __init__(self, current: object) -> None:
        super().__init__("version conflict")
        self.current = current


class StaleFigures(Exception):
    """Some of the rows a caller read together were saved by someone else since (optimistic locking
    over a batch): `stale` holds them as they are now. Nothing was written."""

    def __init__(self, stale: list) -> None:
        super().__init__("stale rows")
        self.stale = stale


# Codes of a ValidationError meaning: the request is well-formed, but the current state of the data refuses
# it (it may succeed once that state changes). Pages show them like any other validation error; the API
# answers them 409 with the code (core/api/exceptions.py, docs/api.md).
STATE_CODES = frozenset({
    "locked",  # submitted or approved figures cannot be changed
    "status",  # the status does not allow this step (approving a draft)
    "already_reported",  # the unit has a figure for that quarter
    "reporting_mode",  # a cluster reports as a whole or by enterprise in one quarter, never both
    "quarter_not_over",  # figures are entered after their quarter ends
    "explanation_needed",  # an outlier needs a note before it is submitted
    "earlier_missing",  # a year to date (累计) needs the year's earlier quarters first
    "not_mismatched",  # a year to date to settle must disagree with its quarters
})
