"""The API's gate in front of the permission layer (`core.access`).

Reading needs a signed-in, active user; what it may read is decided by each endpoint's queryset
(`visible_to`). Writing (POST, PATCH, PUT, DELETE) needs a role that may write (planner, editor):
viewers and API clients are read-only. Whether this user may change *this* object is decided by
the services (`can_edit`, raising PermissionDenied), never here.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOrWriteInScope(BasePermission):
    message = _("Your role may only read.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return request.method in SAFE_METHODS or user.can_write
