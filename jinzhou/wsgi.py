"""WSGI entry point of the web process (gunicorn: jinzhou/gunicorn_conf.py; runserver)."""
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from core.unavailable import limit_statements

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinzhou.settings.production")

application = get_wsgi_application()
# Here, not in the settings: only the web process is limited, never a Celery worker or a command.
limit_statements(settings.DATABASES, settings.DB_STATEMENT_TIMEOUT_MS)
