"""Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis, every check).

Every operation of /api/schema/ is called with generated valid and invalid inputs, as a planner, as a
department's editor (who may write its clusters' figures) and as a department's API client (all by
token), through the WSGI app inside the test's transaction. All of schemathesis's checks run (what
`st run --checks all` runs): no 5xx; every status code, content type, header and JSON body conforms to
the schema; input the schema forbids is refused (4xx) and input it allows is not refused with a 400
(business refusals are the documented 404 / 409); methods the schema does not list answer 405.
A stateful run follows the links schemathesis infers (list → item → write), so the editor also
changes, submits and the planner approves real figures. Bounded: FUZZ_MAX_EXAMPLES examples per
operation (default 15) and FUZZ_STATEFUL_EXAMPLES scenarios.
"""
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from org.models import User

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "10"))
ROLES = {
    "planner": (User.Role.PLANNER, "jxw"),
    "editor": (User.Role.EDITOR, "nlb"),
    "client": (User.Role.API_CLIENT, "nlb"),
}


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
    return {name: Token.objects.create(user=make_user(role, department, username=f"fuzz-{name}")).key
            for name, (role, department) in ROLES.items()}


def _headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}", "Accept-Language": "en"}


# The schema view needs no database: loading it while collecting is safe.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=MAX_EXAMPLES, database=None)
def test_api_conforms_to_its_schema_under_every_check(case, tokens):
    for key in tokens.values():
        case.call_and_validate(headers=_headers(key))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "planner"])
def test_workflows_along_the_schema_s_links_conform(tokens, role):
    headers = _headers(tokens[role])

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Told which headers were the caller's, the auth checks take the token away and expect a 401.
            case.validate_response(response, additional_checks=additional_checks, headers=headers,
                                   transport_kwargs=kwargs, recorder=getattr(self, "recorder", None))

    Workflow.run(settings=settings(deadline=None, suppress_health_check=list(HealthCheck), database=None,
                                   max_examples=STATEFUL_EXAMPLES, stateful_step_count=6, derandomize=True))
