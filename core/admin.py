"""Admin base: every admin list and change page goes through the one permission layer."""
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core import access


class ScopedAdmin(SimpleHistoryAdmin):
    """Lists only what the user may view; changes only what the user may edit; history on every object."""

    def get_queryset(self, request: HttpRequest):
        return access.visible_to(super().get_queryset(request), request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and (obj is None or access.can_view(request.user, obj))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not (request.user.is_active and request.user.is_staff and request.user.can_write):
            return False
        return obj is None or access.can_edit(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.edits_everything

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_add_permission(request)


class ChildInline(admin.TabularInline):
    extra = 0
