"""Test settings: the same as local, with a fast password hasher and in-memory e-mail."""
import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
