"""Page-number pagination: 100 rows a page by default, `page_size` up to 1000."""
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class _KnownCountPaginator(DjangoPaginator):
    """A paginator that reuses a row count the view has already read (see ConditionalListMixin)."""

    known_count: int | None = None

    @cached_property
    def count(self) -> int:
        return self.known_count if self.known_count is not None else super().count


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    known_count: int | None = None

    def django_paginator_class(self, object_list, per_page, **kwargs):
        paginator = _KnownCountPaginator(object_list, per_page, **kwargs)
        paginator.known_count = self.known_count
        return paginator
