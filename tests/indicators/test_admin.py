"""The indicators in the admin: targets and their actuals (inline) are kept there; department staff read them only.

The inline of actuals follows Django's model permissions (core.admin.ChildInline), so these tests record actuals
as a superuser; a planner without those permissions changes the target only.
"""
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import CityIndicator, IndicatorActual
from org.models import User

pytestmark = pytest.mark.django_db


def _change_form(indicator: CityIndicator, **changes) -> dict:
    data = {"code": indicator.code, "name_zh": indicator.name_zh, "name_en": indicator.name_en, "year": indicator.year,
            "comparison": indicator.comparison, "target_percent": str(indicator.target_percent),
            "source_text": indicator.source_text,
            "actuals-TOTAL_FORMS": "1", "actuals-INITIAL_FORMS": "0", "actuals-MIN_NUM_FORMS": "0",
            "actuals-MAX_NUM_FORMS": "1000", "actuals-0-quarter": "1", "actuals-0-value_percent": "51.20",
            "actuals-0-indicator": str(indicator.pk)}
    data.update(changes)
    return data


@pytest.fixture
def superuser(make_user) -> User:
    return make_user(User.Role.PLANNER, "jxw", is_staff=True, is_superuser=True)


def test_an_actual_is_recorded_inline(client, superuser):
    indicator = CityIndicator.objects.get(code="industry-share", year=2011)
    client.force_login(superuser)
    url = reverse("admin:indicators_cityindicator_change", args=[indicator.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _change_form(indicator))
    assert response.status_code == 302
    assert list(IndicatorActual.objects.values_list("quarter", "value_percent")) == [(1, Decimal("51.20"))]


def test_a_percentage_out_of_range_is_refused_with_the_form_shown_again(client, superuser):
    indicator = CityIndicator.objects.get(code="industry-share", year=2011)
    client.force_login(superuser)
    url = reverse("admin:indicators_cityindicator_change", args=[indicator.pk])
    response = client.post(url, _change_form(indicator, **{"actuals-0-value_percent": "120"}))
    assert response.status_code == 200
    assert not IndicatorActual.objects.exists()


def test_a_planner_changes_a_target(client, planner):
    indicator = CityIndicator.objects.get(code="industry-share", year=2011)
    client.force_login(planner)
    url = reverse("admin:indicators_cityindicator_change", args=[indicator.pk])
    data = {key: value for key, value in _change_form(indicator, target_percent="52.5").items()
            if not key.startswith("actuals-")}
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_percent == Decimal("52.5")


def test_department_staff_read_the_indicators_but_change_nothing(client, make_user):
    staff_editor = make_user(User.Role.EDITOR, "nlb", is_staff=True)
    indicator = CityIndicator.objects.get(code="industry-share", year=2011)
    client.force_login(staff_editor)
    assert client.get(reverse("admin:indicators_cityindicator_changelist")).status_code == 200
    url = reverse("admin:indicators_cityindicator_change", args=[indicator.pk])
    assert 'name="target_percent"' not in client.get(url).content.decode()
    assert client.post(url, _change_form(indicator, target_percent="1")).status_code == 403
    assert client.get(reverse("admin:indicators_cityindicator_add")).status_code == 403
    indicator.refresh_from_db()
    assert indicator.target_percent == Decimal(50)
