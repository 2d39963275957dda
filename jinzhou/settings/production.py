"""Production: DEBUG off, secrets required, static files through whitenoise, secure cookies."""
from .base import *  # noqa: F403
from .base import env

DEBUG = False
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The `preload` token alone enrols nothing: a domain joins browsers' preload lists only when submitted
# to hstspreload.org. Setting SECURE_HSTS_PRELOAD=false is an explicit choice, so its warning is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Four eyes by default in production: whoever entered or submitted a figure does not approve it.
REVIEW_REQUIRES_SECOND_PERSON = env.bool("REVIEW_REQUIRES_SECOND_PERSON", default=True)
