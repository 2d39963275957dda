"""Completeness counts a cluster's quarter complete only when its figures and its commentary are submitted, unless
COMMENTARY_REQUIRED is off."""
import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.completeness import completeness as figure_completeness
from clusters.models import Cluster
from commentary import selectors
from commentary.models import QuarterCommentary
from core.periods import Quarter
from tests.reporting.support import figure

pytestmark = pytest.mark.django_db
Q1 = Quarter(2011, 1)


def _standing(user, code="heishan-main"):
    clusters = Cluster.objects.filter(code=code)
    standing = figure_completeness(user=user, quarter=Q1, clusters=clusters, by_cluster=True)
    return selectors.completeness(user=user, standing=standing).clusters[0]


def _commentary(status, code="heishan-main"):
    return QuarterCommentary.objects.create(cluster=Cluster.objects.get(code=code), year=2011, quarter=1,
                                            progress="进展", problems="问题", next_steps="措施", status=status)


def test_submitted_figures_without_a_commentary_are_not_complete(planner):
    figure("heishan-main", 2011, 1, "10", status=FigureStatus.SUBMITTED)
    row = _standing(planner)
    assert (row.figures_in, row.commentary_in, row.complete) == (True, False, False)


def test_a_draft_commentary_is_not_enough(planner):
    figure("heishan-main", 2011, 1, "10", status=FigureStatus.SUBMITTED)
    _commentary(FigureStatus.DRAFT)
    assert not _standing(planner).complete


@pytest.mark.parametrize("status", [FigureStatus.SUBMITTED, FigureStatus.APPROVED])
def test_figures_and_commentary_submitted_make_the_quarter_complete(planner, status):
    figure("heishan-main", 2011, 1, "10", status=status)
    _commentary(status)
    assert _standing(planner).complete


def test_a_commentary_without_figures_is_not_complete(planner):
    _commentary(FigureStatus.SUBMITTED)
    assert not _standing(planner).complete


def test_with_the_setting_off_the_figures_alone_make_the_quarter_complete(planner, settings):
    settings.COMMENTARY_REQUIRED = False
    figure("heishan-main", 2011, 1, "10", status=FigureStatus.SUBMITTED)
    assert _standing(planner).complete


def test_the_completeness_page_shows_the_clusters_whose_commentary_is_missing(client, planner, settings):
    figure("heishan-main", 2011, 1, "10", status=FigureStatus.SUBMITTED)
    client.force_login(planner)
    cluster = Cluster.objects.get(code="heishan-main")
    response = client.get(reverse("figure-completeness"), {"year": 2011, "quarter": 1})
    assert f'id="cluster-complete-{cluster.pk}"' in response.content.decode()
    by_cluster = response.context["by_cluster"]
    summary = next(s for s in by_cluster.departments if s.department == cluster.responsible_department)
    assert summary.commentary_missing >= 1
    settings.COMMENTARY_REQUIRED = False
    response = client.get(reverse("figure-completeness"), {"year": 2011, "quarter": 1})
    assert f'id="cluster-complete-{cluster.pk}"' not in response.content.decode()


def test_the_page_names_the_first_incomplete_clusters_and_counts_the_rest(client, planner, monkeypatch):
    # given: the plan's 16 clusters, none complete in 2011 Q1; the page may name three
    monkeypatch.setattr(selectors, "INCOMPLETE_SHOWN", 3)
    client.force_login(planner)
    response = client.get(reverse("figure-completeness"), {"year": 2011, "quarter": 1})
    html = response.content.decode()
    # then: three rows by name, and a line counting the others
    assert html.count('id="cluster-complete-') == 3
    assert f"另有 {Cluster.objects.count() - 3} 个集群未完成" in html
    assert len(response.context["by_cluster"].incomplete) == Cluster.objects.count()
