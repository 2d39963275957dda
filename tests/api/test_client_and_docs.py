"""Third-party clients against a live server: a client generated from the live schema, and pandas.

The schema served by the running app is validated with openapi-spec-validator, turned into a Python
package by openapi-python-client (warnings fail the generation), pip-installed into a temporary folder,
every module of it imported, and used: list clusters, page through figures and progress, read goals,
and the editor → planner workflow including a stale version parsed into the typed error. The Python
examples of docs/api.md are run as written. Nothing here is skipped: without the generator or pandas
the test fails (they are dev dependencies).
"""
import importlib
import json
import pkgutil
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openapi_python_client
import pandas as pd
import pytest
import requests
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token

from org.models import User
from plan.demo import demo_load
from plan.loader import plan_load
from progress.services import rollup_full

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
PACKAGE = "jinzhou_cluster_plan_api_client"


def doc_example(name: str) -> str:
    """The code block of docs/api.md that follows `<!-- example: NAME -->`."""
    match = re.search(rf"<!-- example: {re.escape(name)} -->\n```python\n(.*?)\n```", DOCS.read_text(), re.S)
    assert match, f"docs/api.md has no example {name!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def live_schema(live_server) -> dict:
    response = requests.get(f"{live_server.url}/api/schema/", params={"format": "json"}, timeout=30)
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def generated_client(live_schema, tmp_path_factory):
    """The package openapi-python-client generates from the live schema, pip-installed into a temporary
    folder that is put on sys.path for this module's tests."""
    folder = tmp_path_factory.mktemp("client")
    (folder / "schema.json").write_text(json.dumps(live_schema))
    (folder / "config.yaml").write_text("post_hooks: []\n")  # no formatter run: the generated code as is
    generated = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(folder / "schema.json"),
         "--output-path", str(folder / "source"), "--meta", "setup", "--config", str(folder / "config.yaml"),
         "--fail-on-warning"],
        capture_output=True, text=True, check=False, timeout=300)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    installed = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation",
         "--target", str(folder / "site"), str(folder / "source")],
        capture_output=True, text=True, check=False, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    sys.path.insert(0, str(folder / "site"))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder / "site"))
        for module in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[module]


@pytest.fixture
def tokens() -> dict[str, str]:
    """The plan and the demo data rolled up (transactional tests start from an empty database), and a
    token for a planner, an editor of 市农领办 and a city-wide API client."""
    plan_load()
    demo_load()
    rollup_full()
    users = {"planner": (User.Role.PLANNER, "jxw"), "editor": (User.Role.EDITOR, "nlb"),
             "client": (User.Role.API_CLIENT, None)}
    from org.models import Department

    return {name: Token.objects.create(user=User.objects.create_user(
        username=f"doc-{name}", password="pw-jinzhou-123", role=role,
        department=Department.objects.get(code=department) if department else None)).key
        for name, (role, department) in users.items()}


def test_the_live_schema_is_valid_openapi(live_schema):
    validate(live_schema)
    assert openapi_python_client  # the generator is a dev dependency: importing it is part of the contract


def test_every_module_of_the_generated_client_imports(generated_client):
    names = [info.name for info in pkgutil.walk_packages(generated_client.__path__, f"{PACKAGE}.")]
    for name in names:
        importlib.import_module(name)
    assert f"{PACKAGE}.api.figures.figures_approve" in names
    assert len(names) > 80  # every operation and every model


def test_the_generated_client_lists_pages_and_reads(generated_client, live_server, tokens):
    from jinzhou_cluster_plan_api_client import AuthenticatedClient
    from jinzhou_cluster_plan_api_client.api.clusters import clusters_list
    from jinzhou_cluster_plan_api_client.api.figures import figures_list
    from jinzhou_cluster_plan_api_client.api.goals import goals_list
    from jinzhou_cluster_plan_api_client.api.progress import progress_list
    from jinzhou_cluster_plan_api_client.models import FiguresListStatus, GoalEvaluation, ProgressListScope

    client = AuthenticatedClient(base_url=live_server.url, token=tokens["client"], prefix="Token")
    clusters = clusters_list.sync(client=client, page_size=1000)
    assert clusters.count == len(clusters.results) > 10
    assert {cluster.code for cluster in clusters.results} >= {"pv", "heishan-main"}

    def every_page(operation, **params) -> list:
        rows, page = [], 1
        while True:
            answer = operation.sync(client=client, page=page, page_size=100, **params)
            rows += answer.results
            if not answer.next_:
                return rows
            page += 1

    approved = every_page(figures_list, status=FiguresListStatus.APPROVED)
    assert len(approved) > 100
    assert len({figure.id for figure in approved}) == len(approved)
    assert all(Decimal(figure.output_value) >= 0 for figure in approved)
    city = every_page(progress_list, scope=ProgressListScope.CITY)
    assert {(row.year, row.quarter) for row in city} >= {(2011, 0), (2011, 1), (2015, 0), (2015, 3)}

    goals = goals_list.sync(client=client, year=2013, page_size=1000)
    assert goals.results
    assert all(isinstance(goal, GoalEvaluation) for goal in goals.results)


def test_the_generated_client_example_in_the_docs_runs(generated_client, live_server, tokens, monkeypatch, capsys):
    monkeypatch.setenv("JINZHOU_URL", live_server.url)
    monkeypatch.setenv("EDITOR", tokens["editor"])
    monkeypatch.setenv("PLANNER", tokens["planner"])
    namespace: dict = {}
    exec(compile(doc_example("generated-client"), "docs/api.md: generated-client", "exec"), namespace)  # noqa: S102

    assert (namespace["stale"].status_code, namespace["stale"].parsed.code) == (409, "version_conflict")
    approved = namespace["approved"]
    assert (str(approved.status), approved.version, approved.output_value) == ("approved", 3, "31.2500")
    assert capsys.readouterr().out.splitlines() == ["version_conflict 2", "approved 3 31.2500"]


def test_the_pandas_example_in_the_docs_reads_progress_as_numbers(live_server, tokens, monkeypatch, capsys):
    monkeypatch.setenv("JINZHOU_URL", live_server.url)
    monkeypatch.setenv("TOKEN", tokens["client"])
    namespace: dict = {}
    try:
        exec(compile(doc_example("pandas"), "docs/api.md: pandas", "exec"), namespace)  # noqa: S102
    except TypeError as error:  # comparing a column with a number: the column arrived as text
        pytest.fail(f"the pandas example met a numeric column read as text: {error}")

    progress, falling = namespace["progress"], namespace["falling"]
    for column in ("year", "quarter", "value", "ytd_value", "yoy_growth", "ytd_yoy_growth"):
        assert pd.api.types.is_numeric_dtype(progress[column]), (column, progress[column].dtype)
    assert len(falling) > 0  # negative growth arrives as a number, not as text
    figures = namespace["figures"]
    assert len(figures) > 0
    assert pd.api.types.is_numeric_dtype(figures["output_value"])  # xlsx: numeric cells
    rows = requests.get(f"{live_server.url}/api/v1/progress/", params={"page_size": 1000}, timeout=30,
                        headers={"Authorization": f"Token {tokens['client']}"}).json()["results"]
    assert len(progress) == len(rows)
    for row, (_index, read) in zip(rows, progress.iterrows(), strict=True):
        for column in ("value", "yoy_growth"):
            if row[column] is None:
                assert pd.isna(read[column])
            else:
                assert Decimal(str(read[column])) == Decimal(row[column]), (column, row, read[column])
    assert capsys.readouterr().out.strip()
