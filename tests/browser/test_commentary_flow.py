"""In a real browser, in Chinese (the default language): an editor opens the quarter's entry screen, follows the
commentary link of a cluster, writes 主要进展 / 存在问题 / 下步措施, submits, and reads them on the cluster page."""
import pytest
from playwright.sync_api import expect

from clusters.choices import FigureStatus
from clusters.models import Cluster
from commentary.models import QuarterCommentary
from org.models import Department, User
from plan.loader import plan_load

from .pages import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor():
    plan_load()  # transactional tests start from an empty database
    return User.objects.create_user("editor-commentary", password=PASSWORD, role=User.Role.EDITOR,
                                    department=Department.objects.get(code="nlb"))


def test_write_submit_and_read_the_commentary_on_the_cluster_page(live_server, browser, editor):
    base = live_server.url
    cluster = Cluster.objects.get(code="heishan-main")
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")

    # the entry screen of 2011年第1季度 links each cluster's commentary beside the figures
    page.goto(f"{base}/figures/entry/?year=2011&quarter=1")
    expect(page.locator("#commentary-links-title")).to_have_text("季度进展说明")
    page.click("a[data-commentary=heishan-main]")
    expect(page.locator("h1")).to_contain_text("季度进展说明")
    expect(page.locator("h1")).to_contain_text("2011年第1季度")
    expect(page.locator("label[for=id_progress]")).to_have_text("主要进展")

    page.fill("#id_progress", "新增规上企业2家，杂粮加工项目投产")
    page.fill("#id_problems", "冷链物流设施不足")
    page.fill("#id_next_steps", "推进冷链物流园建设")
    page.click("button[value=submit]")
    expect(page.locator("#commentary-status")).to_have_text("已报送")
    commentary = QuarterCommentary.objects.get(cluster=cluster, year=2011, quarter=1)
    assert (commentary.status, commentary.submitted_by_id) == (FigureStatus.SUBMITTED, editor.pk)

    # the cluster page shows it for the quarter, with its status
    page.goto(f"{base}/clusters/{cluster.pk}/?year=2011&quarter=1")
    panel = page.locator(".commentary-panel")
    expect(panel).to_contain_text("新增规上企业2家，杂粮加工项目投产")
    expect(panel).to_contain_text("冷链物流设施不足")
    expect(panel).to_contain_text("推进冷链物流园建设")
    expect(panel).to_contain_text("尚未审核")
    assert errors == []
    context.close()
