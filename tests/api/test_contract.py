"""The API as a contract: what the schema says is what the API accepts and answers.

Names a client generator turns into code are ASCII identifiers (Chinese stays in descriptions),
request bodies are JSON only and read strictly, every query parameter accepts exactly its
documented values (an empty one meaning "not given"), and downloads are named.
"""
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusters.models import Cluster
from core.api.downloads import content_disposition
from core.api.inputs import decimal_pattern
from org.models import Region
from tests.factories import QuarterlyFigureFactory

pytestmark = pytest.mark.django_db

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LISTS = ["departments", "regions", "clusters", "figures", "commentary", "goals", "progress", "parks", "projects",
         "inflows", "funds", "disbursements", "ranking", "scenarios"]


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _walk(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), key, value
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


# --- names -------------------------------------------------------------------------------------------

def test_the_title_is_ascii_and_the_chinese_name_is_in_the_description(schema):
    assert schema["info"]["title"] == "Jinzhou Cluster Plan API"
    assert "锦州产业集群规划与进度" in schema["info"]["description"]


def test_no_schema_object_has_a_title_a_generator_would_turn_into_a_class_name(schema):
    def is_title(path) -> bool:  # the keyword, not a property named "title" (a dashboard chart has one)
        return path[-1] == "title" and not (len(path) > 1 and path[-2] == "properties")

    titles = [path for path, _key, _value in _walk(schema["paths"]) if is_title(path)]
    titles += [path for path, _key, _value in _walk(schema["components"]) if is_title(path)]
    assert titles == []


def test_operation_ids_component_names_and_enum_values_are_ascii_identifiers(schema):
    assert all(IDENTIFIER.fullmatch(operation["operationId"]) for _p, _m, operation in _operations(schema))
    assert all(IDENTIFIER.fullmatch(name) for name in schema["components"]["schemas"])
    enums = [value for _path, key, values in _walk(schema) if key == "enum" for value in values]
    assert enums
    assert all(value is None or str(value).isascii() for value in enums)
    assert {o["operationId"] for p, _m, o in _operations(schema) if p.endswith(("/submit/", "/approve/", "/return/"))} \
        == {"figures_submit", "figures_approve", "figures_return"}


def test_chinese_labels_stay_in_the_descriptions(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/figures/"]["get"]["parameters"]}
    assert parameters["status"]["description"].startswith("状态")
    figure = schema["components"]["schemas"]["Figure"]["properties"]
    assert "产值" in figure["output_value"]["description"]


# --- request bodies ----------------------------------------------------------------------------------

def test_every_write_declares_a_json_body_only_with_no_other_keys(schema):
    bodies = [(path, operation["requestBody"]) for path, _m, operation in _operations(schema)
              if "requestBody" in operation]
    writes = [path for path, method, _o in _operations(schema) if method in ("post", "put", "patch")]
    assert len(bodies) == len(writes) >= 6  # create, update, submit, approve, return, reopen (and any later)
    for path, body in bodies:
        assert list(body["content"]) == ["application/json"], path
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        declared = schema["components"]["schemas"][ref]
        # a body of two shapes (a figure's output as the quarter's value or as 累计) is one of two named bodies
        shapes = [schema["components"]["schemas"][one["$ref"].rsplit("/", 1)[1]] for one in declared.get("oneOf", [])]
        for shape in shapes or [declared]:
            assert shape["additionalProperties"] is False, path


def test_writes_document_409_404_and_415_in_the_error_shape(schema):
    for _path, method, operation in _operations(schema):
        if method in ("post", "patch"):
            for status in ("400", "404", "409", "415"):
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}
    conflict = schema["paths"]["/api/v1/figures/{id}/"]["patch"]["responses"]["409"]["description"]
    for code in ("version_conflict", "locked", "status", "already_reported", "reporting_mode", "quarter_not_over",
                 "explanation_needed"):
        assert f"`{code}`" in conflict


