"""Settings for the API benchmark's gunicorn: the app's own, plus the floor views' URLconf."""
from jinzhou.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.api_floor"
