"""`manage.py check --deploy` is clean with the production settings, and production cookies are secure."""
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "jinzhou.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "jinzhou.example.gov.cn",
}


# Set by the browser tests' conftest for this test process (Playwright + ORM); never in a deployment.
TEST_ONLY = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "SECURE_HSTS_PRELOAD", *TEST_ONLY)}
    return subprocess.run([sys.executable, "manage.py", *args], env=clean | PRODUCTION | env,  # noqa: S603
                          cwd=settings.BASE_DIR, capture_output=True, text=True, check=False)


def test_check_deploy_reports_nothing():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_turning_hsts_preload_off_is_an_explicit_choice_that_stays_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 silenced" in result.stdout


def test_production_security_settings():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS, s.STORAGES['staticfiles']['BACKEND'])")
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", *TEST_ONLY)}
    result = subprocess.run([sys.executable, "-c", code], env=clean | PRODUCTION, cwd=settings.BASE_DIR,  # noqa: S603
                            capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000",
                                     "whitenoise.storage.CompressedManifestStaticFilesStorage"]
