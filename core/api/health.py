"""`GET /healthz`: is the database reachable, and the Celery broker? No authentication.

200 when the database answers (the app can serve), 503 when it does not. The broker is reported
but does not fail the check: without it approvals still commit and roll-ups catch up later
(docs/architecture.md). With no REDIS_URL, tasks run in-process: the broker is "eager".
"""
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

BROKER_TIMEOUT_SECONDS = 1.0
logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The reason goes to the log, not to an unauthenticated client.
        logger.exception("health check: database unreachable")
        return "unavailable"
    return "ok"


def _broker() -> str:
    url = settings.REDIS_URL
    if not url:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                                      socket_timeout=BROKER_TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return "unavailable"
    return "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database, broker = _database(), _broker()
    healthy = database == "ok"
    status = ("ok" if broker in ("ok", "eager") else "degraded") if healthy else "unavailable"
    return JsonResponse({"status": status, "database": database, "broker": broker}, status=200 if healthy else 503)
