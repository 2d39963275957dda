"""The reported year to date (累计): kept as reported, flagged while the quarters disagree, settled by a service."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters import selectors, services
from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from core import hooks
from core.exceptions import VersionConflict
from core.periods import Quarter

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def linghai():
    return Cluster.objects.get(code="linghai-main")


def _enter(user, quarter, value, mode="ytd", unit=None):
    unit = unit or f"c{Cluster.objects.get(code='linghai-main').pk}"
    services.figures_enter_quarter(user=user, quarter=Quarter(2011, quarter), mode=mode,
                                   entries=[services.EntryInput(unit=unit, value=value, version=_version(quarter))])


def _version(quarter):
    figure = QuarterlyFigure.objects.filter(cluster__code="linghai-main", year=2011, quarter=quarter).first()
    return figure.version if figure else None


def _figure(quarter):
    return selectors.with_ytd_check(QuarterlyFigure.objects.filter(cluster__code="linghai-main", year=2011,
                                                                   quarter=quarter)).get()


def _approve(planner, quarter, editor):
    figure = QuarterlyFigure.objects.get(cluster__code="linghai-main", year=2011, quarter=quarter)
    figure = services.figure_submit(user=editor, figure_id=figure.pk, expected_version=figure.version)
    return services.figure_approve(user=planner, figure_id=figure.pk, expected_version=figure.version)


@pytest.fixture
def reported(agri_editor, planner):
    """凌海 2011: Q1 18.2 (the quarter's own), Q2 reported as 累计 37, both approved."""
    _enter(agri_editor, 1, "18.2", mode="quarter")
    _approve(planner, 1, agri_editor)
    _enter(agri_editor, 2, "37")
    _approve(planner, 2, agri_editor)


def _correct_q1(planner, editor, value="17.9"):
    q1 = QuarterlyFigure.objects.get(cluster__code="linghai-main", year=2011, quarter=1)
    q1 = services.figure_reopen(user=planner, figure_id=q1.pk, expected_version=q1.version, reason="复核")
    services.figure_update(user=editor, figure_id=q1.pk, expected_version=q1.version, output_value=D(value))


def test_a_year_to_date_typed_on_the_entry_screen_is_kept_beside_the_derived_quarter_value(reported):
    q2 = _figure(2)
    assert (q2.entry_mode, q2.reported_ytd, q2.output_value) == ("ytd", D("37"), D("18.8"))
    assert _figure(1).entry_mode == "quarter"
    assert _figure(1).reported_ytd is None
    assert not q2.ytd_mismatch


def test_correcting_an_earlier_quarter_flags_the_later_ytd_figure_and_changes_nothing_in_it(
        reported, agri_editor, planner):
    before = QuarterlyFigure.objects.get(cluster__code="linghai-main", year=2011, quarter=2)
    _correct_q1(planner, agri_editor)
    q2 = _figure(2)
    assert (q2.reported_ytd, q2.output_value, q2.version, q2.status) == (
        D("37"), D("18.8"), before.version, FigureStatus.APPROVED)
    assert q2.ytd_mismatch
    assert q2.quarters_ytd == D("36.7")
    assert selectors.figure_ytd_flags(q2) == ["ytd_mismatch"]


def test_the_flag_goes_when_the_numbers_agree_again(reported, agri_editor, planner):
    _correct_q1(planner, agri_editor)
    q1 = QuarterlyFigure.objects.get(cluster__code="linghai-main", year=2011, quarter=1)
    services.figure_update(user=agri_editor, figure_id=q1.pk, expected_version=q1.version, output_value=D("18.2"))
    assert not _figure(2).ytd_mismatch


def test_a_quarter_value_figure_is_never_flagged(agri_editor, planner):
    _enter(agri_editor, 1, "18.2", mode="quarter")
    _enter(agri_editor, 2, "18.8", mode="quarter")
    q1 = QuarterlyFigure.objects.get(cluster__code="linghai-main", year=2011, quarter=1)
    services.figure_update(user=agri_editor, figure_id=q1.pk,
                           expected_version=q1.version, output_value=D("1"))
    assert not _figure(2).ytd_mismatch


def test_keeping_the_reported_ytd_derives_the_quarter_value_again_and_marks_the_rollup(
        reported, agri_editor, planner, monkeypatch):
    _correct_q1(planner, agri_editor)
    marks = []
    monkeypatch.setattr(hooks, "rollup_mark", lambda **kw: marks.append(kw))
    q2 = _figure(2)
    settled = services.figure_resolve_ytd(user=agri_editor, figure_id=q2.pk, expected_version=q2.version,
                                          keep="ytd")
    assert (settled.reported_ytd, settled.output_value, settled.status) == (D("37"), D("19.1"), FigureStatus.APPROVED)
    assert settled.version == q2.version + 1
    assert marks == [{"cluster_id": q2.cluster_id, "year": 2011}]
    assert settled.history.first().history_change_reason.startswith("ytd resolved, kept ytd")
    assert not _figure(2).ytd_mismatch


def test_keeping_the_quarter_value_derives_the_ytd_again(reported, agri_editor, planner):
    _correct_q1(planner, agri_editor)
    q2 = _figure(2)
    settled = services.figure_resolve_ytd(user=planner, figure_id=q2.pk, expected_version=q2.version, keep="quarter")
    assert (settled.reported_ytd, settled.output_value) == (D("36.7"), D("18.8"))
    assert not _figure(2).ytd_mismatch


def test_resolving_a_stale_version_is_refused(reported, agri_editor, planner):
    _correct_q1(planner, agri_editor)
    q2 = _figure(2)
    with pytest.raises(VersionConflict):
        services.figure_resolve_ytd(user=agri_editor, figure_id=q2.pk, expected_version=q2.version - 1, keep="ytd")


def test_resolving_a_figure_that_agrees_is_refused(reported, agri_editor):
    q2 = _figure(2)
    with pytest.raises(ValidationError) as error:
        services.figure_resolve_ytd(user=agri_editor, figure_id=q2.pk, expected_version=q2.version, keep="ytd")
    assert error.value.code == "not_mismatched"


def test_only_the_units_editor_or_a_planner_may_resolve(reported, agri_editor, planner, make_user):
    _correct_q1(planner, agri_editor)
    q2 = _figure(2)
    for user in (make_user("viewer", "nlb"), make_user("editor", "fwy")):
        with pytest.raises(PermissionDenied):
            services.figure_resolve_ytd(user=user, figure_id=q2.pk, expected_version=q2.version, keep="ytd")


def test_a_ytd_value_below_the_earlier_quarters_cannot_be_kept(reported, agri_editor, planner):
    _correct_q1(planner, agri_editor, value="40")
    q2 = _figure(2)
    with pytest.raises(ValidationError) as error:
        services.figure_resolve_ytd(user=agri_editor, figure_id=q2.pk, expected_version=q2.version, keep="ytd")
    assert error.value.code == "below_earlier"


def test_the_service_takes_either_the_quarter_value_or_the_ytd_not_both(agri_editor, linghai):
    services.figure_create(user=agri_editor, cluster=linghai, year=2011, quarter=1, output_value=D("10"))
    with pytest.raises(ValidationError):
        services.figure_create(user=agri_editor, cluster=linghai, year=2011, quarter=2, output_value=D("1"),
                               output_ytd=D("12"))
    figure = services.figure_create(user=agri_editor, cluster=linghai, year=2011, quarter=2, output_ytd=D("12"))
    assert (figure.output_value, figure.entry_mode, figure.reported_ytd) == (D("2"), "ytd", D("12"))


def test_a_ytd_needs_the_earlier_quarters(agri_editor, linghai):
    with pytest.raises(ValidationError) as error:
        services.figure_create(user=agri_editor, cluster=linghai, year=2011, quarter=2, output_ytd=D("12"))
    assert "output_ytd" in error.value.message_dict


def test_a_new_quarter_value_switches_a_ytd_figure_to_quarter_mode(agri_editor, linghai):
    services.figure_create(user=agri_editor, cluster=linghai, year=2011, quarter=1, output_value=D("10"))
    figure = services.figure_create(user=agri_editor, cluster=linghai, year=2011, quarter=2, output_ytd=D("12"))
    figure = services.figure_update(user=agri_editor, figure_id=figure.pk, expected_version=figure.version,
                                    output_value=D("3"))
    assert (figure.output_value, figure.entry_mode, figure.reported_ytd) == (D("3"), "quarter", None)


def test_the_check_costs_no_extra_query(reported, agri_editor, planner, django_assert_num_queries):
    _correct_q1(planner, agri_editor)
    with django_assert_num_queries(1):
        flagged = [f.ytd_mismatch for f in selectors.with_ytd_check(QuarterlyFigure.objects.order_by("quarter"))]
    assert flagged == [False, True]
