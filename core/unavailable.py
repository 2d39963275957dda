"""A clear "try again" answer when the database is unreachable, instead of a bare 500.

While PostgreSQL restarts (or fails over) a request meets `OperationalError` / `InterfaceError`.
Nothing was half-saved: every write is one transaction, which the server rolls back when the
connection drops. So the honest answer is 503 with `Retry-After`: a bilingual page for the
browser ("请重试 / please try again"), and the API's error shape `{detail, code, errors}` under
`/api/`. Django closes a connection that raised, and `CONN_HEALTH_CHECKS` makes a worker check a
kept connection before reusing it, so the next request reconnects.

Installed as `handler500` (jinzhou/urls.py): Django calls it for any uncaught exception with the
exception still being handled, whether it came from a view, the REST framework or a middleware
(the session saved on the way out). Any other exception gets Django's plain 500. With DEBUG on
(`make run`) Django shows its debug page instead of calling handler500, so
`DatabaseUnavailableMiddleware` answers the same 503 for a view's database error in every mode:
on SQLite a write that waited out the busy timeout ("database is locked") is one.
"""
import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"
DETAIL = ("数据库暂时不可用，本次请求没有完成，请重试。"
          "The database is briefly unavailable; the request was not completed, please try again.")
logger = logging.getLogger(__name__)


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 for the database being unreachable: JSON under /api/, the bilingual page elsewhere."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": DETAIL, "code": "database_unavailable", "errors": {}}, status=503)
    else:
        # No request context: the page must not touch the session or the user, which need the database.
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """The 503 "please try again" for a view that could not reach (or lock) the database, DEBUG or not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.warning("database unavailable, answered 503: %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 "please try again" for a lost database connection, Django's 500 otherwise."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.warning("database unavailable, answered 503: %s %s: %s", request.method, request.path, exc)
        return unavailable_response(request)
    return django_server_error(request, template_name)
