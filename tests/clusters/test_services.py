"""Figure services: validation, permissions, optimistic locking and the review workflow."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters import services
from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from core.exceptions import VersionConflict
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _create(user, code="heishan-main", **kw):
    values = {"year": 2011, "quarter": 1, "output_value": Decimal("12.5")} | kw
    return services.figure_create(user=user, cluster=Cluster.objects.get(code=code), **values)


def test_editor_creates_a_draft_for_its_own_cluster(agri_editor):
    figure = _create(agri_editor)
    assert (figure.status, figure.version, figure.entered_by) == (FigureStatus.DRAFT, 1, agri_editor)


def test_editor_cannot_create_for_another_departments_cluster(agri_editor):
    with pytest.raises(PermissionDenied):
        _create(agri_editor, code="linghe-main")
    assert not QuarterlyFigure.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"output_value": Decimal("-1")}, "output_value"), ({"quarter": 5}, "quarter"), ({"year": 1999}, "year")],
)
def test_bad_values_name_the_field_and_save_nothing(agri_editor, changes, field):
    with pytest.raises(ValidationError) as error:
        _create(agri_editor, **changes)
    assert field in error.value.message_dict
    assert not QuarterlyFigure.objects.exists()


def test_duplicate_quarter_is_refused(agri_editor):
    _create(agri_editor)
    with pytest.raises(ValidationError) as error:
        _create(agri_editor)
    assert "该产业集群已有该季度的数据" in str(error.value)  # Chinese by default
    assert QuarterlyFigure.objects.count() == 1


def test_cluster_figure_beside_enterprise_figures_is_refused(planner):
    enterprise = EnterpriseFactory(cluster=Cluster.objects.get(code="pv"))
    _create(planner, code="pv", enterprise=enterprise)
    with pytest.raises(ValidationError) as error:
        _create(planner, code="pv")
    assert "enterprise" in error.value.message_dict
    assert QuarterlyFigure.objects.count() == 1


def test_enterprise_of_another_cluster_is_refused(planner):
    enterprise = EnterpriseFactory(cluster=Cluster.objects.get(code="auto"))
    with pytest.raises(ValidationError) as error:
        _create(planner, code="pv", enterprise=enterprise)
    assert "enterprise" in error.value.message_dict


def test_stale_version_is_refused_and_nothing_is_overwritten(agri_editor):
    figure = _create(agri_editor)
    services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=1, output_value=Decimal("13"))
    with pytest.raises(VersionConflict) as conflict:
        services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=1, output_value=Decimal("99"))
    assert conflict.value.current.output_value == Decimal("13")
    figure.refresh_from_db()
    assert (figure.output_value, figure.version) == (Decimal("13"), 2)


def test_review_workflow_submit_approve_lock_and_reopen(agri_editor, planner):
    figure = _create(agri_editor)
    figure = services.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    with pytest.raises(PermissionDenied):
        services.figure_approve(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    figure = services.figure_approve(user=planner, figure_id=figure.pk, expected_version=figure.version)
    assert (figure.status, figure.approved_by) == (FigureStatus.APPROVED, planner)
    with pytest.raises(ValidationError):
        services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=figure.version,
                               output_value=Decimal(1))
    with pytest.raises(ValidationError):
        services.figure_reopen(user=planner, figure_id=figure.pk, expected_version=figure.version, reason=" ")
    figure = services.figure_reopen(user=planner, figure_id=figure.pk, expected_version=figure.version,
                                    reason="复核数据")
    assert figure.status == FigureStatus.RETURNED
    assert figure.history.first().history_change_reason == "reopened: 复核数据"


def test_database_refuses_both_reporting_modes_even_without_the_service():
    from django.db import IntegrityError, transaction

    pv = Cluster.objects.get(code="pv")
    enterprise = EnterpriseFactory(cluster=pv)
    QuarterlyFigure.objects.create(cluster=pv, enterprise=enterprise, year=2012, quarter=2, output_value=1)
    with pytest.raises(IntegrityError, match="figure_one_reporting_mode"), transaction.atomic():
        QuarterlyFigure.objects.create(cluster=pv, year=2012, quarter=2, output_value=1)
    assert QuarterlyFigure.objects.filter(cluster=pv).count() == 1
