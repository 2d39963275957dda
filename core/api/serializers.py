"""Serializer helpers shared by the apps' API packages."""
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

DEMO_LABEL = "演示数据"
# The style of a DecimalField holding a ratio (0.25 = 25 %): spreadsheets show it as a percentage.
AS_RATIO = {"cell": "ratio"}
_SKIP = object()
Getter = Callable[[Any], Any]


def _plain(attr: str, convert: Callable[[Any], Any]) -> Getter:
    def get(instance: Any) -> Any:
        value = getattr(instance, attr)
        return None if value is None else convert(value)

    return get


def _decimal(field: serializers.DecimalField) -> Callable[[Any], Any] | None:
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if field.decimal_places is None or field.max_digits is None or not coerce or field.localize \
            or field.normalize_output:
        return None
    exponent = Decimal(1).scaleb(-field.decimal_places)

    def convert(value: Any) -> str:
        if not isinstance(value, Decimal):
            value = Decimal(str(value).strip())
        return f"{value.quantize(exponent):f}"

    return convert


def _datetime(field: serializers.DateTimeField) -> Callable[[Any], Any]:
    """DRF's ISO 8601 rendering of aware datetimes, with the field's time zone looked up once (per
    serializer, so per response) instead of once per value, which cost more than the rest of the row."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None or output_format is None or output_format.lower() != ISO_8601:
        return field.to_representation

    def convert(value: Any) -> Any:
        if isinstance(value, str) or timezone.is_naive(value):
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _generic(field: serializers.Field) -> Getter:
    def get(instance: Any) -> Any:
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            return _SKIP
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return get


def _plan_of(serializer: serializers.Serializer, name: str, field: serializers.Field) -> tuple:
    """How to read one field: ("plain", attr, convert), ("datetime", attr, field), ("method", name) or
    ("generic", name)."""
    if isinstance(field, serializers.SerializerMethodField):
        return ("method", field.method_name)
    attrs = getattr(field, "source_attrs", None)
    if not attrs or len(attrs) != 1 or field.source == "*":
        return ("generic", name)
    attr = attrs[0]
    kind = type(field)
    if kind is serializers.ManyRelatedField and type(field.child_relation) is serializers.PrimaryKeyRelatedField \
            and field.child_relation.pk_field is None:
        return ("plain", attr, _primary_keys)
    if kind is serializers.PrimaryKeyRelatedField and field.use_pk_only_optimization():
        try:
            model_field = serializer.Meta.model._meta.get_field(attr)
        except FieldDoesNotExist:
            return ("generic", name)
        if getattr(model_field, "attname", None):
            return ("plain", model_field.attname, _same)
    if kind is serializers.DecimalField and (convert := _decimal(field)):
        return ("plain", attr, convert)
    if kind in (serializers.CharField, serializers.SlugField):
        return ("plain", attr, str)
    if kind is serializers.IntegerField:
        return ("plain", attr, int)
    big = getattr(serializers, "BigIntegerField", None)
    if big is not None and kind is big:
        return ("plain", attr, str if getattr(field, "coerce_to_string", False) else int)
    if kind is serializers.BooleanField:
        return ("plain", attr, bool)
    if kind is serializers.DateTimeField:
        return ("datetime", attr, field)
    if kind in (serializers.ChoiceField, serializers.DateField):
        return ("plain", attr, field.to_representation)  # stateless given the field's own settings
    return ("generic", name)


def _same(value: Any) -> Any:
    return value


def _primary_keys(related: Any) -> list:
    """A many-to-many field's ids: from a (prefetched) manager, or from a row's list (core.api.rows)."""
    return [item.pk for item in (related.all() if hasattr(related, "all") else related)]


class DescribedModelSerializer(serializers.ModelSerializer):
    """A read-only ModelSerializer whose `Meta.descriptions` gives every field its help text.

    The texts become the field descriptions in the OpenAPI schema: English, with the Chinese term
    and the unit of every amount (亿元 = 100 million yuan; 万元 = 10,000 yuan).

    Rendering gives exactly what `ModelSerializer.to_representation` gives (pinned by
    tests/api/test_serializers.py), through a plan compiled once per class: plain attribute reads
    and conversions for plain fields (ids, text, numbers, decimals, choices, times, lists of
    many-to-many ids), the `get_<name>` method for method fields, and DRF's own field only for the
    rest (nested fields). A list of hundreds of rows then costs a fraction of DRF's generic path, and a
    serializer with plain fields only never builds its fields at all.
    """

    _plans: dict[type, list[tuple]] = {}

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        descriptions: dict[str, str] = getattr(self.Meta, "descriptions", {})
        for name, field in fields.items():
            field.read_only = True
            if name in descriptions:
                field.help_text = descriptions[name]
        return fields

    def _readers(self) -> list[tuple[str, Getter]]:
        readers = self.__dict__.get("_compiled_readers")
        if readers is not None:
            return readers
        cls = type(self)
        plan = DescribedModelSerializer._plans.get(cls)
        if plan is None:
            prototype = cls()
            plan = [(field.field_name, _plan_of(prototype, name, field)) for name, field in prototype.fields.items()
                    if not field.write_only]
            DescribedModelSerializer._plans[cls] = plan
        readers = []
        for name, (how, *args) in plan:
            if how == "plain":
                readers.append((name, _plain(*args)))
            elif how == "datetime":
                readers.append((name, _plain(args[0], _datetime(args[1]))))
            elif how == "method":
                readers.append((name, getattr(self, args[0])))
            else:
                readers.append((name, _generic(self.fields[args[0]])))
        self._compiled_readers = readers
        return readers

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row = {name: get(instance) for name, get in self._readers()}
        if _SKIP in row.values():
            row = {name: value for name, value in row.items() if value is not _SKIP}
        return row

    def generic_representation(self, instance: Any) -> dict[str, Any]:
        """DRF's own rendering, for comparison in tests."""
        return serializers.ModelSerializer.to_representation(self, instance)


@extend_schema_field(OpenApiTypes.STR)
class DemoLabelField(serializers.Field):
    """`演示数据` when the row is demo data, empty otherwise (from a boolean source)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", "演示数据 (demo data) when the row was generated by load_demo; empty otherwise.")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return DEMO_LABEL if value else ""
