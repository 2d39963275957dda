"""The API's gate in front of the permission layer (`core.access`).

Reading needs a signed-in, active user (`may(user, "view", model)`); what it may read is decided by each
endpoint's queryset (`visible_to`). Writing (POST, PATCH, PUT, DELETE) needs a role that may change the
endpoint's model (`may(user, "edit", model)`: planners, editors); viewers and API clients are read-only.
Whether this user may do an action to *this* object (edit, submit, review, reopen) is asked by the
services, which raise PermissionDenied, so every entry path meets the same answer.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core import access


class ReadOrWriteInScope(BasePermission):
    message = _("Your role may only read.")

    def has_permission(self, request, view) -> bool:
        queryset = getattr(view, "queryset", None)
        model = queryset.model if queryset is not None else None
        return access.may(request.user, "view" if request.method in SAFE_METHODS else "edit", model)
