from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin

from . import rights
from .forms import AdminSignInForm
from .models import Department, Region, SecurityEvent, User

# The admin's sign-in checks the user name's length too (org.forms).
admin.site.login_form = AdminSignInForm


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
    """Accounts, for planners and superusers; what a planner may change is `org.rights`.

    A planner sees every account; it changes, deletes and sets the password of department accounts only,
    gives them only department roles, and sees staff, superuser, groups, permissions and dates read-only.
    """

    list_display = ("username", "role", "department", "is_active", "is_staff", "last_login")
    list_filter = ("role", "department", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Role and department"), {"fields": ("role", "department")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Role and department"), {"fields": ("role", "department")}))

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and rights.manages_accounts(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and (obj is None or rights.may_manage(request.user, obj))

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, *rights.SUPERUSER_FIELDS)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = rights.assignable_roles(request.user)
        return super().formfield_for_choice_field(db_field, request, **kwargs)


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
        return request.user.is_active and request.user.is_staff and request.user.edits_everything

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
