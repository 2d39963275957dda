"""DRF's rate throttles, failing open when the shared cache is down.

With `CACHE_URL` set, the throttle counters live in Redis and are shared by every gunicorn worker
and host (without it they are per process: the effective limit is the rate × the processes). A
throttle is a guard against runaway clients, not a gate: if Redis cannot be reached within its
short socket timeout, the request is let through and a warning logged, rather than answering 500.
"""
import logging

from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class FailOpenMixin:
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning("throttle %s skipped: the cache is unavailable (%s)", self.scope, error)
            return True


class FailOpenAnonRateThrottle(FailOpenMixin, AnonRateThrottle):
    pass


class FailOpenUserRateThrottle(FailOpenMixin, UserRateThrottle):
    pass
