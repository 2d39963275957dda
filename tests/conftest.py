"""Shared fixtures. The plan (load_plan) is loaded once per test session; each test runs in a
transaction that is rolled back, so every test starts from the plan as DOMAIN.md states it."""
import os

import pytest
from django.conf import settings
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from org.models import Department, User
from plan.loader import plan_load

IN_CI = os.environ.get("CI") == "true"


def pytest_configure(config: pytest.Config) -> None:
    # In CI nothing may fall back silently: the suite must run on PostgreSQL.
    if IN_CI and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        raise pytest.UsageError("CI=true but DATABASE_URL is not PostgreSQL; refusing to run on SQLite.")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        plan_load()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test (live_server, a real worker) flushes the database when it ends, plan included.
    Transactional tests load the plan themselves; before any other test, load it again so that test starts
    from the plan like every other."""
    yield
    if nextitem is not None and _flushes(item) and not _flushes(nextitem):
        with item.config.stash[blocking_manager_key].unblock():
            plan_load()


def _flushes(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    uses = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool({"transactional_db", "live_server"} & uses)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: the test client runs the request in the test's thread, and a
    request in English (a language cookie) leaves English active for whatever runs after it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db):
    """make_user(role, department_code=None) -> a saved user with that role."""

    def make(role: str, department_code: str | None = None, **extra) -> User:
        department = Department.objects.get(code=department_code) if department_code else None
        username = extra.pop("username", f"{role}-{department_code or 'city'}-{User.objects.count()}")
        return User.objects.create_user(username=username, password="pw-jinzhou-123", role=role,
                                        department=department, **extra)

    return make


@pytest.fixture
def planner(make_user) -> User:
    return make_user(User.Role.PLANNER, "jxw", is_staff=True)


@pytest.fixture
def agri_editor(make_user) -> User:
    return make_user(User.Role.EDITOR, "nlb")
