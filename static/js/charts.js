/* Draws every chart on a dashboard with Apache ECharts (vendored in static/vendor/echarts).
 *
 * A chart is <div data-chart="ID"> next to <script type="application/json" id="ID"> holding the
 * ECharts option the server built (dashboards/charts.py); the table behind it is on the page too,
 * so nothing here fetches anything. Also: the period picker submits on change, and the print
 * button opens every data table before printing. */
(function () {
  "use strict";
  var drawn = [];

  function locale() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var chart = window.echarts.init(el, null, {locale: locale()});
      chart.setOption(JSON.parse(source.textContent));
      el.setAttribute("data-chart-ready", "true");
      drawn.push(chart);
    });
  }

  function resize() { drawn.forEach(function (chart) { chart.resize(); }); }

  function openTables() {
    document.querySelectorAll("details.chart-table").forEach(function (d) { d.open = true; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw();
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () { form.requestSubmit(); });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { openTables(); window.print(); });
    });
  });
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", function () { openTables(); resize(); });
})();
