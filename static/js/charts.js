/* Draws every chart on a dashboard with Apache ECharts (vendored in static/vendor/echarts).
 *
 * A chart is <div data-chart="chart-data-KEY"> inside <figure data-chart-card="KEY">; its ECharts option, title,
 * note and table come from the page's JSON block #dashboard-data, which is exactly what the page's
 * /api/v1/dashboards/ endpoint answers (dashboards/api/serializers.py). When the period picker changes
 * and names that endpoint (form[data-api]), the charts are fetched and redrawn in place and the address
 * follows (history.replaceState); without JavaScript, or when the fetch fails, the form submits as
 * before. Also: the print button opens every data table before printing. */
(function () {
  "use strict";

  function locale() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function show(el, visible) {
    if (el) { el.hidden = !visible; }
  }

  function row(tag, values) {
    var tr = document.createElement("tr");
    values.forEach(function (value) {
      var cell = document.createElement(tag);
      if (tag === "th") { cell.scope = "col"; }
      cell.textContent = value;
      tr.appendChild(cell);
    });
    return tr;
  }

  /* Title, badge, note, table and downloads of one chart card, from the dashboard JSON. */
  function fill(card, chart, query) {
    card.querySelector("[data-chart-title]").textContent = chart.title;
    show(card.querySelector("h2 .badge.demo"), chart.demo);
    var note = card.querySelector("[data-chart-note]");
    note.textContent = chart.note;
    show(note, !!chart.note);
    show(card.querySelector(".empty"), chart.empty);
    show(card.querySelector(".chart-body"), !chart.empty);
    var head = card.querySelector("[data-table-head]");
    var body = card.querySelector("[data-table-body]");
    head.replaceChildren(row("th", chart.table.headers));
    body.replaceChildren.apply(body, chart.table.cells.map(function (cells) { return row("td", cells); }));
    card.querySelectorAll("a[data-export]").forEach(function (link) {
      var params = new URLSearchParams(query);
      params.set("chart", chart.key);
      params.set("export", link.getAttribute("data-export"));
      link.setAttribute("href", "?" + params.toString());
    });
  }

  /* Draw (or redraw) one chart; an empty one is left undrawn until a period gives it data. */
  function draw(el, chart) {
    el.setAttribute("aria-label", chart.title);
    if (chart.height) { el.style.setProperty("--chart-height", chart.height + "px"); }
    if (chart.empty) { el.setAttribute("data-chart-ready", "true"); return; }
    var instance = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, {locale: locale()});
    instance.setOption(chart.option, true);
    instance.resize();
    el.setAttribute("data-chart-ready", "true");
  }

  function render(data, query, refill) {
    if (!window.echarts) { return; }
    data.charts.forEach(function (chart) {
      var card = document.querySelector('[data-chart-card="' + chart.key + '"]');
      if (!card) { return; }
      if (refill) { fill(card, chart, query); }
      draw(card.querySelector("[data-chart]"), chart);
    });
    document.querySelectorAll("[data-period-label]").forEach(function (el) { el.textContent = data.period.label; });
  }

  function unapprovedBanner(form, shown) {
    var banner = document.querySelector(".unapproved-banner");
    if (shown && !banner) {
      banner = document.createElement("p");
      banner.className = "unapproved-banner";
      banner.setAttribute("role", "status");
      banner.textContent = form.getAttribute("data-unapproved-text");
      form.after(banner);
    } else if (!shown && banner) {
      banner.remove();
    }
  }

  var asked = 0;  // the latest request: an earlier answer arriving after it is dropped

  /* Ask the page's endpoint for the period the form now names; on any failure, submit the form instead. */
  function refresh(form) {
    var fields = new URLSearchParams(new FormData(form));
    var query = fields.toString();  // the page's own query string, kept in the address bar
    if (fields.has("unapproved")) { fields.set("unapproved", "true"); }  // the API spells a boolean true / false
    var asking = fields.toString();
    var mine = ++asked;
    form.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-api") + "?" + asking, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("dashboard endpoint answered " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (mine !== asked) { return; }
        render(data, query, true);
        unapprovedBanner(form, data.period.unapproved);
        history.replaceState(null, "", "?" + query);
        form.querySelectorAll(".error").forEach(function (error) { error.remove(); });
        form.removeAttribute("aria-busy");
        form.setAttribute("data-drawn", asking);  // the period on screen, as the API was asked (tests wait for it)
      })
      .catch(function () { if (mine === asked) { form.submit(); } });
  }

  function resize() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var instance = window.echarts && window.echarts.getInstanceByDom(el);
      if (instance) { instance.resize(); }
    });
  }

  function openTables() {
    document.querySelectorAll("details.chart-table").forEach(function (d) { d.open = true; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    if (source) { render(JSON.parse(source.textContent), location.search.slice(1), false); }
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () {
        if (form.hasAttribute("data-api") && window.fetch && window.echarts) { refresh(form); } else { form.requestSubmit(); }
      });
      form.addEventListener("submit", function (event) {
        if (form.hasAttribute("data-api") && window.fetch && window.echarts) { event.preventDefault(); refresh(form); }
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { openTables(); window.print(); });
    });
  });
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", function () { openTables(); resize(); });
})();
