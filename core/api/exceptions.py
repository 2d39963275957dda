"""One JSON shape for every error response of the API (4xx), documented in docs/api.md:

    {"detail": "<one sentence>", "code": "<machine code>", "errors": {"<field>": ["<message>", ...]}}

`errors` is empty unless the input was invalid; messages not tied to a field sit under
`non_field_errors`. A version conflict (409) adds `current_version`. Messages follow the request's
language (Chinese by default, English with `Accept-Language: en`).

Domain exceptions raised by services are translated here, so views stay thin:
- django ValidationError (full_clean, service rules) → 400 with the fields named;
- a validation error whose every code is in core.exceptions.STATE_CODES (a locked figure, a quarter
  already reported, ...) → 409 with that code: the request was well-formed, the data's current
  state refuses it;
- a validation error whose every code is MISSING_CODES (an id in the body that does not exist, is
  hidden, or an enterprise of another cluster) → 404 naming the field, like an id in the path;
- core.exceptions.VersionConflict → 409 with the version now stored;
- core.exceptions.StaleFigures (a batch) → 409 listing every stale row (`stale`: id and current version);
- ProtectedError (a delete of a row others still reference) and IntegrityError → 409;
- Http404 and ObjectDoesNotExist → 404 (with no hint whether the object exists but is hidden);
- django PermissionDenied → 403.
"""
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.exceptions import STATE_CODES, StaleFigures, VersionConflict

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
MISSING_CODES = frozenset({"does_not_exist", "not_in_cluster"})


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the data.")
    default_code = "conflict"

    def __init__(self, detail=None, code=None, **extra: Any) -> None:
        super().__init__(detail, code)
        self.extra = extra


def _from_django_validation(error: DjangoValidationError) -> exceptions.ValidationError:
    detail = get_error_detail(error)  # the messages, with their codes
    if isinstance(detail, dict):
        detail = {(NON_FIELD if field == "__all__" else field): messages for field, messages in detail.items()}
    else:
        detail = {NON_FIELD: detail}
    return exceptions.ValidationError(detail)


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return _from_django_validation(exc)
    if isinstance(exc, VersionConflict):
        current = getattr(exc.current, "version", None)
        return Conflict(_("Someone else changed this since you read it; nothing was saved. "
                          "Read it again and retry with the current version."), "version_conflict",
                        current_version=current)
    if isinstance(exc, StaleFigures):
        return Conflict(
            _("Someone else changed some of these since you read them; nothing was saved. Read them again and "
              "retry with the current versions."), "version_conflict",
            stale=[{"id": row.pk, "current_version": row.version} for row in exc.stale],
            errors={"figures": [_("%(row)s (id %(id)s) is now at version %(version)s.")
                                % {"row": row, "id": row.pk, "version": row.version} for row in exc.stale]})
    if isinstance(exc, ProtectedError | RestrictedError):
        return Conflict(_("Other records still refer to this one; it cannot be deleted."), "protected")
    if isinstance(exc, IntegrityError):
        return Conflict(_("This conflicts with data saved meanwhile; read it again and retry."), "integrity")
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        # Never echo Django's "No <Model> matches the given query": same answer for hidden and missing.
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    return exc


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "parent.child": [...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD: [str(item) for item in items]} if items else {}


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _all_codes(codes: Any) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*(_all_codes(value) for value in codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*(_all_codes(value) for value in codes)) if codes else set()
    return {str(codes)}


def _refusal(exc: exceptions.ValidationError) -> tuple[int, str]:
    """Status and code of a validation error: 409 for the data's state, 404 for missing ids, else 400."""
    codes = _all_codes(exc.get_codes())
    if codes and codes <= STATE_CODES:
        return status.HTTP_409_CONFLICT, codes.pop() if len(codes) == 1 else "conflict"
    if codes and codes <= MISSING_CODES:
        return status.HTTP_404_NOT_FOUND, "not_found"
    return status.HTTP_400_BAD_REQUEST, "invalid"


def api_exception_handler(exc: Exception, context: dict) -> Any:
    exc = _translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: let Django log it and answer 500
    request = context.get("request")
    if request is not None and getattr(request, "accepted_renderer", None) is not None \
            and request.accepted_renderer.format in ("csv", "xlsx"):
        # A spreadsheet of an error helps nobody: errors are always JSON.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    if isinstance(exc, exceptions.ValidationError):
        response.status_code, code = _refusal(exc)
        errors = _flatten(exc.detail)
        messages = [message for field_messages in errors.values() for message in field_messages]
        if len(messages) == 1 and (list(errors) == [NON_FIELD] or code != "invalid"):
            detail = messages[0]
        else:
            detail = str(exceptions.ValidationError.default_detail)
        body: dict[str, Any] = {"detail": detail, "code": code, "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = {"detail": str(detail), "code": _code(exc) if isinstance(exc, exceptions.APIException) else "error",
                "errors": {}}
        body.update(getattr(exc, "extra", {}))
    response.data = body
    return response
