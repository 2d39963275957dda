"""Test settings: the same as local, with a fast password hasher and in-memory e-mail."""
import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tests run Celery tasks in-process unless a test starts a real worker (tests/celery_harness.py),
# even when REDIS_URL is set (CI): a test must never leave messages for a worker that is not there.
CELERY_TASK_ALWAYS_EAGER = True

# Each test process counts throttles in its own memory, whatever CACHE_URL says (tests/core/test_throttles.py
# points the cache at a redis-server of its own).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Static files come from the finders in tests; there is no collected STATIC_ROOT to scan.
WHITENOISE_AUTOREFRESH = True
