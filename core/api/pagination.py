"""Page-number pagination: 100 rows a page by default, `page_size` 1–1000.

`page` and `page_size` are validated like every other query parameter: garbage, 0, a negative
number or a `page_size` over 1000 is a 400 naming the parameter (never silently replaced by the
default or cut to the maximum), so what a client asked for is what it gets or it is told why not.
An empty value is the same as leaving the parameter out. A page past the end is 404.
"""
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from .inputs import QueryIntegerField

MAX_PAGE_SIZE = 1000


class _KnownCountPaginator(DjangoPaginator):
    """A paginator that reuses a row count the view has already read (see ConditionalListMixin)."""

    known_count: int | None = None

    @cached_property
    def count(self) -> int:
        return self.known_count if self.known_count is not None else super().count


class PageParameters(serializers.Serializer):
    page = QueryIntegerField(required=False, min_value=1, max_value=2**31 - 1)
    page_size = QueryIntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()  # `page` is a number, as the schema says
    known_count: int | None = None

    def paginate_queryset(self, queryset, request, view=None):
        given = {name: request.query_params[name] for name in (self.page_query_param, self.page_size_query_param)
                 if request.query_params.get(name, "") != ""}
        parameters = PageParameters(data=given)
        parameters.is_valid(raise_exception=True)
        self._requested_page_size = parameters.validated_data.get("page_size", self.page_size)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        return getattr(self, "_requested_page_size", self.page_size)

    def django_paginator_class(self, object_list, per_page, **kwargs):
        paginator = _KnownCountPaginator(object_list, per_page, **kwargs)
        paginator.known_count = self.known_count
        return paginator

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": self.page_query_param, "required": False, "in": "query", "allowEmptyValue": True,
             "description": "Page number, from 1 (页码); a page past the end is 404.",
             "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
            {"name": self.page_size_query_param, "required": False, "in": "query", "allowEmptyValue": True,
             "description": f"Rows per page (每页条数), 1–{MAX_PAGE_SIZE}; default {self.page_size}.",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
        ]
