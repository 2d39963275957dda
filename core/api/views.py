"""Base viewsets: every queryset goes through the permission layer before anything else."""
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core import access


class ScopedQuerysetMixin:
    """`get_queryset` = the class's queryset, reduced to what the caller may see (`core.access`).

    An object outside that set is answered 404, exactly like one that does not exist.
    """

    def get_queryset(self):
        return access.visible_to(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """List (filtered, ordered, paginated) and retrieve. No writes: POST/PUT/PATCH/DELETE get 405
    (or 403 for a read-only role, 401 when not signed in)."""


class NotFoundView(APIView):
    """Any other path under /api/v1/: a 404 in the API's error shape (never Django's HTML page)."""

    authentication_classes: list = []
    permission_classes: list = []
    renderer_classes = [JSONRenderer]
    schema = None  # not an endpoint

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()
