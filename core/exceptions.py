"""Domain errors raised by services and translated to pages / API responses by their callers."""
from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "StaleFigures", "ValidationError", "VersionConflict"]


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
