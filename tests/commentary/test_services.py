"""Commentary services: the status cycle (alone and with the quarter's figures), versions and history, conflicts,
validation and access."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters import services as figures
from clusters.choices import FigureStatus
from clusters.models import Cluster, StageGoal
from commentary import services
from commentary.models import QuarterCommentary
from core.exceptions import VersionConflict
from core.history import object_history
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

TEXTS = {"progress": "新投产项目3个", "problems": "用地指标紧张", "next_steps": "加快土地报批"}


def _write(user, code="heishan-main", version=None, year=2011, quarter=1, **kw):
    return services.commentary_save(user=user, cluster=Cluster.objects.get(code=code), year=year, quarter=quarter,
                                    expected_version=version, **(TEXTS | kw))


def test_an_editor_writes_a_draft_for_its_cluster(agri_editor):
    commentary = _write(agri_editor)
    assert (commentary.status, commentary.version, commentary.progress) == (FigureStatus.DRAFT, 1, "新投产项目3个")


def test_another_departments_cluster_is_refused(agri_editor):
    with pytest.raises(PermissionDenied):
        _write(agri_editor, code="linghe-main")
    assert not QuarterCommentary.objects.exists()


def test_a_text_over_the_limit_is_refused_naming_the_field(agri_editor):
    with pytest.raises(ValidationError) as error:
        _write(agri_editor, problems="问" * 1001)
    assert "problems" in error.value.message_dict


def test_a_quarter_not_over_is_refused(agri_editor):
    with pytest.raises(ValidationError):
        _write(agri_editor, year=2100, quarter=4)


def test_a_stale_version_is_a_conflict_and_saves_nothing(agri_editor):
    first = _write(agri_editor)
    _write(agri_editor, version=first.version, progress="第二人的文字")
    with pytest.raises(VersionConflict) as conflict:
        _write(agri_editor, version=first.version, progress="第一人的文字")
    assert conflict.value.current.progress == "第二人的文字"
    assert QuarterCommentary.objects.get().progress == "第二人的文字"


def test_writing_without_a_version_when_one_was_saved_meanwhile_is_a_conflict(agri_editor):
    _write(agri_editor)
    with pytest.raises(VersionConflict):
        _write(agri_editor, version=None)


def test_submit_needs_the_three_texts(agri_editor):
    commentary = _write(agri_editor, next_steps="")
    with pytest.raises(ValidationError):
        services.commentary_submit(user=agri_editor, commentary_id=commentary.pk, expected_version=commentary.version)


def test_the_cycle_submit_return_resubmit_approve_is_versioned_and_in_history(agri_editor, planner, settings):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    commentary = _write(agri_editor)
    commentary = services.commentary_submit(user=agri_editor, commentary_id=commentary.pk,
                                            expected_version=commentary.version)
    with pytest.raises(ValidationError):
        _write(agri_editor, version=commentary.version)  # submitted: locked
    with pytest.raises(PermissionDenied):
        services.commentary_approve(user=agri_editor, commentary_id=commentary.pk, expected_version=commentary.version)
    commentary = services.commentary_return(user=planner, commentary_id=commentary.pk,
                                            expected_version=commentary.version, reason="问题写得太笼统")
    assert (commentary.status, commentary.return_reason) == (FigureStatus.RETURNED, "问题写得太笼统")
    commentary = _write(agri_editor, version=commentary.version, problems="用地指标缺口200亩")
    commentary = services.commentary_submit(user=agri_editor, commentary_id=commentary.pk,
                                            expected_version=commentary.version)
    commentary = services.commentary_approve(user=planner, commentary_id=commentary.pk,
                                             expected_version=commentary.version)
    assert (commentary.status, commentary.version) == (FigureStatus.APPROVED, 6)
    entries = object_history(commentary)
    assert len(entries) == 6
    assert any(c.new == "用地指标缺口200亩" for e in entries for c in e.changes)


def test_a_goal_at_risk_needs_its_cause_and_remedy(agri_editor, monkeypatch):
    cluster = Cluster.objects.get(code="heishan-main")
    goal = StageGoal.objects.filter(cluster=cluster).first()
    assert goal is not None
    monkeypatch.setattr(services, "goals_needing_remarks", lambda **kw: [goal])
    commentary = _write(agri_editor)
    with pytest.raises(ValidationError) as error:
        services.commentary_submit(user=agri_editor, commentary_id=commentary.pk, expected_version=commentary.version)
    assert str(goal) in " ".join(error.value.messages)
    commentary = _write(agri_editor, version=commentary.version, remarks={goal.pk: "龙头项目延期投产；已协调电力"})
    commentary = services.commentary_submit(user=agri_editor, commentary_id=commentary.pk,
                                            expected_version=commentary.version)
    assert commentary.status == FigureStatus.SUBMITTED
    assert commentary.remarks.get().text == "龙头项目延期投产；已协调电力"


def test_a_remark_for_another_clusters_goal_is_refused(agri_editor):
    other = StageGoal.objects.exclude(cluster__code="heishan-main").exclude(cluster=None).first()
    with pytest.raises(ValidationError):
        _write(agri_editor, remarks={other.pk: "不相干"})


def _figure(user, code="heishan-main"):
    return figures.figure_create(user=user, cluster=Cluster.objects.get(code=code), year=2011, quarter=1,
                                 output_value=Decimal("12.5"))


def test_the_commentary_is_submitted_returned_and_approved_with_the_figures(agri_editor, planner, settings):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    commentary = _write(agri_editor)
    figure = _figure(agri_editor)
    figure = figures.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    commentary.refresh_from_db()
    assert commentary.status == FigureStatus.SUBMITTED
    figure = figures.figure_return(user=planner, figure_id=figure.pk, expected_version=figure.version,
                                   reason="产值口径有误")
    commentary.refresh_from_db()
    assert (commentary.status, commentary.return_reason) == (FigureStatus.RETURNED, "产值口径有误")
    figure = figures.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    figures.figure_approve(user=planner, figure_id=figure.pk, expected_version=figure.version)
    commentary.refresh_from_db()
    assert (commentary.status, commentary.approved_by) == (FigureStatus.APPROVED, planner)


def test_an_incomplete_commentary_stays_a_draft_when_the_figures_are_submitted(agri_editor):
    commentary = _write(agri_editor, progress="")
    figure = _figure(agri_editor)
    figures.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    commentary.refresh_from_db()
    assert commentary.status == FigureStatus.DRAFT


def test_figures_without_a_commentary_move_as_before(agri_editor):
    figure = _figure(agri_editor)
    figure = figures.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    assert figure.status == FigureStatus.SUBMITTED
    assert not QuarterCommentary.objects.exists()


def test_reopening_an_approved_figure_sends_the_approved_commentary_back(agri_editor, planner, settings):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    commentary = _write(agri_editor)
    figure = _figure(agri_editor)
    figure = figures.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    figure = figures.figure_approve(user=planner, figure_id=figure.pk, expected_version=figure.version)
    figures.figure_reopen(user=planner, figure_id=figure.pk, expected_version=figure.version, reason="口径调整")
    commentary.refresh_from_db()
    assert (commentary.status, commentary.return_reason, commentary.approved_by) == (
        FigureStatus.RETURNED, "口径调整", None)


def test_with_enterprise_figures_the_commentary_is_approved_with_the_last_one(planner, agri_editor, settings):
    settings.REVIEW_REQUIRES_SECOND_PERSON = False
    cluster = Cluster.objects.get(code="heishan-main")
    first, second = (EnterpriseFactory(cluster=cluster) for _ in range(2))
    made = [figures.figure_create(user=agri_editor, cluster=cluster, enterprise=e, year=2011, quarter=1,
                                  output_value=Decimal("3")) for e in (first, second)]
    commentary = _write(agri_editor)
    made = [figures.figure_submit(user=agri_editor, figure_id=f.pk, expected_version=f.version) for f in made]
    figures.figure_approve(user=planner, figure_id=made[0].pk, expected_version=made[0].version)
    commentary.refresh_from_db()
    assert commentary.status == FigureStatus.SUBMITTED
    figures.figure_approve(user=planner, figure_id=made[1].pk, expected_version=made[1].version)
    commentary.refresh_from_db()
    assert commentary.status == FigureStatus.APPROVED


def test_the_history_says_the_commentary_moved_with_the_figures(agri_editor):
    commentary = _write(agri_editor)
    figure = _figure(agri_editor)
    figures.figure_submit(user=agri_editor, figure_id=figure.pk, expected_version=figure.version)
    commentary.refresh_from_db()
    assert object_history(commentary)[0].reason == "随数据报送"