def test_a_form_encoded_body_is_415(api, roles):
    response = api.as_(roles.planner).post("/api/v1/figures/", "cluster=1&year=2012",
                                           content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


@pytest.mark.parametrize("body", [
    '{"version": 1, "version": 2}',
    '{"cluster": 1, "year": 2012, "quarter": 1, "output_value": "1", "year": 2013}',
    '{"outer": {"a": 1, "a": 2}}',
])
def test_a_key_given_twice_is_400_naming_it(api, roles, body):
    response = api.as_(roles.planner).post("/api/v1/figures/", body, content_type="application/json",
                                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert response.json()["code"] == "parse_error"
    assert re.fullmatch(r'The key "\w+" appears more than once in one object; send it once\.', detail)


@pytest.mark.parametrize(("body", "message"), [
    ('{"version": ' + "9" * 5000 + "}", "A number in the body has more than 30 digits."),
    ('{"version": -' + "9" * 31 + "}", "A number in the body has more than 30 digits."),
    ('{"output_value": NaN}', "NaN is not a number JSON allows."),
    ('{"output_value": -Infinity}', "-Infinity is not a number JSON allows."),
])
def test_numbers_json_or_python_cannot_hold_are_a_short_400(api, roles, body, message):
    response = api.as_(roles.planner).post("/api/v1/figures/", body, content_type="application/json",
                                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "parse_error", "errors": {}}


def test_parse_errors_are_translated(api, roles):
    response = api.as_(roles.planner).post("/api/v1/figures/", '{"a": 1, "a": 1}', content_type="application/json")
    assert response.json()["detail"] == "同一对象中键“a”出现了多次；请只发送一次。"


@given(st.decimals(min_value=0, max_value=10000, places=4, allow_nan=False, allow_infinity=False))
def test_the_amount_pattern_admits_exactly_the_values_up_to_the_maximum(value):
    pattern = re.compile(decimal_pattern(integer_digits=8, places=4, maximum=Decimal(5000)))
    for text in {f"{value:f}", f"{value.normalize():f}"}:
        assert bool(pattern.fullmatch(text)) == (value <= 5000), text


def test_the_amount_pattern_refuses_what_is_not_a_plain_decimal():
    pattern = re.compile(decimal_pattern(integer_digits=8, places=4))
    assert all(pattern.fullmatch(text) for text in ("99999999.9999", "0.5", "12", "0"))
    for text in ("", ".", "-1", "+1", "1.", ".5", "01", "1e3", "1.23456", "123456789", "1,5", " 1", "NaN"):
        assert not pattern.fullmatch(text), text


# --- query parameters --------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", LISTS)
def test_every_documented_optional_query_parameter_may_be_sent_empty(api, roles, schema, endpoint):
    client = api.as_(roles.planner)
    parameters = schema["paths"][f"/api/v1/{endpoint}/"]["get"]["parameters"]
    for parameter in parameters:
        assert parameter["allowEmptyValue"] is True, parameter["name"]
        response = client.get(f"/api/v1/{endpoint}/", {parameter["name"]: ""})
        assert response.status_code == 200, (parameter["name"], response.content[:200])


def test_goal_and_ranking_parameters_document_their_range(schema):
    def bounds(path, name):
        parameter = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)
        return parameter["schema"]["minimum"], parameter["schema"]["maximum"]

    assert bounds("/api/v1/goals/", "year") == bounds("/api/v1/goals/{id}/", "year") == (2000, 2100)
    assert bounds("/api/v1/ranking/", "quarter") == (1, 4)


@pytest.mark.parametrize(("endpoint", "param", "value"), [
    ("funds", "requires_matching_fund", "yes"), ("funds", "requires_matching_fund", "null"),
    ("clusters", "is_placeholder", "1"), ("projects", "is_key", "maybe"),
    ("disbursements", "paid_to", "2011-5-1"), ("disbursements", "paid_from", "2011/05/10"),
    ("disbursements", "paid_from", "20110510"), ("disbursements", "paid_to", "10.05.2011"),
])
def test_a_boolean_or_date_it_cannot_read_is_400_not_ignored(api, roles, endpoint, param, value):
    response = api.as_(roles.planner).get(f"/api/v1/{endpoint}/", {param: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [param]


@pytest.mark.parametrize(("endpoint", "param", "value"), [
    ("figures", "cluster", "3.0"), ("figures", "year", "2011.0"), ("figures", "year", "+2011"),
    ("figures", "year", "２０１１"), ("figures", "year", "2e3"), ("regions", "page_size", "5.0"),
    ("goals", "year", "2013.0"), ("ranking", "quarter", "1.0"), ("ranking", "year", " 2011"),
])
def test_an_integer_parameter_takes_ascii_digits_only(api, roles, endpoint, param, value):
    response = api.as_(roles.planner).get(f"/api/v1/{endpoint}/", {param: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [param]


@pytest.mark.parametrize(("field", "value"), [
    ("version", 1.0), ("version", "1"), ("version", True), ("year", 2012.0), ("year", "2012"), ("quarter", "1"),
    ("cluster", "heishan"), ("cluster", 1.0), ("employees", 12.0),
])
def test_an_integer_in_a_body_is_a_json_integer(api, roles, field, value):
    heishan = Cluster.objects.get(code="heishan-main")
    client = api.as_(roles.planner)
    if field == "version":
        figure = QuarterlyFigureFactory(cluster=heishan)
        response = client.post(f"/api/v1/figures/{figure.pk}/submit/", {"version": value}, format="json")
    else:
        body = {"cluster": heishan.pk, "year": 2012, "quarter": 1, "output_value": "1", field: value}
        if field == "cluster" and value == "heishan":
            body["cluster"] = str(heishan.pk)
        response = client.post("/api/v1/figures/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_booleans_and_dates_filter_as_documented(api, roles, demo):
    client = api.as_(roles.planner)
    placeholders = client.get("/api/v1/clusters/", {"is_placeholder": "TRUE"}).json()["results"]
    assert placeholders
    assert all(row["is_placeholder"] for row in placeholders)
    paid = client.get("/api/v1/disbursements/", {"paid_from": "2011-05-10", "paid_to": "2011-05-10"}).json()
    assert paid["count"]
    assert all(row["paid_on"] == "2011-05-10" for row in paid["results"])


# --- downloads ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "filename"), [
    ("/api/v1/progress/?year=2016&quarter=1&format=csv", "progress-2016Q1.csv"),
    ("/api/v1/progress/?scope=city&year=2014&quarter=0&format=xlsx", "progress-city-2014.xlsx"),
    ("/api/v1/figures/?cluster_code=pv&year=2015&format=csv", "figures-pv-2015.csv"),
    ("/api/v1/clusters/?format=csv", "clusters.csv"),
    ("/api/v1/regions/{region}/?format=csv", "regions-{region}.csv"),
])
def test_csv_and_xlsx_downloads_are_named_after_what_was_asked(api, roles, url, filename):
    region = Region.objects.get(code="heishan").pk
    filename = filename.format(region=region)
    response = api.as_(roles.planner).get(url.format(region=region))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_a_chinese_download_name_has_an_ascii_fallback_and_its_utf8_form():
    assert content_disposition("进度-2016Q1.csv") == (
        "attachment; filename=\"_-2016Q1.csv\"; filename*=UTF-8''%E8%BF%9B%E5%BA%A6-2016Q1.csv")
    assert content_disposition('a"b;c.csv') == "attachment; filename=\"a_b_c.csv\"; filename*=UTF-8''a%22b%3Bc.csv"
