"""A clear "try again" answer when the database is unreachable, instead of a bare 500.

While PostgreSQL restarts (or fails over) a request meets `OperationalError` / `InterfaceError`.
Nothing was half-saved: every write is one transaction, which the server rolls back when the
connection drops. So the honest answer is 503 with `Retry-After`: a bilingual page for the
browser ("请重试 / please try again"), and the API's error shape `{detail, code, errors}` under
`/api/`. Django closes a connection that raised, and `CONN_HEALTH_CHECKS` makes a worker check a
kept connection before reusing it, so the next request reconnects.

Installed as `handler500` (jinzhou/urls.py): Django calls it for any uncaught exception with the
exception still being handled, whether it came from a view, the REST framework or a middleware
(the session saved on the way out). Any other exception is a 500: the API's error shape under
`/api/` (a client parsing JSON never meets an HTML page), Django's plain page elsewhere. Django has
logged the exception by then (django.request), so the answer says nothing about it.
"""
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"
DETAIL = ("数据库暂时不可用，本次请求没有完成，请重试。"
          "The database is briefly unavailable; the request was not completed, please try again.")
SERVER_ERROR_DETAIL = ("服务器内部错误，本次请求没有完成；错误已记录。"
                       "Internal server error; the request was not completed and the error has been logged.")
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


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 "please try again" for a lost database connection, else a 500 (JSON under /api/)."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.warning("database unavailable, answered 503: %s %s: %s", request.method, request.path, exc)
        return unavailable_response(request)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": SERVER_ERROR_DETAIL, "code": "server_error", "errors": {}}, status=500)
        response["Cache-Control"] = "no-store"
        return response
    return django_server_error(request, template_name)
