"""Every editable model saved through the admin goes through a service: the change form is posted as a
browser would post it (every field as rendered, hidden version included), and the row's history then
names the user and the reason, its version went up, and the roll-up is marked where the model feeds one
(investment inflows and targets, indicator actuals and targets)."""
from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from clusters.models import Cluster
from core.writes import row_save
from indicators.models import IndicatorActual
from investment.choices import Currency, Origin
from investment.models import InvestmentInflow
from org.models import User
from progress.models import RollupMark, SeriesMark
from tests.core.test_access import BUILDERS

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The fields a browser submits from the form with `form_id`: inputs (checked boxes only), selected
    options, text areas."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.data.append((name, attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = name
            self.data.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea:
            name, text = self.data.pop()
            self.data.append((name, text + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _as_posted(response, model) -> dict[str, list[str]]:
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        if "__prefix__" not in name:
            # A text area's first line break belongs to the markup, as browsers read it.
            data.setdefault(name, []).append(value.removeprefix("\n"))
    return data


@pytest.fixture
def superplanner(make_user) -> User:
    """A planner who is also superuser, so the admin shows every inline as well."""
    return make_user(User.Role.PLANNER, "jxw", is_staff=True, is_superuser=True)


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _post_change_form(client, obj, changes: dict | None = None):
    url = _change_url(obj)
    response = client.get(url)
    assert response.status_code == 200
    data = _as_posted(response, type(obj)) | {name: [value] for name, value in (changes or {}).items()}
    data["_save"] = ["Save"]
    return client.post(url, data)


def _series_version(year: int) -> int:
    return SeriesMark.objects.filter(year=year).values_list("version", flat=True).first() or 0


def _assert_saved_by_service(obj, user: User, version_before: int, reason: str = "updated") -> None:
    obj.refresh_from_db()
    latest = obj.history.first()
    assert (latest.history_user, latest.history_change_reason) == (user, reason)
    assert obj.version == version_before + 1


# Every model a planner changes in the admin: the builder of a row, and a field to change (or none).
EDITABLE = {
    "region": None,
    "department": ("responsibility", "负责产业集群建设的统筹协调"),
    "cluster:county": ("notes", "已核对"),
    "enterprise": ("products", "钛白粉"),
    "quarterly_figure": ("output_value", "12.5"),
    "stage_goal:cluster": None,
    "platform": ("name", "黑山县检验检测中心"),
    "park": ("area_km2", "6.5"),
    "readiness_item": ("note", "已开工"),
    "project": ("investor", "锦州钛业"),
    "investment_target": ("amount", "12"),
    "investment_inflow": ("amount", "4.25"),
    "fund:managed": None,
    "factory_programme": None,
    "city_indicator": ("target_percent", "46"),
    "assessment_weight": ("weight", "2"),
}
DOMAIN_APPS = {"org", "clusters", "parks", "investment", "funds", "indicators", "progress"}
FEEDS_THE_SERIES_ROLLUP = {"investment_target", "investment_inflow", "city_indicator"}


@pytest.mark.parametrize("key", EDITABLE)
def test_an_admin_save_goes_through_the_service(client, superplanner, key):
    obj = BUILDERS[key]()
    version, year = obj.version, getattr(obj, "year", None)
    series_before = _series_version(year) if year else 0
    marks_before = list(RollupMark.objects.values_list("cluster_id", "year", "version"))
    client.force_login(superplanner)
    change = EDITABLE[key]
    response = _post_change_form(client, obj, dict([change]) if change else None)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    _assert_saved_by_service(obj, superplanner, version)
    if key in FEEDS_THE_SERIES_ROLLUP:
        assert _series_version(year) == series_before + 1
    # A draft figure does not count yet: only approving or reopening one marks its cluster-year.
    assert list(RollupMark.objects.values_list("cluster_id", "year", "version")) == marks_before


def test_every_model_a_planner_changes_in_the_admin_is_covered(rf, superplanner):
    request = rf.get("/admin/")
    request.user = superplanner
    # The domain apps' models (users are the hardening work's: Django's own form, audited by org.audit).
    editable = {model for model, model_admin in admin.site._registry.items()
                if model._meta.app_label in DOMAIN_APPS and model is not User
                and model_admin.has_change_permission(request)}
    covered = {type(BUILDERS[key]()) for key in EDITABLE} | {IndicatorActual}  # actuals: inline of indicators
    assert editable <= covered


def test_an_indicator_actual_changed_inline_goes_through_its_service(client, superplanner):
    indicator = BUILDERS["city_indicator"]()
    actual = IndicatorActual.objects.create(indicator=indicator, quarter=1, value_percent=Decimal("45"), is_demo=True)
    client.force_login(superplanner)
    response = _post_change_form(client, indicator, {"actuals-0-value_percent": "47.5"})
    assert response.status_code == 302
    _assert_saved_by_service(actual, superplanner, 1)
    assert (actual.value_percent, actual.is_demo) == (Decimal("47.5"), False)
    assert _series_version(indicator.year) == 2  # the indicator, saved with its form, and the actual


def test_an_inflow_added_in_the_admin_marks_its_year(client, superplanner):
    region = Cluster.objects.get(code="heishan-main").regions.get()
    client.force_login(superplanner)
    response = client.post(reverse("admin:investment_investmentinflow_add"), {
        "year": "2012", "quarter": "2", "region": region.pk, "origin": Origin.DOMESTIC, "currency": Currency.CNY,
        "amount": "3.5", "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    inflow = InvestmentInflow.objects.get(year=2012)
    latest = inflow.history.first()
    assert (latest.history_user, latest.history_change_reason, inflow.version) == (superplanner, "created", 1)
    assert _series_version(2012) == 1


def test_an_inflow_deleted_in_the_admin_marks_its_year_and_keeps_who(client, superplanner):
    inflow = BUILDERS["investment_inflow"]()
    client.force_login(superplanner)
    url = reverse("admin:investment_investmentinflow_delete", args=[inflow.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not InvestmentInflow.objects.filter(pk=inflow.pk).exists()
    deleted = InvestmentInflow.history.filter(id=inflow.pk).first()
    assert (deleted.history_type, deleted.history_user, deleted.history_change_reason) == ("-", superplanner, "deleted")
    assert _series_version(inflow.year) == 1


def test_a_stale_admin_form_saves_nothing_and_says_why(client, superplanner, planner):
    park = BUILDERS["park"]()
    client.force_login(superplanner)
    url = _change_url(park)
    data = _as_posted(client.get(url), type(park)) | {"area_km2": ["7"], "_save": ["Save"]}
    park.area_km2 = Decimal("6")
    row_save(user=planner, row=park, expected_version=park.version)  # a colleague saves first
    response = client.post(url, data, follow=True)
    park.refresh_from_db()
    assert park.area_km2 == Decimal("6")
    assert "未覆盖任何内容" in response.content.decode()
