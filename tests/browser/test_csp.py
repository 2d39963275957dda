"""In a real browser, with the Content Security Policy on: the pages, the admin and the API docs (Swagger UI)
work without one CSP violation (a violation is a console error) and without asking any other host."""
import pytest
from playwright.sync_api import Browser

from org.models import Department, User
from plan.loader import plan_load

from .pages import PASSWORD, assert_clean, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ("/", "/goals/", "/ranking/", "/figures/entry/", "/parks/", "/projects/", "/funds/", "/map/", "/briefing/",
         "/scenarios/", "/scenarios/new/", "/admin/", "/admin/clusters/cluster/")


@pytest.fixture
def planner():
    plan_load()  # transactional tests start from an empty database
    return User.objects.create_user("planner-csp", password=PASSWORD, role=User.Role.PLANNER, is_staff=True,
                                    department=Department.objects.get(code="jxw"))


def test_pages_and_the_admin_run_under_the_policy(browser: Browser, live_server, planner):
    watched = sign_in(browser, live_server.url, planner.username)
    # Django's admin templates name no favicon, so the browser asks for /favicon.ico: not a CSP matter.
    watched.page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    for path in PAGES:
        response = watched.page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        watched.page.wait_for_load_state("load")
    assert_clean(watched)


def test_swagger_ui_runs_under_the_policy(browser: Browser, live_server, planner):
    watched = sign_in(browser, live_server.url, planner.username)
    open_page(watched, "/api/docs/")
    watched.page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)  # drawn from the schema
    assert_clean(watched)
