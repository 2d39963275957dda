"""The entry screen a page at a time: clusters first when a user has more units than a page, a cluster's
units paged and filtered in SQL, a save that touches only the rows of its page (conflicts still caught), and
the Excel template written streaming with every unit."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from org.models import User
from tests.reporting.support import ENTRY, english, load_xlsx

pytestmark = pytest.mark.django_db

Q3 = {"year": 2011, "quarter": 3}


@pytest.fixture
def pv() -> Cluster:
    """pv with 130 enterprises (more than a page), the first five with a figure in 2011 Q3."""
    cluster = Cluster.objects.get(code="pv")
    made = Enterprise.objects.bulk_create(Enterprise(cluster=cluster, name=f"光伏企业{n:03d}") for n in range(130))
    statuses = [FigureStatus.DRAFT, FigureStatus.SUBMITTED, FigureStatus.SUBMITTED, FigureStatus.APPROVED,
                FigureStatus.RETURNED]
    for enterprise, status in zip(made, statuses, strict=False):
        QuarterlyFigure.objects.create(cluster=cluster, enterprise=enterprise, output_value=Decimal(2), status=status,
                                       **Q3)
    return cluster


@pytest.fixture
def pv_editor(make_user) -> User:
    return make_user(User.Role.EDITOR, Cluster.objects.get(code="pv").responsible_department.code)


def _names(response) -> list[str]:
    return [row.unit.enterprise.name for row in response.context["grid"].rows if row.unit.enterprise]


def test_more_units_than_a_page_show_the_clusters_first_with_their_counts(client, planner, pv):
    client.force_login(planner)
    response = client.get(ENTRY, Q3)
    assert response.context["overview"]
    line = next(c for c in response.context["grid"].page.object_list if c.pk == pv.pk)
    assert (line.units, line.entered, line.submitted, line.approved) == (130, 5, 2, 1)
    assertContains(response, f"cluster={pv.pk}")
    assert 'name="unit"' not in response.content.decode()


def test_a_clusters_units_open_a_page_at_a_time_in_name_order(client, planner, pv):
    client.force_login(planner)
    first = client.get(ENTRY, Q3 | {"cluster": pv.pk})
    assert not first.context["overview"]
    assert _names(first) == [f"光伏企业{n:03d}" for n in range(100)]
    assert first.context["grid"].page.paginator.count == 130
    second = client.get(ENTRY, Q3 | {"cluster": pv.pk, "page": 2})
    assert _names(second) == [f"光伏企业{n:03d}" for n in range(100, 130)]
    assertContains(first, "page=2")


def test_the_status_filter_and_the_name_search_narrow_the_units_in_sql(client, planner, pv):
    client.force_login(planner)
    submitted = client.get(ENTRY, Q3 | {"status": FigureStatus.SUBMITTED})
    assert _names(submitted) == ["光伏企业001", "光伏企业002"]
    missing = client.get(ENTRY, Q3 | {"cluster": pv.pk, "status": "missing"})
    assert missing.context["grid"].page.paginator.count == 125
    found = client.get(ENTRY, Q3 | {"q": "企业12"})
    assert _names(found) == [f"光伏企业{n}" for n in range(120, 130)]
    assert client.get(ENTRY, Q3 | {"q": "no such name"}).context["grid"].rows == []


def test_a_filter_that_is_not_understood_is_ignored(client, planner, pv):
    client.force_login(planner)
    response = client.get(ENTRY, Q3 | {"cluster": "x", "status": "lost"})
    assert response.status_code == 200
    assert response.context["overview"]


def test_saving_a_page_touches_only_its_rows_and_comes_back_to_it(client, pv_editor, pv):
    client.force_login(pv_editor)
    page = client.get(ENTRY, Q3 | {"cluster": pv.pk, "page": 2})
    rows = {row.key: {"value": "3", "version": None} for row in page.context["grid"].rows if row.editable}
    assert len(rows) == 30
    before = QuarterlyFigure.objects.count()
    response = client.post(ENTRY, _post_data(rows, cluster=pv.pk, page=2))
    assert response.status_code == 302
    assert response.url == f"{ENTRY}?year=2011&quarter=3&mode=quarter&cluster={pv.pk}&page=2"
    assert QuarterlyFigure.objects.count() == before + 30
    assert set(QuarterlyFigure.objects.filter(enterprise__name__gte="光伏企业100", **Q3)
               .values_list("output_value", flat=True)) == {Decimal(3)}


def _post_data(rows: dict, **hidden) -> dict:
    data = {**Q3, "mode": "quarter", "action": "save", "unit": list(rows), **hidden}
    for unit, row in rows.items():
        data[f"value-{unit}"] = row["value"]
        data[f"note-{unit}"] = ""
        data[f"version-{unit}"] = "" if row["version"] is None else str(row["version"])
    return data


def test_a_row_changed_meanwhile_on_a_later_page_is_still_a_conflict(pv_editor, make_user, pv):
    sessions = []
    for user in (pv_editor, make_user(User.Role.EDITOR, pv_editor.department.code)):
        session = Client()
        english(session)
        session.force_login(user)
        sessions.append(session)
    screens = [{row.key: {"value": row.value_text, "version": row.figure.version if row.figure else None}
                for row in s.get(ENTRY, Q3 | {"cluster": pv.pk, "page": 2}).context["grid"].rows} for s in sessions]
    unit = next(iter(screens[0]))
    screens[0][unit]["value"], screens[1][unit]["value"] = "7", "8"
    assert sessions[0].post(ENTRY, _post_data(screens[0], cluster=pv.pk, page=2)).status_code == 302
    response = sessions[1].post(ENTRY, _post_data(screens[1], cluster=pv.pk, page=2))
    assertContains(response, "Someone else saved these figures while you were editing", status_code=409)
    # Keeping mine or taking theirs comes back to the same page of the same cluster.
    assertContains(response, f'name="cluster" value="{pv.pk}"', count=2, status_code=409)
    assertContains(response, 'name="page" value="2"', count=2, status_code=409)


def test_the_template_streams_every_unit_and_reads_back(client, pv_editor, pv):
    client.force_login(pv_editor)
    response = client.get(reverse("figure-template"), Q3)
    workbook = load_xlsx(response.content)
    sheet = workbook.worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    editable = Cluster.objects.editable_by(pv_editor)
    whole = editable.exclude(pk=pv.pk).count()  # the other clusters report as a whole (no enterprises)
    assert len(codes) == 130 + whole
    assert sum(code.startswith("e") for code in codes) == 130
    ranges = {str(r) for dv in sheet.data_validations.dataValidation for r in dv.sqref.ranges}
    assert f"E4:E{3 + len(codes)}" in ranges
    assert workbook["_meta"]["A1"].value.startswith("jinzhou-quarterly-figures/")
