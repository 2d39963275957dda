"""Admin base: every admin list and change page goes through the one permission layer."""
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core import access
from core.numbers import AmountField, IntegerField, ModelChoiceField


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """The sidebar filter of a foreign key, offering only the related rows the user may view.

    Django's own filter lists every row of the related model: the names of other departments' clusters
    or parks would show in the sidebar of a list that is otherwise scoped.
    """

    def field_choices(self, field, request: HttpRequest, model_admin):
        related = field.remote_field.model
        if not hasattr(related, "access"):
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = access.visible_to(related._default_manager.all(), request.user)
        return [(row.pk, str(row)) for row in rows.order_by(*ordering)]


# Admin forms read numbers and ids like every other form (core.numbers): "²" or "1e9999999" is a form error.
NUMBER_FIELDS = {
    models.DecimalField: {"form_class": AmountField},
    models.IntegerField: {"form_class": IntegerField},
    models.ForeignKey: {"form_class": ModelChoiceField},
}


class ScopedAdmin(SimpleHistoryAdmin):
    """Lists only what the user may view; changes only what the user may edit; history on every object.
    Numbers and ids are read by the parsers every other form uses (core.numbers)."""

    formfield_overrides = NUMBER_FIELDS

    def get_queryset(self, request: HttpRequest):
        return access.visible_to(super().get_queryset(request), request.user)

    def get_list_filter(self, request: HttpRequest):
        # Every foreign-key filter offers only what the user may view (see ScopedRelatedFieldListFilter).
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation and field.many_to_one:
                    entry = (entry, ScopedRelatedFieldListFilter)
            scoped.append(entry)
        return scoped

    def has_module_permission(self, request: HttpRequest) -> bool:
        # Access is decided by the permission layer, not by Django's per-model permissions.
        return request.user.is_active and request.user.is_staff

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # Choices offer only what the user may see, so a form cannot point at another department's rows.
        related = db_field.remote_field.model
        if hasattr(related, "access"):
            kwargs.setdefault("queryset", access.visible_to(related._default_manager.all(), request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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


class RealEditAdmin(ScopedAdmin):
    """For rows whose values `load_demo` may have filled in: a person's edit makes them real data."""

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        if form.has_changed():
            obj.is_demo = False
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        for inline_form in formset.forms:
            if inline_form.has_changed() and hasattr(inline_form.instance, "is_demo"):
                inline_form.instance.is_demo = False
        super().save_formset(request, form, formset, change)


class ChildInline(admin.TabularInline):
    extra = 0
    formfield_overrides = NUMBER_FIELDS
