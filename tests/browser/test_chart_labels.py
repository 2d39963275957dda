"""In a real browser, on every dashboard page: each chart names every category (no cluster or quarter
label skipped), no text is drawn outside its canvas (nothing cut off; a scrolling legend's hidden items
excepted), and no chart is drawn without a value when its table has rows. Checked on what ECharts itself
drew (zrender's display list), at 1366 px and 375 px."""
import pytest

from clusters.models import Cluster
from org.models import Department
from parks.models import Park
from progress.selectors import latest_period

from .pages import PHONE, assert_clean, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each chart on the page: its size, the categories of its category axes, every text ECharts drew with
# its box in the canvas, and whether any series holds a value.
DRAWN = """() => [...document.querySelectorAll('[data-chart]')].map(el => {
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const categories = [...(option.xAxis || []), ...(option.yAxis || [])]
    .filter(axis => axis.type === 'category').flatMap(axis => axis.data.map(String));
  const texts = chart.getZr().storage.getDisplayList(true)
    .filter(item => item.style && typeof item.style.text === 'string' && item.style.text.trim())
    // a scrolling legend hides its overflow behind a clip path on purpose: not drawn outside
    .filter(item => !(item.__clipPaths && item.__clipPaths.length))
    .map(item => {
      const box = item.getBoundingRect().clone();
      if (item.transform) { box.applyTransform(item.transform); }
      return {text: item.style.text, left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height};
    });
  const hasValue = (option.series || []).some(s => (s.data || []).some(p => {
    const v = (p !== null && typeof p === 'object') ? p.value : p;
    return v !== null && v !== undefined && v !== '' && v !== '-';
  }));
  return {key: el.dataset.chart, width: chart.getWidth(), height: chart.getHeight(), categories, texts, hasValue};
})"""
SLACK_PX = 1


def _check_charts(watched, path: str) -> int:
    open_page(watched, path)
    charts = watched.page.evaluate(DRAWN)
    for chart in charts:
        where = f"{path} {chart['key']}"
        drawn = {text["text"] for text in chart["texts"]}
        missing = [c for c in chart["categories"] if c not in drawn]
        assert missing == [], f"{where}: labels not drawn: {missing}"
        outside = [t for t in chart["texts"]
                   if t["left"] < -SLACK_PX or t["top"] < -SLACK_PX
                   or t["right"] > chart["width"] + SLACK_PX or t["bottom"] > chart["height"] + SLACK_PX]
        assert outside == [], f"{where}: text outside the {chart['width']}×{chart['height']} canvas: {outside}"
        assert chart["hasValue"], f"{where}: drawn with no value"
    return len(charts)


def _pages() -> list[str]:
    period = latest_period()
    year, quarter = period
    query = f"?year={year}&quarter={quarter}"
    return [
        f"/dashboard/city/{query}",
        f"/dashboard/department/{Department.objects.get(code='nlb').pk}/{query}",
        *(f"/clusters/{c.pk}/{query}" for c in Cluster.objects.filter(code__in=["pv", "heishan-main", "yixian-main"])),
        *(f"/parks/{p.pk}/{query}" for p in Park.objects.filter(code__in=["heishan-park", "kaifaqu-park"])),
        f"/investment/{query}",
        f"/ranking/{query}",
    ]


@pytest.mark.parametrize("width", [1366, PHONE["width"]])
def test_every_chart_names_every_category_and_draws_inside_its_canvas(live_server, browser, demo_people, width):
    demo_people("labels", "nlb")
    watched = sign_in(browser, live_server.url, "planner-labels")
    watched.page.set_viewport_size({"width": width, "height": 900})
    drawn = sum(_check_charts(watched, path) for path in _pages())
    assert drawn >= 15
    assert_clean(watched)
