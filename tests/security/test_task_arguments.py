"""Every Celery task of the project, given ids of rows that no longer exist, logs and finishes: it neither
fails nor retries. Tasks added later are found by themselves (every task defined in the project's own modules);
a task with a parameter the test cannot fill fails `test_every_task_can_be_tried`, naming it."""
from __future__ import annotations

import inspect
import logging

import pytest
from celery import current_app

from jinzhou.layers import layer_of

pytestmark = pytest.mark.django_db

PROJECT_APPS = tuple(layer_of())  # every app of the project (jinzhou/layers.py)
GONE_ID = 2_000_000_000  # no row has this id
# Parameters that are not ids, with a value a task may meet.
VALUES = {"year": 2011}


def project_tasks() -> list:
    current_app.loader.import_default_modules()
    return sorted((task for name, task in current_app.tasks.items()
                   if name.split(".")[0] in PROJECT_APPS), key=lambda task: task.name)


def arguments(task) -> dict[str, object] | None:
    """Keyword arguments naming rows that do not exist; None if a parameter is neither an id nor known."""
    values = {}
    for name in inspect.signature(task.run).parameters:
        if name.endswith("_id"):
            values[name] = GONE_ID
        elif name in VALUES:
            values[name] = VALUES[name]
        else:
            return None
    return values


def test_every_task_can_be_tried():
    tasks = project_tasks()
    assert len(tasks) >= 6, [task.name for task in tasks]
    assert not [task.name for task in tasks if arguments(task) is None]


@pytest.mark.parametrize("task", project_tasks(), ids=lambda task: task.name)
def test_a_task_given_rows_that_are_gone_logs_and_finishes(task, caplog):
    caplog.set_level(logging.INFO)
    result = task.apply(kwargs=arguments(task))
    assert result.successful(), result.traceback
    assert result.state == "SUCCESS"  # not RETRY
    if any(name.endswith("_id") for name in inspect.signature(task.run).parameters):
        assert str(GONE_ID) in caplog.text, "say in the log that the row is gone"


@pytest.mark.parametrize("task", project_tasks(), ids=lambda task: task.name)
def test_no_task_retries_without_a_limit(task):
    if getattr(task, "autoretry_for", ()):
        assert task.max_retries is not None
        assert task.max_retries <= 10
