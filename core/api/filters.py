"""Filter building blocks for the apps' `filtersets.py`: integers with bounds, so that garbage or an
out-of-range number in a query string is a 400 naming the parameter, never a database error; and
booleans and dates that accept exactly what the schema says (`true`/`false`, `YYYY-MM-DD`) instead
of django-filter's habit of ignoring a value it cannot read. An empty value means "not given"."""
import re

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from core.numbers import MAX_ID, IntegerField

from .inputs import NO_NUL

YEARS = (2000, 2100)


class WholeNumberField(IntegerField):
    """ASCII digits with an optional minus, as the schema says (core.numbers, strictly): not `3.0`, `+3`, `²`
    or `１２`, which Django would read as numbers or answer with a 500."""

    strict = True


class IntegerFilter(django_filters.Filter):
    field_class = WholeNumberField


class StrictBooleanField(forms.Field):
    """`true` or `false` (any case); anything else is an error, not "no filter"."""

    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value: str | None) -> bool | None:
        if value in (None, ""):
            return None
        spelled = str(value).strip().lower()
        if spelled not in ("true", "false"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return spelled == "true"


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IsoDateField(forms.DateField):
    """A date written `YYYY-MM-DD` (RFC 3339 full-date, as the schema says), nothing looser."""

    default_error_messages = {"invalid": _("Enter a date as YYYY-MM-DD.")}
    _ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not self._ISO.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class FilterSet(django_filters.FilterSet):
    """The apps' filtersets: filters generated from model fields are the strict ones above too."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
        models.DateField: {"filter_class": DateFilter},
    }


def integer_filter(field_name: str, description: str, *, minimum: int = 1, maximum: int = MAX_ID,
                   lookup_expr: str = "exact") -> IntegerFilter:
    """An integer query parameter on `field_name`, validated to [minimum, maximum] and typed in the schema."""
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum, "description": description}
    return extend_schema_field(schema)(IntegerFilter(
        field_name=field_name, lookup_expr=lookup_expr, min_value=minimum, max_value=maximum, help_text=description,
    ))


def text_filter(description: str, field_name: str | None = None) -> django_filters.CharFilter:
    """A text query parameter (a code): any text but NUL, which Django's forms refuse (400)."""
    schema = {"type": "string", "pattern": NO_NUL, "description": description}
    return extend_schema_field(schema)(django_filters.CharFilter(field_name=field_name, help_text=description))


def id_filter(field_name: str, description: str) -> IntegerFilter:
    return integer_filter(field_name, description)


def year_filter(description: str = "Calendar year (年份), 2000–2100.", field_name: str = "year",
                lookup_expr: str = "exact") -> IntegerFilter:
    return integer_filter(field_name, description, minimum=YEARS[0], maximum=YEARS[1], lookup_expr=lookup_expr)


def quarter_filter(description: str = "Quarter 1–4 (季度).", minimum: int = 1) -> IntegerFilter:
    return integer_filter("quarter", description, minimum=minimum, maximum=4)


class Ordering(OrderingFilter):
    """DRF's ordering, with the schema naming the fields each endpoint may be ordered by."""

    def get_schema_operation_parameters(self, view) -> list[dict]:
        fields = getattr(view, "ordering_fields", None) or []
        if not fields:
            return []
        return [{
            "name": self.ordering_param, "required": False, "in": "query",
            "description": "Order by one or more of: " + ", ".join(f"`{f}`" for f in fields)
                           + ". Prefix `-` for descending; separate several with commas (排序).",
            "schema": {"type": "string"},
        }]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipping the form entirely when the request names none of the
    filterset's parameters (the common dashboard call): every filter would be a no-op anyway."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if not any(name in request.query_params for name in _parameter_names(filterset_class)):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _parameter_names(filterset_class) -> set[str]:
    names = filterset_class.__dict__.get("_parameter_names")
    if names is None:
        names = set()
        for name, filter_ in filterset_class.base_filters.items():
            names.add(name)
            suffixes = getattr(getattr(filter_.field_class, "widget", None), "suffixes", None) or []
            names.update(f"{name}_{suffix}" for suffix in suffixes if suffix)
        filterset_class._parameter_names = names
    return names
