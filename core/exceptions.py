"""Domain errors raised by services and translated to pages / API responses by their callers."""
from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "ValidationError", "VersionConflict"]


class VersionConflict(Exception):
    """Someone else saved the row since the caller read it (optimistic locking)."""

    def __init__(self, current: object) -> None:
        super().__init__("version conflict")
        self.current = current
