"""Admin base: every admin page asks the one permission layer, and every admin save goes through a service.

`ScopedAdmin` lists what the user may view and changes what it may edit (`core.access`). It never saves a
row itself: `save_row` / `delete_row` call the kernel's generic service (`core.writes.row_save`,
`row_delete`: lock, permission, version, the model's rules, history with who and why), and an admin
whose model has its own service overrides them (inflows, indicator actuals, figures). Inline rows go
through their inline's `save_row` / `delete_row` the same way. The change form carries the version the
user saw (`seen_version`), so a save over someone else's newer one is refused with a message.
"""
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from core import access
from core.exceptions import ValidationError, VersionConflict
from core.numbers import AmountField, IntegerField, ModelChoiceField
from core.writes import row_delete, row_save


class VersionedForm(forms.ModelForm):
    """Carries the version the user saw, so a save over someone else's newer one is refused."""

    seen_version = IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        # A history revert's form shows an old record: reverting overwrites on purpose, so it has no version.
        if instance.pk and hasattr(instance, "version") and not hasattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME):
            self.fields["seen_version"].initial = instance.version


def seen_version(form: forms.Form) -> int | None:
    """The version the user saw on the form (None: the form showed none)."""
    return form.cleaned_data.get("seen_version")


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


class RowWriter:
    """How an admin or an inline writes one row: through a service, never by saving it itself."""

    def get_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_fields(request, obj))
        # An admin that lists its fields still sends the version back (a hidden input).
        if hasattr(self.model, "version") and "seen_version" not in fields:
            fields.append("seen_version")
        return fields

    def save_row(self, request: HttpRequest, row, expected_version: int | None) -> None:
        row_save(user=request.user, row=row, expected_version=expected_version)

    def delete_row(self, request: HttpRequest, row, expected_version: int | None = None) -> None:
        row_delete(user=request.user, row=row, expected_version=expected_version)


class ScopedAdmin(RowWriter, SimpleHistoryAdmin):
    """Lists only what the user may view; changes only what the user may edit; history on every object;
    every save and deletion through a service. Numbers and ids are read by the parsers every other form
    uses (core.numbers)."""

    form = VersionedForm
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
        return access.may(request.user, "administer")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # Choices offer only what the user may see, so a form cannot point at another department's rows.
        related = db_field.remote_field.model
        if hasattr(related, "access"):
            kwargs.setdefault("queryset", access.visible_to(related._default_manager.all(), request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may(self, request: HttpRequest, action: str, obj=None) -> bool:
        target = self.model if obj is None else obj
        return access.may(request.user, "administer") and access.may(request.user, action, target)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may(request, "view", obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may(request, "edit", obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request, "add")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may(request, "delete", obj)

    # --- writes: through the services ---------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        self.save_row(request, obj, seen_version(form) if change else None)

    def delete_model(self, request: HttpRequest, obj) -> None:
        self.delete_row(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        # The list's "delete selected" action: one service call per row, never a bulk delete.
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        inline = next(i for i in self.get_inline_instances(request, form.instance) if i.model is formset.model)
        form_of = {id(f.instance): f for f in formset.forms}
        formset.save(commit=False)
        for row in formset.deleted_objects:
            inline.delete_row(request, row, seen_version(form_of[id(row)]))
        for row, _changed in formset.changed_objects:
            inline.save_row(request, row, seen_version(form_of[id(row)]))
        for row in formset.new_objects:
            inline.save_row(request, row, None)
        formset.save_m2m()

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        """No past version as an editable form: simple-history's form reverts a row to it, a write past the
        services, and it looks the version up by its own id whatever row the URL names. The change list's
        history (`history_view`) and the site's history pages show every version instead."""
        raise Http404

    def changeform_view(self, request: HttpRequest, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except VersionConflict:
            messages.error(request, _("Someone else saved this %(thing)s while you were editing it. Nothing was "
                                      "overwritten; review the current values and save again.")
                           % {"thing": self.model._meta.verbose_name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(request.path)


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


class ChildInline(RowWriter, admin.TabularInline):
    form = VersionedForm
    extra = 0
    formfield_overrides = NUMBER_FIELDS
