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
`/api/` (a client parsing JSON never meets an HTML page), the site's 500 page elsewhere. Django has
logged the exception by then (django.request), so the answer says nothing about it. With DEBUG on
(`make run`) Django shows its debug page instead of calling handler500, so
`DatabaseUnavailableMiddleware` answers the same 503 for a view's database error in every mode:
on SQLite a write that waited out the busy timeout ("database is locked") is one.

The same answer serves a query that PostgreSQL cancelled at the web process's statement timeout
(`limit_statements`, DB_STATEMENT_TIMEOUT_MS): psycopg raises `QueryCanceled`, an OperationalError;
the transaction is rolled back, the connection stays usable, and trying again later may well work.
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
SERVER_ERROR_DETAIL = ("服务器内部错误，本次请求没有完成；错误已记录。"
                       "Internal server error; the request was not completed and the error has been logged.")
logger = logging.getLogger(__name__)


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def limit_statements(databases: dict[str, dict], milliseconds: int) -> None:
    """Give every PostgreSQL connection opened from now on a statement timeout (0: none) and no JIT compilation.

    Called by the web process only (jinzhou/wsgi.py). Connections read their settings dict when they
    connect, so changing its OPTIONS here reaches every thread's connection; it costs no query per request.
    JIT is off because a page's queries are short but some are estimated dear: the inbox's year-to-date check
    (correlated subqueries) spent 2.7 s compiling and 18 ms running. Workers (the roll-up) keep it.
    """
    web = ["-c jit=off"] + ([f"-c statement_timeout={milliseconds}"] if milliseconds > 0 else [])
    for database in databases.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            options = database.setdefault("OPTIONS", {})
            options["options"] = " ".join([options.get("options", ""), *web]).strip()


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
