"""Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis).

Every operation of /api/schema/ is called with generated valid and invalid inputs, as a planner
and as a department's API client (both by token), through the WSGI app inside the test's
transaction. Checks: no 5xx for anything a client can send; every status code, content type and
JSON body conforms to the schema. Bounded: FUZZ_MAX_EXAMPLES examples per operation (default 15).
"""
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from org.models import User

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI app, whose request signals would close the database connection
    (and with it the test's transaction) on PostgreSQL; Django's own test client unhooks them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(make_user, demo) -> dict[str, str]:
    planner = make_user(User.Role.PLANNER, "jxw", username="fuzz-planner")
    client = make_user(User.Role.API_CLIENT, "nlb", username="fuzz-client")
    return {name: Token.objects.create(user=user).key for name, user in (("planner", planner), ("client", client))}


# The schema view needs no database: loading it while collecting is safe.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=MAX_EXAMPLES, database=None)
def test_api_conforms_to_its_schema_and_never_fails_with_5xx(case, tokens):
    for key in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {key}", "Accept-Language": "en"}, checks=CHECKS)
