"""The commentary tab: write, save, submit, conflicts, review; a cluster outside the user's scope is a 404."""
import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster
from commentary.models import QuarterCommentary

pytestmark = pytest.mark.django_db

TEXTS = {"progress": "新签约项目5个", "problems": "融资难", "next_steps": "召开银企对接会"}


def _url(code="heishan-main", year=2011, quarter=1):
    return f'{reverse("commentary-edit", args=[Cluster.objects.get(code=code).pk])}?year={year}&quarter={quarter}'


def test_the_editor_opens_an_empty_form(client, agri_editor):
    client.force_login(agri_editor)
    response = client.get(_url())
    assert response.status_code == 200
    assert 'name="progress"' in response.content.decode()


def test_another_departments_cluster_is_404(client, agri_editor):
    client.force_login(agri_editor)
    assert client.get(_url("linghe-main")).status_code == 404
    assert client.post(_url("linghe-main"), TEXTS).status_code == 404
    assert not QuarterCommentary.objects.exists()


def test_save_then_submit(client, agri_editor):
    client.force_login(agri_editor)
    assert client.post(_url(), TEXTS | {"action": "save"}).status_code == 302
    commentary = QuarterCommentary.objects.get()
    assert (commentary.status, commentary.progress) == (FigureStatus.DRAFT, "新签约项目5个")
    response = client.post(_url(), TEXTS | {"action": "submit", "version": commentary.version})
    assert response.status_code == 302
    commentary.refresh_from_db()
    assert commentary.status == FigureStatus.SUBMITTED
    page = client.get(_url()).content.decode()
    assert "召开银企对接会" in page
    assert 'name="progress"' not in page


def test_a_stale_form_is_a_409_showing_the_other_text_and_saves_nothing(client, agri_editor):
    client.force_login(agri_editor)
    client.post(_url(), TEXTS)
    client.post(_url(), TEXTS | {"progress": "别人的文字", "version": 1})
    response = client.post(_url(), TEXTS | {"progress": "我的文字", "version": 1})
    assert response.status_code == 409
    assert "别人的文字" in response.content.decode()
    assert QuarterCommentary.objects.get().progress == "别人的文字"


def test_submitting_with_an_empty_text_is_a_400(client, agri_editor):
    client.force_login(agri_editor)
    response = client.post(_url(), TEXTS | {"problems": "", "action": "submit"})
    assert response.status_code == 400
    assert QuarterCommentary.objects.get().status == FigureStatus.DRAFT


def test_a_planner_approves_and_an_editor_may_not(client, agri_editor, planner, settings):
    settings.REVIEW_REQUIRES_SECOND_PERSON = True
    client.force_login(agri_editor)
    client.post(_url(), TEXTS | {"action": "submit"})
    commentary = QuarterCommentary.objects.get()
    assert client.post(_url(), {"action": "approve", "version": commentary.version}).status_code == 403
    client.force_login(planner)
    client.post(_url(), {"action": "approve", "version": commentary.version})
    commentary.refresh_from_db()
    assert commentary.status == FigureStatus.APPROVED


def test_the_entry_screen_links_each_cluster_to_its_commentary(client, agri_editor):
    client.force_login(agri_editor)
    page = client.get(reverse("figure-entry"), {"year": 2011, "quarter": 1}).content.decode()
    assert _url().replace("&", "&amp;") in page


@pytest.mark.parametrize("query", ["?year=2011&quarter=5", "?year=abc&quarter=1", "?year=1999&quarter=1"])
def test_a_quarter_that_cannot_be_is_404(client, agri_editor, query):
    client.force_login(agri_editor)
    url = reverse("commentary-edit", args=[Cluster.objects.get(code="heishan-main").pk])
    assert client.get(url + query).status_code == 404
