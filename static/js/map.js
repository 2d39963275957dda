/* Draws the city map with Apache ECharts (static/vendor/echarts) on Jinzhou's district boundaries
 * (static/vendor/jinzhou-map/jinzhou.json, fetched from this server and registered with echarts.registerMap).
 *
 * A map is <div data-map="ID" data-geojson="URL"> next to <script type="application/json" id="ID"> holding
 * what the server built (dashboards/map.py): choropleth layers (one map series + its visualMap each) and point
 * overlays (scatter series). A form [data-map-controls="ID"] switches the layer (radio "layer") and the overlays
 * (checkboxes "overlay"). Clicking a district, or a [data-region-button], shows that region's panel
 * (.region-panel[data-region]); clicking a point opens its page. Sets data-map-ready="true" once drawn. */
(function () {
  "use strict";
  var maps = [];

  function locale() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function tooltip(params) {
    var data = params.data || {};
    var lines = data.tip || [params.name];
    return lines.map(function (line) { return window.echarts.format.encodeHTML(String(line)); }).join("<br>");
  }

  function option(payload, controls) {
    var layerKey = "output";
    var overlays = [];
    if (controls) {
      var checked = controls.querySelector("input[name=layer]:checked");
      if (checked) { layerKey = checked.value; }
      controls.querySelectorAll("input[name=overlay]:checked").forEach(function (box) { overlays.push(box.value); });
    }
    var layer = payload.layers[layerKey];
    var series = [layer.series];
    overlays.forEach(function (key) { series = series.concat(payload.overlays[key].series); });
    var pointNames = series.slice(1).map(function (s) { return s.name; });
    return {
      animation: false,
      aria: {enabled: true, label: {description: layer.label}},  // no decals: the colour ramps differ in lightness
      tooltip: {trigger: "item", confine: true, formatter: tooltip},
      legend: pointNames.length ? {top: 0, type: "scroll", data: pointNames} : {show: false},
      geo: {map: payload.map, roam: false, top: pointNames.length ? 36 : 8, bottom: 8, left: 8, right: 8,
            label: {show: true, fontSize: 11}, itemStyle: {areaColor: "#f2f2f2", borderColor: "#5b6675"},
            emphasis: {label: {show: true}, itemStyle: {areaColor: "#ffe3c2"}}, regions: payload.own},
      visualMap: [layer.visualMap],
      series: series
    };
  }

  function showPanel(name) {
    var shown = null;
    document.querySelectorAll(".region-panel[data-region]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-region") !== name;
      if (!panel.hidden) { shown = panel; }
    });
    if (shown) { shown.scrollIntoView({block: "nearest"}); shown.focus({preventScroll: true}); }
  }

  function draw(el, geojson) {
    var source = document.getElementById(el.getAttribute("data-map"));
    if (!source) { return; }
    var payload = JSON.parse(source.textContent);
    window.echarts.registerMap(payload.map, geojson);
    var controls = document.querySelector('[data-map-controls="' + el.getAttribute("data-map") + '"]');
    var chart = window.echarts.init(el, null, {locale: locale()});
    chart.setOption(option(payload, controls));
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; return; }
      if (params.name) { showPanel(params.name); }
    });
    if (controls) {
      controls.addEventListener("change", function () {
        chart.setOption(option(payload, controls), {notMerge: true});  // the whole option is rebuilt
      });
    }
    maps.push(chart);
    el.setAttribute("data-map-ready", "true");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var elements = document.querySelectorAll("[data-map]");
    if (!elements.length || !window.echarts) { return; }
    var panels = document.querySelectorAll(".region-panel[data-region]");
    panels.forEach(function (panel) { panel.hidden = true; panel.tabIndex = -1; });
    document.querySelectorAll("[data-region-button]").forEach(function (button) {
      button.addEventListener("click", function () { showPanel(button.getAttribute("data-region-button")); });
    });
    fetch(elements[0].getAttribute("data-geojson"), {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("map boundaries: HTTP " + response.status); }
        return response.json();
      })
      .then(function (geojson) { elements.forEach(function (el) { draw(el, geojson); }); });
  });
  window.addEventListener("resize", function () { maps.forEach(function (chart) { chart.resize(); }); });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".region-panel[data-region]").forEach(function (panel) { panel.hidden = false; });
    maps.forEach(function (chart) { chart.resize(); });
  });
})();
