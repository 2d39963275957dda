from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core import access
from core.admin import ScopedAdmin

from .models import Department, Region, SecurityEvent, User


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("name_zh", "name_en", "kind", "code")
    list_filter = ("kind",)
    search_fields = ("name_zh", "name_en", "code")


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("name_zh", "name_en", "kind", "region", "is_placeholder")
    list_filter = ("kind", "is_placeholder")
    search_fields = ("name_zh", "name_en", "code")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users are managed by planners and superusers only."""

    list_display = ("username", "role", "department", "is_active", "is_staff", "last_login")
    list_filter = ("role", "department", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Role and department"), {"fields": ("role", "department")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Role and department"), {"fields": ("role", "department")}))

    def has_module_permission(self, request) -> bool:
        return access.may(request.user, "administer") and access.may(request.user, "manage-users")

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security audit, read-only, for planners and superusers: nobody adds, changes or deletes a row."""

    list_display = ("at", "kind", "username", "user", "actor", "ip")
    list_filter = ("kind",)
    search_fields = ("username", "ip", "user__username", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("user", "actor")
    readonly_fields = ("at", "kind", "user", "username", "actor", "ip", "details")

    def has_module_permission(self, request) -> bool:
        return access.may(request.user, "administer") and access.may(request.user, "manage-users")

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
