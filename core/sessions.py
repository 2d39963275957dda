"""The session store: Django's database sessions, refusing a session key Django could not have made.

Django accepts any cookie value of eight characters or more as a key and looks it up; a value with a NUL byte
then fails inside PostgreSQL (a 500, not a stranger). Keys Django makes are lower-case letters and digits, so
anything else is treated as no session at all. (gunicorn already refuses a NUL in a header; this holds behind
any server.) SESSION_ENGINE = "core.sessions".
"""
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(super()._validate_session_key(key)) and set(key) <= _KEY_CHARACTERS


_KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)
