"""The admin cannot move a project between stages: only the service does, recording the move."""
import pytest
from django.urls import reverse

from investment.models import Project, ProjectStageMove

pytestmark = pytest.mark.django_db


def test_admin_change_form_shows_the_stage_read_only(client, planner):
    project = Project.objects.get(name="锦州钛业年产20万吨钛白粉一期工程")
    client.force_login(planner)
    response = client.get(reverse("admin:investment_project_change", args=[project.pk]))
    assert response.status_code == 200
    assert 'name="stage"' not in response.content.decode()


def test_stage_moves_cannot_be_added_in_the_admin(client, planner):
    client.force_login(planner)
    response = client.get(reverse("admin:investment_projectstagemove_add"))
    assert response.status_code == 403
    assert not ProjectStageMove.objects.exists()
