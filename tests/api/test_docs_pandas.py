"""The pandas example of docs/api.md runs as written against a live server with demo data, a falling
cluster among it: the exports it reads are typed (issue 13)."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F
from rest_framework.authtoken.models import Token

from clusters.models import QuarterlyFigure
from org.models import User
from plan.demo import demo_load
from plan.loader import plan_load
from progress.services import rollup_full

DOCS = Path(settings.BASE_DIR) / "docs" / "api.md"


def _pandas_example() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### With pandas", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_the_pandas_example_in_the_api_docs_runs(live_server):
    plan_load()  # a transactional test starts from an empty database
    demo_load()
    QuarterlyFigure.objects.filter(cluster__code="pv", year=2015).update(output_value=F("output_value") / 10)
    rollup_full()
    user = User.objects.create_user(username="docs-api", password="pw-jinzhou-123", role=User.Role.API_CLIENT)
    code = _pandas_example().replace("http://127.0.0.1:8000", live_server.url)
    namespace = {"TOKEN": Token.objects.create(user=user).key}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - our own documentation's example
    assert namespace["growth"]["yoy_growth"].min() < 0
    assert namespace["figures"]["output_value"].dtype == "float64"
