"""No number a client sends answers 5xx: every page form, list filter, import cell and API field that reads
an id or an amount is driven with generated text of the classes that once did (superscripts and circled
digits that `str.isdigit()` accepts, full-width digits, exponents that overflow Decimal, integers past
Python's 4,300-digit limit, NaN and Infinity, control characters: tests/nasty.py), and every answer must be
a 2xx, 3xx or 4xx. `NUMBER_FUZZ_EXAMPLES` sets the examples per test (default 25; each sends ~10–25 requests).
"""
from __future__ import annotations

import io
import json
import os
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.test import APIClient

import funds.services
from clusters.choices import FigureStatus
from clusters.models import QuarterlyFigure
from funds.models import Disbursement, Fund, MatchingFund
from investment.models import Project
from org.models import Region, User
from parks.models import Park
from tests.nasty import nasty_text
from tests.reporting.support import figure, key

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("NUMBER_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ANY = nasty_text() | st.integers(min_value=-(10**30), max_value=10**30).map(str)

# Pages and the query parameters on them that carry a number or an id.
PAGE_FILTERS = {
    "project-list-page": ["stage"], "disbursement-list-page": ["fund"], "city-dashboard": ["year", "quarter"],
    "investment-dashboard": ["year", "quarter"], "goal-page": ["year"], "ranking-page": ["year", "quarter"],
    "figure-entry": ["year", "quarter"], "figure-completeness": ["year", "quarter", "department", "cluster", "page"],
    "figure-review-list": ["year", "quarter"], "park-list-page": ["year", "quarter"],
}
# API lists and their number filters.
API_FILTERS = {
    "/api/v1/figures/": ["cluster", "enterprise", "year", "year_min", "year_max", "quarter", "page"],
    "/api/v1/clusters/": ["region", "responsible_department"],
    "/api/v1/progress/": ["scope_id", "year", "year_min", "quarter"],
    "/api/v1/goals/": ["year", "cluster", "deadline_year"], "/api/v1/ranking/": ["year", "quarter"],
    "/api/v1/disbursements/": ["fund", "region", "park", "cluster"],
    "/api/v1/projects/": ["cluster", "park", "region", "stage", "stage_min"],
    "/api/v1/inflows/": ["region", "year", "quarter"], "/api/v1/parks/": ["region", "leading_cluster"],
    "/api/v1/departments/": ["region"], "/api/v1/funds/": ["year", "managing_department"],
}


def _ok(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    assert b"4300" not in response.content, f"{what}: Python's own error text"
    assert len(response.content) < 2_000_000, f"{what}: {len(response.content)} bytes"


@pytest.fixture
def world(make_user):
    planner = make_user(User.Role.PLANNER, "jxw", is_staff=True)
    editor = make_user(User.Role.EDITOR, "nlb")
    draft = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)
    region = Region.objects.get(code="heishan")
    funds.services.matching_fund_record(user=planner, region=region, year=2011, amount_wan=Decimal(10),
                                        established_on=date(2011, 5, 1))
    funds.services.disbursement_create(user=planner, fund=Fund.objects.first(), region=region,
                                       amount_wan=Decimal(10), paid_on=date(2011, 5, 1), purpose="x")
    return planner, editor, draft


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- pages ----------------------------------------------------------------------------------------------

PAGE_PAIRS = [(name, parameter) for name, parameters in PAGE_FILTERS.items() for parameter in parameters]
API_PAIRS = [(path, parameter) for path, parameters in API_FILTERS.items() for parameter in parameters]
# The classes named in issue 14, sent to every filter; the property tests below add generated ones.
CLASSES = ["²", "①", "１２", "١٢", "1e9999999", "9" * 5000, "NaN", "-1", "\x00", "1,5"]


@pytest.mark.parametrize("value", CLASSES)
def test_every_page_filter_answers_4xx_for_each_class(world, value):
    client = _logged_in(world[0])
    for name, parameter in PAGE_PAIRS:
        _ok(client.get(reverse(name), {parameter: value}), f"{name}?{parameter}")


@FUZZ
@given(requests=st.lists(st.tuples(st.sampled_from(PAGE_PAIRS), ANY), min_size=1, max_size=4))
def test_page_filters_answer_4xx_for_any_number_text(world, requests):
    client = _logged_in(world[0])
    for (name, parameter), value in requests:
        _ok(client.get(reverse(name), {parameter: value}), f"{name}?{parameter}")


@FUZZ
@given(value=ANY, version=ANY, unit=ANY, extra=ANY)
def test_the_entry_screen_and_its_check_answer_4xx_for_any_number_text(world, value, version, unit, extra):
    _planner, editor, _draft = world
    client = _logged_in(editor)
    row = key("heishan-main")
    data = {"year": 2011, "quarter": 3, "mode": "quarter", "unit": [row, f"c{unit}", f"e{unit}"],
            f"value-{row}": value, f"version-{row}": version, f"revenue-{row}": extra, f"employees-{row}": extra,
            f"value-c{unit}": value, f"version-c{unit}": version}
    _ok(client.post(reverse("figure-entry"), data), "entry save")
    _ok(client.post(reverse("figure-entry-check"), data | {"check": row}), "entry check")
    _ok(client.post(reverse("figure-entry-check"), data | {"check": f"c{unit}"}), "entry check of a unit")
    _ok(client.post(reverse("figure-entry"), {"year": value, "quarter": version, "unit": row}), "entry period")


@FUZZ
@given(version=ANY, amount=ANY, an_id=ANY)
def test_page_forms_answer_4xx_for_any_number_text(world, version, amount, an_id):
    planner, _editor, draft = world
    client = _logged_in(planner)
    payment, matching = Disbursement.objects.first(), MatchingFund.objects.first()
    posts = {
        reverse("figure-approve-page", args=[draft.pk]): {"version": version},
        reverse("figure-return-page", args=[draft.pk]): {"version": version, "reason": "x"},
        reverse("figure-reopen-page", args=[draft.pk]): {"version": version, "reason": "x"},
        reverse("disbursement-create-page"): {"fund": an_id, "region": an_id, "park": an_id, "cluster": an_id,
                                              "amount_wan": amount, "paid_on": "2011-05-01", "purpose": "x"},
        reverse("matching-fund-create-page"): {"region": an_id, "year": version, "amount_wan": amount,
                                               "established_on": "2011-05-01"},
        reverse("disbursement-edit-page", args=[payment.pk]): {
            "version": version, "region": Region.objects.first().pk, "amount_wan": amount, "paid_on": "2011-05-01",
            "purpose": "x"},
        reverse("disbursement-cancel-page", args=[payment.pk]): {"version": version, "reason": "x"},
        reverse("matching-fund-edit-page", args=[matching.pk]): {"version": version, "year": an_id,
                                                                 "amount_wan": amount, "established_on": "2011-05-01"},
        reverse("park-page", args=[Park.objects.first().pk]): {"area_km2": amount, "factory_built_m2": amount},
        reverse("project-page", args=[Project.objects.first().pk]): {"expected_stage": version, "to_stage": an_id,
                                                                     "moved_on": "2011-05-01"},
        reverse("park-location-page", args=[Park.objects.first().pk]): {
            "location-longitude": amount, "location-latitude": an_id},
        reverse("project-location-page", args=[Project.objects.first().pk]): {
            "location-longitude": an_id, "location-latitude": amount},
    }
    for url, data in posts.items():
        _ok(client.post(url, data), url)


# --- the import -----------------------------------------------------------------------------------------

@FUZZ
@given(cells=st.lists(ANY | st.floats() | st.integers(min_value=-(10**20), max_value=10**20), min_size=4,
                      max_size=4))
def test_the_import_answers_4xx_for_any_cell(world, cells):
    client = _logged_in(world[1])
    response = client.get(reverse("figure-template"), {"year": 2011, "quarter": 3})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    code, version, value, employees = (ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells)
    sheet.append([code, "x", "", version, value, "", value, None, employees])  # a row of the user's own making
    sheet["D4"], sheet["E4"], sheet["I4"] = version, value, employees
    buffer = io.BytesIO()
    workbook.save(buffer)
    _ok(client.post(reverse("figure-import"), {"file": SimpleUploadedFile("f.xlsx", buffer.getvalue())}), "xlsx")
    rows = list(sheet.iter_rows(values_only=True))
    text = "\r\n".join(",".join(json.dumps(str(v)) if v is not None else "" for v in row) for row in rows)
    content = text.encode("gb18030" if len(text) % 2 else "utf-8-sig", errors="replace")
    _ok(client.post(reverse("figure-import"), {"file": SimpleUploadedFile("f.csv", content)}), "csv")


# --- the API --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", CLASSES)
def test_every_api_filter_answers_4xx_for_each_class(world, value):
    client = _api(world[0])
    for path, parameter in API_PAIRS:
        _ok(client.get(path, {parameter: value}), f"{path}?{parameter}")


@FUZZ
@given(requests=st.lists(st.tuples(st.sampled_from(API_PAIRS), ANY, st.sampled_from(["json", "csv", "xlsx"])),
                         min_size=1, max_size=6))
def test_api_filters_answer_4xx_for_any_number_text(world, requests):
    client = _api(world[0])
    for (path, parameter), value, fmt in requests:
        _ok(client.get(path, {parameter: value, "format": fmt}), f"{path}?{parameter}")


@FUZZ
@given(value=ANY, an_id=ANY, version=ANY, json_number=st.sampled_from(
    ["1e999999", "1e9999999", "-1e9999999", "1" * 5000, "-" + "9" * 4400, "0.30000000000000004", "1E+308", "2e-400",
     "123456789012345678901234567890", "12.3", "-0.0"]))
def test_api_writes_answer_4xx_for_any_number(world, value, an_id, version, json_number):
    _planner, editor, draft = world
    client = _api(editor)
    body = {"cluster": an_id, "enterprise": an_id, "year": value, "quarter": value, "output_value": value,
            "revenue": value, "employees": value, "note": value}
    _ok(client.post("/api/v1/figures/", body, format="json"), "create")
    _ok(client.patch(f"/api/v1/figures/{draft.pk}/", {"version": version, "output_value": value,
                                                      "tax": value}, format="json"), "update")
    for action in ("submit", "approve", "return"):
        _ok(client.post(f"/api/v1/figures/{draft.pk}/{action}/", {"version": version, "reason": "x"},
                        format="json"), action)
    cluster = draft.cluster_id
    raw = (f'{{"cluster": {cluster}, "year": 2011, "quarter": 4, "output_value": {json_number}, '
           f'"employees": {json_number}}}')
    _ok(client.post("/api/v1/figures/", raw, content_type="application/json"), f"raw {json_number[:20]}")
    raw_version = f'{{"version": {json_number}, "output_value": "1"}}'
    _ok(client.patch(f"/api/v1/figures/{draft.pk}/", raw_version, content_type="application/json"), "raw version")
    _ok(client.get(f"/api/v1/figures/{an_id}/"), "detail by id")
    _ok(client.get(f"/api/v1/goals/{an_id}/", {"year": value}), "goal by id")


# --- the examples of issue 14, by name ------------------------------------------------------------------

def test_the_check_endpoint_does_not_echo_a_million_digits(world):
    client = _logged_in(world[1])
    row = key("heishan-main")
    response = client.post(reverse("figure-entry-check"), {
        "year": 2011, "quarter": 3, "mode": "quarter", "unit": row, "check": row, f"value-{row}": "1e999999"})
    assert response.status_code == 200
    assert len(response.content) < 20_000
    assert "“1e999999” is too large." in response.content.decode() or "数值过大" in response.content.decode()


@pytest.mark.parametrize("text", ["²", "①", "١٢", "１２"])
def test_superscripts_and_other_digits_in_ids_are_refused(world, text):
    planner, editor, _draft = world
    assert _logged_in(planner).get(reverse("project-list-page"), {"stage": text}).status_code == 400
    assert _logged_in(planner).get(reverse("disbursement-list-page"), {"fund": text}).status_code == 400
    row = key("heishan-main")
    entry = {"year": 2011, "quarter": 3, "mode": "quarter", "unit": row, f"value-{row}": "12", f"version-{row}": text}
    assert _logged_in(editor).post(reverse("figure-entry"), entry).status_code == 400
    created = _api(editor).post("/api/v1/figures/", {"cluster": text, "year": 2011, "quarter": 4,
                                                     "output_value": "1"}, format="json")
    assert created.status_code == 400
    assert list(created.json()["errors"]) == ["cluster"]
    assert _api(editor).get("/api/v1/figures/", {"cluster": text}).status_code == 400
    assert QuarterlyFigure.objects.count() == 1


def test_a_json_integer_past_pythons_limit_is_a_clean_400(world):
    _planner, editor, draft = world
    body = '{"version": ' + "9" * 5000 + ', "output_value": "1"}'
    response = _api(editor).patch(f"/api/v1/figures/{draft.pk}/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"  # refused by the JSON parser (core.api.parsers)
    assert len(response.content) < 1000


def test_full_width_digits_and_grouping_are_read_alike_on_the_page_and_the_api(world):
    _planner, editor, draft = world
    response = _api(editor).patch(f"/api/v1/figures/{draft.pk}/", {"version": 1, "output_value": "１，２３４．５"},
                                  format="json")
    assert response.json()["output_value"] == "1234.5000"
    refused = _api(editor).patch(f"/api/v1/figures/{draft.pk}/", {"version": 2, "output_value": "1,5"},
                                 format="json")
    assert refused.status_code == 400
    row = key("heishan-main")
    page = _logged_in(editor).post(reverse("figure-entry"), {
        "year": 2011, "quarter": 3, "mode": "quarter", "unit": row, f"value-{row}": "1,5", f"version-{row}": "2"})
    assert page.status_code == 400
    draft.refresh_from_db()
    assert str(draft.output_value) == "1234.5000"


def test_minus_zero_is_saved_and_echoed_as_zero(world):
    _planner, editor, draft = world
    response = _api(editor).patch(f"/api/v1/figures/{draft.pk}/", {"version": 1, "output_value": "-0"}, format="json")
    assert response.json()["output_value"] == "0.0000"
