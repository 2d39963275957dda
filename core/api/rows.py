"""List pages read as plain rows instead of model instances, for serializers that only read.

A model instance costs its construction, and every many-to-many field a related manager and a
queryset per row (prefetched or not): at 100 clusters that was more than the serialisation itself.
`rows(queryset, many_to_many)` reads the same columns with `values()` and each many-to-many field's
ids from its through table (one query per field, as `prefetch_related` does), and hands back rows
that a `DescribedModelSerializer` renders exactly as it renders the instances: plain fields by
attribute (`responsible_department_id` included), many-to-many fields as lists of primary keys.
"""
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.relations import PKOnlyObject


class Row:
    """One model row as attributes, with `pk`; many-to-many fields hold `PKOnlyObject`s, ordered by id."""

    def __init__(self, values: dict[str, Any], pk_name: str) -> None:
        self.__dict__.update(values)
        self.pk = values[pk_name]


def columns(queryset: QuerySet) -> QuerySet:
    """`queryset` as dicts of every concrete column (by attname) and annotation, without prefetching: page
    it, then `rows()`."""
    names = [f.attname for f in queryset.model._meta.concrete_fields]
    return queryset.prefetch_related(None).values(*names, *queryset.query.annotations)


def rows(model: type, page: Sequence[dict[str, Any]], many_to_many: Sequence[str] = ()) -> list[Row]:
    """The page's dicts (from `columns()`) as rows, with the ids of each named many-to-many field."""
    pk_name = model._meta.pk.attname
    result = [Row(values, pk_name) for values in page]
    ids = [row.pk for row in result]
    for name in many_to_many:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_column_name(), field.m2m_reverse_name()
        related: dict[Any, list[PKOnlyObject]] = defaultdict(list)
        for owner, other in (through.objects.filter(**{f"{source}__in": ids}).order_by(target)
                             .values_list(source, target)):
            related[owner].append(PKOnlyObject(other))
        for row in result:
            setattr(row, name, related[row.pk])
    return result
