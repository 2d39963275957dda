"""Fixtures shared by the reporting screens' tests."""
import pytest

from tests.reporting.support import english


@pytest.fixture
def as_planner(client, planner):
    """The test client signed in as a planner, in English."""
    english(client)
    client.force_login(planner)
    return client
