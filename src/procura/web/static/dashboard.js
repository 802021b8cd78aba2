// Draw the dashboard's charts from the page's JSON block; a click opens the filtered queue.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var text = JSON.parse(document.getElementById("chart-text").textContent);
  var palette = ["#0b5cad", "#7a1f1f", "#17603a", "#8a4b00", "#5b3c88", "#2a7f8f", "#9c2f6b", "#4f5761", "#a86b00", "#3a6e2a"];

  function queue(filter) {
    var query = new URLSearchParams(filter || {}).toString();
    window.location.href = "/leads" + (query ? "?" + query : "");
  }

  function option(kind, items) {
    var names = items.map(function (i) { return i.name; });
    var base = { color: palette, tooltip: {}, animation: false, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily }, grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true } };
    if (kind === "bar" || kind === "precision") {
      base.yAxis = { type: "category", data: names, inverse: true, axisLabel: { width: 150, overflow: "break", lineHeight: 14 } };
      base.grid.left = 160; base.grid.containLabel = false;
      base.xAxis = kind === "precision" ? { type: "value", max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } } : { type: "value", minInterval: 1 };
      base.series = [{ type: "bar", name: kind === "precision" ? text.precision : text.leads, data: items, label: { show: true, position: "right", formatter: kind === "precision" ? function (p) { return (p.value * 100).toFixed(1) + "%"; } : "{c}" } }];
    } else if (kind === "line") {
      base.xAxis = { type: "category", data: names };
      base.yAxis = { type: "value", minInterval: 1 };
      base.series = [{ type: "line", name: text.leads, data: items, symbolSize: 8 }];
    } else if (kind === "pie") {
      base.series = [{ type: "pie", radius: ["30%", "58%"], data: items, label: { formatter: "{b}\n{c}", alignTo: "edge", edgeDistance: 4, width: 90, overflow: "break" } }];
    } else if (kind === "funnel") {
      base.series = [{ type: "funnel", sort: "none", minSize: "8%", data: items, label: { formatter: "{b}  {c}" } }];
    } else if (kind === "sunburst") {
      base.series = [{ type: "sunburst", data: items, radius: ["12%", "95%"], label: { minAngle: 12 }, nodeClick: false }];
    }
    return base;
  }

  // Canvas text needs the page's font loaded first (the packaged Chinese font, where it is used).
  document.fonts.ready.then(function () { document.querySelectorAll(".chart[data-chart]").forEach(draw); });

  // The trend-alerts fragment (loaded by htmx) carries its own chart: each alerted region-series by
  // month, the rise shaded from where it starts and a pin at the month the test alarmed.
  var alertPalette = ["#7a1f1f", "#0b5cad", "#17603a", "#8a4b00", "#5b3c88", "#2a7f8f"];
  function drawAlerts() {
    var el = document.getElementById("alert-chart");
    if (!el || el.dataset.drawn) return;
    el.dataset.drawn = "1";
    var c = JSON.parse(document.getElementById("alert-chart-data").textContent);
    var words = JSON.parse(document.getElementById("alert-chart-text").textContent);
    var last = c.periods[c.periods.length - 1];
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: alertPalette, animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 44, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: c.periods },
      yAxis: { type: "value", minInterval: 1 },
      series: c.lines.map(function (l, i) {
        var color = alertPalette[i % alertPalette.length];
        return {
          type: "line", name: l.name, data: l.counts, symbolSize: 4, lineStyle: { width: 2 },
          markArea: { silent: true, itemStyle: { color: color, opacity: 0.08 }, label: { color: color }, data: [[{ xAxis: l.since, name: i === 0 ? words.rise : "" }, { xAxis: last }]] },
          markLine: { silent: true, symbol: "none", lineStyle: { color: color, type: "dashed" }, label: { show: false }, data: [{ xAxis: l.since }] },
          markPoint: { symbol: "pin", symbolSize: 34, itemStyle: { color: color }, data: [{ name: words.detected, coord: [l.period, l.counts[c.periods.indexOf(l.period)]], value: "↑" }] }
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.body.addEventListener("htmx:afterSettle", function () { document.fonts.ready.then(drawAlerts); });
  document.fonts.ready.then(drawAlerts);

  function draw(el) {
    var items = data[el.dataset.chart] || [];
    // Bars need room for two-line Chinese titles.
    if (el.dataset.kind === "bar" || el.dataset.kind === "precision") el.style.height = Math.max(300, 40 * items.length + 40) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(el.dataset.kind, items));
    chart.on("click", function (params) { queue(params.data && params.data.filter); });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();
