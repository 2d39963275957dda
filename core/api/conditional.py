"""Conditional GET (ETag / Last-Modified → 304) for list endpoints over the roll-up tables.

The validators are derived before the work is done, from cheap aggregates the view supplies
(for roll-up rows: their number and highest id, the pending marks, the newest `computed_at`;
whatever else its answer depends on), plus the query string, the response format, the language
and the caller's scope. A client
that sends `If-None-Match` (or `If-Modified-Since`) gets 304 with no body when nothing changed.
The ETag is the precise validator; Last-Modified has one-second resolution.
"""
import hashlib
from datetime import datetime

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.request import Request
from rest_framework.response import Response

from core import access


def make_etag(*parts: object) -> str:
    return '"' + hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest() + '"'


class ConditionalListMixin:
    """Adds ETag / Last-Modified to `list` and answers 304 when the client's copy is current.

    Subclasses implement `list_validators(request, queryset) -> (parts, last_modified, count)`;
    `count` (or None) is handed to the paginator so the rows are not counted twice.
    """

    def list_validators(self, request: Request, queryset) -> tuple[tuple, datetime | None, int | None]:
        raise NotImplementedError

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        parts, last_modified, count = self.list_validators(request, queryset)
        accepted = getattr(request, "accepted_media_type", "")
        etag = make_etag(*parts, request.META.get("QUERY_STRING", ""), accepted,
                         getattr(request, "LANGUAGE_CODE", ""),
                         access.scope_key(request.user))
        timestamp = int(last_modified.timestamp()) if last_modified else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if not_modified is not None:
            response = not_modified
        else:
            if count is not None and self.paginator is not None:
                self.paginator.known_count = count
            response = self.list_response(request, queryset)
        response["ETag"] = etag
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        # Private: the answer depends on who asks; no-cache: revalidate every time (cheap).
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization", "Cookie"))
        return response

    def list_response(self, request: Request, queryset) -> Response:
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)
