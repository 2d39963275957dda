from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from core.admin import ChildInline, ScopedAdmin
from core.exceptions import VersionConflict
from core.numbers import IntegerField

from . import services
from .models import Cluster, Enterprise, PublicServicePlatform, QuarterlyFigure, StageGoal


class EnterpriseInline(ChildInline):
    model = Enterprise
    fields = ("name", "is_leading", "products", "is_demo")


class PlatformInline(ChildInline):
    model = PublicServicePlatform
    fields = ("kind", "name", "status", "is_demo")


@admin.register(Cluster)
class ClusterAdmin(ScopedAdmin):
    list_display = ("name_zh", "name_en", "level", "responsible_department", "is_placeholder")
    list_filter = ("level", "responsible_department", "is_placeholder")
    search_fields = ("name_zh", "name_en", "code", "industry")
    filter_horizontal = ("regions", "supporting_departments")
    inlines = [EnterpriseInline, PlatformInline]


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ("name", "cluster", "is_leading", "is_demo")
    list_filter = ("cluster", "is_leading", "is_demo")
    search_fields = ("name",)


@admin.register(StageGoal)
class StageGoalAdmin(ScopedAdmin):
    list_display = ("code", "stage", "deadline_year", "kind", "cluster", "threshold", "unit", "target_count")
    list_filter = ("stage", "kind")
    search_fields = ("code", "description_zh", "description_en")


@admin.register(PublicServicePlatform)
class PublicServicePlatformAdmin(ScopedAdmin):
    list_display = ("name", "cluster", "kind", "status", "is_demo")
    list_filter = ("kind", "status")


class QuarterlyFigureForm(forms.ModelForm):
    """Carries the version the user saw, so a save over someone else's newer one is refused."""

    seen_version = IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = QuarterlyFigure
        fields = ("cluster", "enterprise", "year", "quarter", *services.EDITABLE_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version


@admin.register(QuarterlyFigure)
class QuarterlyFigureAdmin(ScopedAdmin):
    """Figures are written through `clusters.services`, like every other entry path."""

    form = QuarterlyFigureForm
    list_display = ("cluster", "enterprise", "year", "quarter", "output_value", "status", "source", "version")
    list_filter = ("status", "source", "year", "quarter", "cluster")
    readonly_fields = ("status", "source", "entered_by", "entered_at", "approved_by", "approved_at", "version")
    fields = ("cluster", "enterprise", "year", "quarter", *services.EDITABLE_FIELDS, *readonly_fields, "seen_version")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        if obj.status not in services.EDITABLE_STATUSES:
            # Submitted and approved figures are locked: review them, do not edit them.
            return (*self.readonly_fields, "cluster", "enterprise", "year", "quarter", *services.EDITABLE_FIELDS)
        # The reporting unit and period of an existing figure are fixed; only its values change.
        return (*self.readonly_fields, "cluster", "enterprise", "year", "quarter")

    def has_add_permission(self, request) -> bool:
        # Editors may add figures for their own clusters; the service checks which.
        return request.user.is_active and request.user.is_staff and request.user.can_write

    def save_model(self, request, obj, form, change) -> None:
        values = {name: form.cleaned_data.get(name) for name in services.EDITABLE_FIELDS}
        values["note"] = values["note"] or ""
        if change:
            seen = form.cleaned_data.get("seen_version") or obj.version
            saved = services.figure_update(user=request.user, figure_id=obj.pk, expected_version=seen, **values)
        else:
            saved = services.figure_create(
                user=request.user, cluster=obj.cluster, enterprise=obj.enterprise, year=obj.year,
                quarter=obj.quarter, **values,
            )
        obj.pk, obj.version = saved.pk, saved.version

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except VersionConflict:
            messages.error(request, _("Someone else saved this figure while you were editing it. "
                                      "Nothing was overwritten; review the current values and save again."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(request.path)
