"""The quarterly-figure admin: bad input gets a clear error on the right field and saves nothing;
admin pages are closed to non-staff users and to staff of other departments."""
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from clusters import services
from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from org.models import User
from tests.factories import EnterpriseFactory, QuarterlyFigureFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:clusters_quarterlyfigure_add")


def _change_url(figure: QuarterlyFigure) -> str:
    return reverse("admin:clusters_quarterlyfigure_change", args=[figure.pk])


def _post(client, user, cluster_code="heishan-main", **values):
    form = {
        "cluster": Cluster.objects.get(code=cluster_code).pk, "enterprise": "", "year": "2011", "quarter": "1",
        "output_value": "12.50", "revenue": "", "tax": "", "employees": "", "fixed_asset_investment": "",
        "note": "",
    } | values
    client.force_login(user)
    return client.post(ADD_URL, form)


def _errors(response) -> dict:
    return response.context["adminform"].form.errors


def _error_codes(response) -> dict[str, list[str]]:
    return {field: [error.code for error in errors] for field, errors in _errors(response).as_data().items()}


def _form_data(response) -> dict:
    """What the browser sends back for the change form as it was rendered (hidden fields included)."""
    form = response.context["adminform"].form
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def test_valid_figure_is_saved_as_a_draft_entered_by_the_planner(client, planner):
    response = _post(client, planner)
    assertRedirects(response, reverse("admin:clusters_quarterlyfigure_changelist"))
    figure = QuarterlyFigure.objects.get()
    assert (figure.output_value, figure.status, figure.entered_by) == (Decimal("12.50"), FigureStatus.DRAFT, planner)


def test_negative_output_value_is_refused_on_its_field(client, planner):
    response = _post(client, planner, output_value="-1")
    assert response.status_code == 200
    assert _error_codes(response) == {"output_value": ["min_value"]}
    assert not QuarterlyFigure.objects.exists()


def test_quarter_5_is_refused_on_its_field(client, planner):
    response = _post(client, planner, quarter="5")
    assert response.status_code == 200
    assert _error_codes(response) == {"quarter": ["max_value"]}
    assert not QuarterlyFigure.objects.exists()


def test_duplicate_quarter_is_refused_with_a_clear_message(client, planner):
    QuarterlyFigureFactory(cluster=Cluster.objects.get(code="heishan-main"), year=2011, quarter=1)
    response = _post(client, planner)
    assert response.status_code == 200
    # Chinese is the default language: the message comes from the zh_Hans catalogue.
    assert _errors(response) == {"__all__": ["该产业集群已有该季度的数据。"]}
    assert QuarterlyFigure.objects.count() == 1


def test_cluster_figure_beside_enterprise_figures_is_refused_on_enterprise(client, planner):
    pv = Cluster.objects.get(code="pv")
    QuarterlyFigureFactory(cluster=pv, enterprise=EnterpriseFactory(cluster=pv), year=2011, quarter=1)
    response = _post(client, planner, cluster_code="pv")
    assert response.status_code == 200
    assert list(_errors(response)) == ["enterprise"]
    assert "按企业填报" in _errors(response)["enterprise"][0]
    assert QuarterlyFigure.objects.count() == 1


def test_enterprise_figure_beside_a_cluster_figure_is_refused_on_enterprise(client, planner):
    pv = Cluster.objects.get(code="pv")
    QuarterlyFigureFactory(cluster=pv, year=2011, quarter=1)
    response = _post(client, planner, cluster_code="pv", enterprise=EnterpriseFactory(cluster=pv).pk)
    assert response.status_code == 200
    assert list(_errors(response)) == ["enterprise"]
    assert "按集群整体填报" in _errors(response)["enterprise"][0]
    assert QuarterlyFigure.objects.count() == 1


def test_the_error_is_shown_on_the_re_rendered_form(client, planner):
    response = _post(client, planner, quarter="5")
    content = response.content.decode()
    assert 'class="errornote"' in content
    assert 'name="quarter" value="5"' in content


def test_non_staff_user_is_sent_to_the_admin_login(client, agri_editor):
    client.force_login(agri_editor)
    response = client.get(reverse("admin:clusters_quarterlyfigure_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_user_cannot_post_a_figure(client, agri_editor):
    response = _post(client, agri_editor)
    assert response.status_code == 302
    assert not QuarterlyFigure.objects.exists()


def test_staff_editor_opens_its_own_departments_figure(client, make_user):
    figure = QuarterlyFigureFactory(cluster=Cluster.objects.get(code="heishan-main"))
    client.force_login(make_user(User.Role.EDITOR, "nlb", is_staff=True))
    assert client.get(_change_url(figure)).status_code == 200


def test_staff_editor_cannot_open_another_departments_figure(client, make_user):
    figure = QuarterlyFigureFactory(cluster=Cluster.objects.get(code="linghe-main"))
    client.force_login(make_user(User.Role.EDITOR, "nlb", is_staff=True))
    response = client.get(_change_url(figure))
    # The admin's queryset is scoped, so the figure does not exist for this editor: back to the index.
    assertRedirects(response, reverse("admin:index"))


def test_staff_editor_cannot_change_another_departments_figure(client, make_user):
    figure = QuarterlyFigureFactory(cluster=Cluster.objects.get(code="linghe-main"), output_value=Decimal("50"))
    client.force_login(make_user(User.Role.EDITOR, "nlb", is_staff=True))
    client.post(_change_url(figure), {"output_value": "1"})
    figure.refresh_from_db()
    assert figure.output_value == Decimal("50")


def test_changing_an_approved_figure_shows_an_error_and_keeps_the_value(client, planner):
    figure = QuarterlyFigureFactory(cluster=Cluster.objects.get(code="heishan-main"), status=FigureStatus.APPROVED,
                                    output_value=Decimal("50"))
    client.force_login(planner)
    data = _form_data(client.get(_change_url(figure))) | {"output_value": "60"}
    response = client.post(_change_url(figure), data)
    figure.refresh_from_db()
    assert response.status_code in (200, 302)
    assert figure.output_value == Decimal("50")


def test_stale_change_form_does_not_overwrite_a_newer_save(client, planner, make_user):
    figure = services.figure_create(user=planner, cluster=Cluster.objects.get(code="heishan-main"), year=2011,
                                    quarter=1, output_value=Decimal("10"))
    client.force_login(planner)
    data = _form_data(client.get(_change_url(figure))) | {"output_value": "30"}
    colleague = make_user(User.Role.PLANNER, "jxw", is_staff=True)
    services.figure_update(user=colleague, figure_id=figure.pk, expected_version=1, output_value=Decimal("20"))
    client.post(_change_url(figure), data)
    figure.refresh_from_db()
    assert figure.output_value == Decimal("20")


def test_staff_editor_finds_the_figures_on_the_admin_index(client, make_user):
    client.force_login(make_user(User.Role.EDITOR, "nlb", is_staff=True))
    response = client.get(reverse("admin:index"))
    assert reverse("admin:clusters_quarterlyfigure_changelist") in response.content.decode()
